"""The offer cascade as parents live it: one offer at a time, decline or time out, first accept wins."""

from __future__ import annotations

import pytest

from core import commands as c
from core.config import Settings
from core.errors import DomainError, NotAllowed, StaleAction
from core.models import Membership
from core.states import OfferStatus, WorkStatus
from tests.world import World


async def test_a_funded_item_reaches_one_suitable_parent_as_a_dm(world: World) -> None:
    priya = await world.parent("Priya")
    shop = await world.business()
    work_id = await world.funded(shop)

    [offer] = await world.inbox("Priya")
    assert "Proofread a flyer" in offer.text and "You receive £21.25" in offer.text
    assert "Why you: expert in proofreading" in offer.text
    assert [a.label for a in offer.actions] == ["Accept", "Decline"]
    assert (await world.item(work_id)).status == WorkStatus.OFFERED
    assert [o.member_id for o in await world.offers(work_id)] == [priya.member_id]


async def test_decline_moves_to_the_next_parent_and_never_back(world: World) -> None:
    priya = await world.parent("Priya")
    tom = await world.parent("Tom", platform="discord")
    work_id = await world.funded(await world.business())

    reply = await world.app.handle(
        c.DeclineOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    assert "Declined" in reply
    assert "New paid work" in (await world.inbox("Tom", "discord"))[-1].text
    tom_offer = await world.pending_offer(work_id, tom)
    await world.app.handle(c.DeclineOffer(actor=tom, offer_id=tom_offer))
    # Nobody left: the item waits, open, and Priya is not asked again.
    assert (await world.item(work_id)).status == WorkStatus.OPEN
    assert len(await world.offers(work_id)) == 2
    edited = (await world.inbox("Priya"))[-1]
    assert "You passed on" in edited.text and edited.replaces is not None


async def test_an_unanswered_offer_times_out_and_the_next_parent_hears(world: World) -> None:
    tom = await world.parent("Tom")
    aisha = await world.parent("Aisha")
    work_id = await world.funded(await world.business())
    first = await world.pending_offer(work_id, tom)

    world.clock.advance(minutes=9)
    assert (await world.app.sweep()).offers_expired == 0
    world.clock.advance(minutes=2)
    report = await world.app.sweep()

    assert report.offers_expired == 1
    assert "timed out" in (await world.last_text("Tom"))
    await world.pending_offer(work_id, aisha)
    with pytest.raises(StaleAction, match="expired"):
        await world.app.handle(c.AcceptOffer(actor=tom, offer_id=first))


async def test_accepting_assigns_the_work_and_tells_both_sides(world: World) -> None:
    priya = await world.parent("Priya")
    shop = await world.business()
    work_id = await world.funded(shop)

    reply = await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    assert "is yours" in reply and f"/submit {work_id}" in reply
    item = await world.item(work_id)
    assert item.status == WorkStatus.ASSIGNED and item.assignee_member_id == priya.member_id
    assert "Priya is working on" in await world.last_text("Bloom")
    accepted = (await world.inbox("Priya"))[-1]
    assert accepted.replaces is not None and "You accepted" in accepted.text


async def test_urgent_items_go_to_several_and_the_first_accept_rescinds_the_rest(
    world: World,
) -> None:
    parents = [await world.parent(name) for name in ("Ann", "Ben", "Cat", "Dan")]
    work_id = await world.funded(await world.business(), urgent=True)
    offered = [o for o in await world.offers(work_id) if o.status == OfferStatus.PENDING]
    assert len(offered) == 3  # urgent_offers_per_round

    winner = next(p for p in parents if p.member_id == offered[1].member_id)
    await world.app.handle(c.AcceptOffer(actor=winner, offer_id=offered[1].id))

    statuses = {o.member_id: o.status for o in await world.offers(work_id)}
    assert list(statuses.values()).count(OfferStatus.ACCEPTED) == 1
    assert list(statuses.values()).count(OfferStatus.RESCINDED) == 2
    loser = next(p for p in parents if p.member_id == offered[0].member_id)
    loser_name = next(n for n, a in world.people.items() if a == loser)
    edited = (await world.inbox(loser_name))[-1]
    assert (
        "another parent took this one" in edited.text
        and edited.replaces == f"offer:{offered[0].id}"
    )
    with pytest.raises(StaleAction, match="no longer open"):
        await world.app.handle(c.AcceptOffer(actor=loser, offer_id=offered[0].id))


async def test_someone_elses_button_changes_nothing(world: World) -> None:
    priya = await world.parent("Priya")
    intruder = await world.parent("Mallory", window="1h")
    work_id = await world.funded(await world.business())
    offer_id = await world.pending_offer(work_id, priya)
    before = await world.outbox_count()

    for command in (
        c.AcceptOffer(actor=intruder, offer_id=offer_id),
        c.DeclineOffer(actor=intruder, offer_id=offer_id),
    ):
        with pytest.raises(NotAllowed, match="sent to someone else"):
            await world.app.handle(command)

    assert (await world.item(work_id)).status == WorkStatus.OFFERED
    assert await world.pending_offer(work_id, priya) == offer_id
    assert await world.outbox_count() == before


async def test_a_forged_or_repeated_press_gets_a_clear_answer(world: World) -> None:
    priya = await world.parent("Priya")
    work_id = await world.funded(await world.business())
    offer_id = await world.pending_offer(work_id, priya)

    with pytest.raises(StaleAction, match="no longer open"):
        await world.app.handle(c.AcceptOffer(actor=priya, offer_id=99999))
    await world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer_id))
    with pytest.raises(StaleAction, match="already accepted"):
        await world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer_id))
    with pytest.raises(StaleAction, match="already accepted"):
        await world.app.handle(c.DeclineOffer(actor=priya, offer_id=offer_id))


async def test_a_parent_at_capacity_cannot_take_a_second_job(world: World) -> None:
    priya = await world.parent("Priya")
    shop = await world.business()
    first = await world.funded(shop)
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(first, priya))
    )
    second = await world.funded(shop, title="Second flyer")
    assert await world.offers(second) == []  # the router skips a parent who is busy
    assert (await world.item(second)).status == WorkStatus.OPEN


async def test_a_suspended_parent_cannot_accept(world: World) -> None:
    priya = await world.parent("Priya")
    work_id = await world.funded(await world.business())
    offer_id = await world.pending_offer(work_id, priya)
    async with world.app.uow() as uow:
        place = await uow.session.get_one(Membership, (await world.town(), priya.member_id))
        place.banned_until = world.clock.now().replace(year=2030)
        await uow.commit()
    with pytest.raises(DomainError, match="suspended"):
        await world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer_id))
    assert (await world.item(work_id)).status == WorkStatus.OFFERED


async def test_the_deadline_with_no_taker_expires_the_item_and_refunds(world: World) -> None:
    shop = await world.business()
    work_id = await world.funded(shop, deadline="3h")
    assert (await world.item(work_id)).status == WorkStatus.OPEN
    told = [n.text for n in await world.inbox("Bloom")]
    assert any("finding a parent" in t for t in told)
    assert any("Nobody who fits" in t for t in told)  # and nobody was free, said once

    world.clock.advance(hours=3, minutes=1)
    await world.app.sweep()

    assert (await world.item(work_id)).status == WorkStatus.REFUNDED
    texts = [n.text for n in await world.inbox("Bloom")]
    assert any("has expired" in t for t in texts) and any(
        "£25.00" in t and "refunded" in t for t in texts
    )


async def test_a_parent_who_becomes_free_gets_the_waiting_item(world: World) -> None:
    shop = await world.business()
    work_id = await world.funded(shop)
    assert (await world.item(work_id)).status == WorkStatus.OPEN
    priya = await world.parent("Priya")
    assert (await world.item(work_id)).status == WorkStatus.OFFERED
    await world.pending_offer(work_id, priya)


async def test_after_rounds_without_a_taker_the_net_widens_and_people_hear(
    world: World, settings: Settings
) -> None:
    moderators = await world.moderators_chat()
    experts = [await world.parent(name) for name in ("Ann", "Ben", "Cat")]
    novice = await world.parent("Dan", skills="proofreading:beginner")
    work_id = await world.funded(await world.business(), skills="proofreading:expert")

    for _ in experts:
        [offer] = [o for o in await world.offers(work_id) if o.status == OfferStatus.PENDING]
        assert offer.member_id != novice.member_id  # experts first, as asked
        actor = next(a for a in experts if a.member_id == offer.member_id)
        await world.app.handle(c.DeclineOffer(actor=actor, offer_id=offer.id))

    await world.pending_offer(work_id, novice)  # round 4: any level will do
    told = await world.last_text("Bloom")
    assert "3 parents were asked and none took it yet" in told
    assert "less experience" in told
    alerts = [n.text for n in world.messenger().to(moderators)]
    assert any(f"#{work_id}) after 3 rounds" in text for text in alerts)

    await world.app.handle(
        c.DeclineOffer(actor=novice, offer_id=await world.pending_offer(work_id, novice))
    )
    assert (await world.item(work_id)).status == WorkStatus.OPEN
    assert "Everyone who fits" in await world.last_text("Bloom")
    assert "full refund" in await world.last_text("Bloom")


async def test_a_delivery_waiting_for_approval_frees_the_slot_for_the_next_offer(
    world: World,
) -> None:
    priya = await world.parent("Priya")
    shop = await world.business()
    first = await world.funded(shop, title="Proofread a flyer")
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(first, priya))
    )
    second = await world.funded(shop, title="Proofread a menu")
    assert not [o for o in await world.offers(second) if o.member_id == priya.member_id]
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=first, body="Done: link"))
    # The flyer waits for the business; the menu comes to Priya at once.
    assert await world.pending_offer(second, priya)
    said = await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(second, priya))
    )
    assert "is yours" in said


async def test_while_an_offer_waits_for_its_answer_nobody_else_is_asked(world: World) -> None:
    """A sweep, or a parent becoming free, tries the item again: one offer at a time still."""
    priya = await world.parent("Priya")
    work_id = await world.funded(await world.business())
    await world.parent("Tom")
    world.clock.advance(minutes=2)
    await world.app.handle(c.RouteWork(work_id=work_id))
    assert [o.member_id for o in await world.offers(work_id)] == [priya.member_id]
    assert await world.inbox("Tom") == []
