"""Businesses post work, see the fee before paying, and may act only on their own items."""

from __future__ import annotations

import pytest

from core import commands as c
from core.errors import DomainError, NotAllowed, StaleAction
from core.models import WorkItem
from core.states import WorkStatus
from tests.world import World


async def test_posting_shows_the_split_and_how_to_pay(world: World) -> None:
    shop = await world.business()
    posted = await world.app.handle(
        c.PostWork(
            actor=shop,
            title="Proofread a flyer",
            description="One page.",
            skills="proof reading",
            budget="£25",
            estimate="45m",
            deadline="tomorrow 17:00",
        )
    )
    assert "the parent receives £21.25 and the platform fee is £3.75" in posted.message
    assert "PB-" in posted.checkout
    assert (await world.item(posted.work_id)).status == WorkStatus.AWAITING_PAYMENT


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("skills", "desing", 'Did you mean "design"'),
        ("budget", "£9000000", "need a moderator"),
        ("budget", "50p", "couldn't read"),
        ("budget", "£0.50", "smallest budget"),
        ("budget", "€25", "pays in GBP"),
        ("estimate", "2m", "start at 5 minutes"),
        ("estimate", "300h", "longer than"),
        ("deadline", "yesterday", "already passed"),
        ("deadline", "whenever", "couldn't read that deadline"),
        ("deadline", "30m", "sooner than the work would take"),
    ],
)
async def test_bad_posts_get_one_sentence_and_create_nothing(
    world: World, field: str, value: str, says: str
) -> None:
    shop = await world.business()
    with pytest.raises(DomainError, match=says):
        await world.post(shop, **{field: value})
    async with world.app.uow() as uow:
        assert (await uow.session.get(WorkItem, 1)) is None


async def test_only_registered_businesses_post(world: World) -> None:
    parent = await world.parent("Priya")
    with pytest.raises(NotAllowed, match="/business"):
        await world.post(parent)


async def test_a_business_cannot_touch_another_business_item(world: World) -> None:
    mine = await world.business("Bloom")
    theirs = await world.business("Rival")
    work_id = await world.post(mine)
    for command in (
        c.CancelWork(actor=theirs, work_id=work_id),
        c.ApproveDelivery(actor=theirs, work_id=work_id),
        c.RequestChanges(actor=theirs, work_id=work_id, note="do it again"),
    ):
        with pytest.raises(NotAllowed, match="belongs to another business"):
            await world.app.handle(command)
    assert (await world.item(work_id)).status == WorkStatus.AWAITING_PAYMENT


async def test_cancel_before_acceptance_refunds_and_withdraws_offers(world: World) -> None:
    await world.parent("Priya")
    shop = await world.business()
    work_id = await world.funded(shop)
    reply = await world.app.handle(c.CancelWork(actor=shop, work_id=work_id))
    assert "refunded" in reply
    assert (await world.item(work_id)).status == WorkStatus.REFUNDED
    assert "withdrawn" in await world.last_text("Priya")


async def test_cancel_after_acceptance_is_refused(world: World) -> None:
    priya = await world.parent("Priya")
    shop = await world.business()
    work_id = await world.funded(shop)
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    with pytest.raises(StaleAction, match="is being worked on, so it can't be cancelled now"):
        await world.app.handle(c.CancelWork(actor=shop, work_id=work_id))


async def test_an_unpaid_item_expires_at_its_deadline_without_a_refund(world: World) -> None:
    shop = await world.business()
    work_id = await world.post(shop, deadline="2h")
    world.clock.advance(hours=2, minutes=1)
    await world.app.sweep()
    assert (await world.item(work_id)).status == WorkStatus.EXPIRED
    assert not any("refund" in n.text for n in await world.inbox("Bloom"))


async def test_funding_twice_is_refused(world: World) -> None:
    shop = await world.business()
    work_id = await world.funded(shop)
    with pytest.raises(StaleAction, match="already funded"):
        await world.app.handle(c.ConfirmFunding(actor=await world.moderator(), work_id=work_id))


@pytest.mark.parametrize(
    ("setting", "first_waits", "second_waits"),
    [
        ("none", False, False),
        ("first", True, False),
        ("all", True, True),
    ],
)
async def test_the_review_setting_decides_which_posts_wait_for_a_moderator(
    world: World, setting: str, first_waits: bool, second_waits: bool
) -> None:
    world.app.settings.moderate_posts = setting
    shop = await world.business()
    first = await world.post(shop)
    assert ((await world.item(first)).status == WorkStatus.DRAFT) is first_waits
    if first_waits:
        with pytest.raises(NotAllowed):
            await world.app.handle(c.ApprovePost(actor=shop, work_id=first))
        await world.app.handle(c.ApprovePost(actor=await world.moderator(), work_id=first))
        assert (await world.item(first)).status == WorkStatus.AWAITING_PAYMENT
        with pytest.raises(StaleAction, match="nothing to review"):
            await world.app.handle(c.ApprovePost(actor=await world.moderator(), work_id=first))
    second = await world.post(shop, title="Second flyer")
    assert ((await world.item(second)).status == WorkStatus.DRAFT) is second_waits


async def test_a_business_hears_at_posting_when_nobody_here_has_the_skill(world: World) -> None:
    await world.parent("Priya", skills="proofreading:beginner")
    shop = await world.business()
    posted = await world.app.handle(
        c.PostWork(
            actor=shop,
            title="Proofread a flyer",
            description="One page.",
            skills="proofreading:expert",
            budget="£25",
            estimate="45m",
            deadline="tomorrow 17:00",
        )
    )
    assert "Heads-up: nobody in this community lists proofreading (expert) yet" in posted.message
    assert f"/cancel {posted.work_id}" in posted.message
    fine = await world.app.handle(
        c.PostWork(
            actor=shop,
            title="Proofread a menu",
            description="One page.",
            skills="proofreading",
            budget="£25",
            estimate="45m",
            deadline="tomorrow 17:00",
        )
    )
    assert "Heads-up" not in fine.message


async def test_an_item_nobody_is_free_for_is_said_once_to_the_business_and_moderators(
    world: World,
) -> None:
    moderators = await world.moderators_chat()
    await world.parent("Priya", window=None)  # has the skill, isn't free
    shop = await world.business()
    work_id = await world.funded(shop)
    for _ in range(3):
        world.clock.advance(minutes=20)
        await world.app.sweep()
    await world.app.outbox.drain()
    told = [n.text for n in await world.inbox("Bloom") if "Nobody who fits" in n.text]
    assert told == [
        f'Nobody who fits "Proofread a flyer" (#{work_id}) is free right now. I\'ll offer it the '
        "moment someone suitable is, until Tue 03 Mar 17:00; if nobody takes it by then you get "
        f"a full refund. To stop waiting, type /cancel {work_id}."
    ]
    alerts = [n.text for n in world.messenger().to(moderators) if "Nobody is free" in n.text]
    assert len(alerts) == 1


async def test_a_refund_is_told_once(world: World) -> None:
    shop = await world.business()
    work_id = await world.funded(shop)  # nobody is free, so nobody takes it
    world.clock.advance(days=2)
    await world.app.sweep()
    about_money = [n.text for n in await world.inbox("Bloom") if "refunded" in n.text.lower()]
    assert about_money == [
        '£25.00 for "Proofread a flyer" (#1) is being refunded to you. The moderators will '
        "send it back by bank transfer to the account you paid from, and you'll hear here "
        "when it's sent."
    ]
    assert (await world.item(work_id)).status == WorkStatus.REFUNDED
