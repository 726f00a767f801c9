"""Deliver, approve or ask for changes, dispute, and rate each other, hidden until both have."""

from __future__ import annotations

import pytest

from core import commands as c
from core.actors import Actor
from core.errors import NotAllowed, StaleAction
from core.states import WorkStatus
from tests.world import World


async def assigned(world: World) -> tuple[Actor, Actor, int]:
    priya = await world.parent("Priya")
    shop = await world.business()
    work_id = await world.funded(shop)
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    return priya, shop, work_id


async def test_submit_then_approve_pays_the_parent_their_share(world: World) -> None:
    priya, shop, work_id = await assigned(world)
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="https://docs/x"))
    delivery = (await world.inbox("Bloom"))[-1]
    assert "https://docs/x" in delivery.text
    assert [a.label for a in delivery.actions] == ["Approve", "Request changes", "Dispute"]

    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
    assert (await world.item(work_id)).status == WorkStatus.APPROVED
    assert "£21.25 is owed to you" in await world.last_text("Priya")


async def test_only_the_assignee_can_submit(world: World) -> None:
    _, shop, work_id = await assigned(world)
    stranger = await world.parent("Tom")
    for actor in (stranger, shop):
        with pytest.raises(NotAllowed, match="isn't assigned to you"):
            await world.app.handle(c.SubmitDelivery(actor=actor, work_id=work_id, body="mine"))


async def test_changes_requested_go_back_to_the_parent(world: World) -> None:
    priya, shop, work_id = await assigned(world)
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="v1"))
    await world.app.handle(
        c.RequestChanges(actor=shop, work_id=work_id, note="Please fix the prices")
    )
    assert "Please fix the prices" in await world.last_text("Priya")
    assert (await world.item(work_id)).status == WorkStatus.ASSIGNED
    with pytest.raises(StaleAction, match="no delivery waiting"):
        await world.app.handle(c.RequestChanges(actor=shop, work_id=work_id, note="again"))


async def test_approving_twice_is_refused_with_a_sentence(world: World) -> None:
    priya, shop, work_id = await assigned(world)
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="v1"))
    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
    with pytest.raises(StaleAction, match="can't be approved now"):
        await world.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))


async def test_silence_approves_automatically_after_three_days(world: World) -> None:
    priya, _, work_id = await assigned(world)
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="v1"))
    world.clock.advance(days=2, hours=23)
    assert (await world.app.sweep()).auto_approved == 0
    world.clock.advance(hours=2)
    assert (await world.app.sweep()).auto_approved == 1
    assert (await world.item(work_id)).status == WorkStatus.APPROVED
    assert any("approved automatically" in n.text for n in await world.inbox("Priya"))


async def test_ratings_stay_hidden_until_both_sides_rate(world: World) -> None:
    priya, shop, work_id = await assigned(world)
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="v1"))
    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
    await world.app.handle(c.RateWork(actor=shop, work_id=work_id, stars=5))
    assert not any("rated you" in n.text for n in await world.inbox("Priya"))
    with pytest.raises(StaleAction, match="already rated"):
        await world.app.handle(c.RateWork(actor=shop, work_id=work_id, stars=1))
    await world.app.handle(c.RateWork(actor=priya, work_id=work_id, stars=4))
    assert "rated you ★★★★★" in await world.last_text("Priya")
    assert "rated you ★★★★" in await world.last_text("Bloom")


async def test_a_one_sided_rating_shows_after_the_window(world: World) -> None:
    priya, shop, work_id = await assigned(world)
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="v1"))
    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
    await world.app.handle(c.RateWork(actor=shop, work_id=work_id, stars=3))
    world.clock.advance(days=7, minutes=1)
    await world.app.sweep()
    assert "rated you ★★★" in await world.last_text("Priya")


async def test_strangers_cannot_rate_or_dispute(world: World) -> None:
    priya, shop, work_id = await assigned(world)
    stranger = await world.parent("Tom")
    with pytest.raises(NotAllowed):
        await world.app.handle(c.OpenDispute(actor=stranger, work_id=work_id, reason="because"))
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="v1"))
    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
    with pytest.raises(NotAllowed):
        await world.app.handle(c.RateWork(actor=stranger, work_id=work_id, stars=1))


async def test_a_dispute_holds_the_money_and_tells_the_other_side(world: World) -> None:
    priya, shop, work_id = await assigned(world)
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="v1"))
    reply = await world.app.handle(
        c.OpenDispute(actor=shop, work_id=work_id, reason="Half missing")
    )
    assert "moderators" in reply
    assert "Half missing" in await world.last_text("Priya")
    assert (await world.item(work_id)).status == WorkStatus.DISPUTED
    with pytest.raises(NotAllowed, match="moderators"):
        await world.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))


async def test_the_business_is_reminded_a_day_before_silence_approves(world: World) -> None:
    priya, _, work_id = await assigned(world)
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="v1"))
    world.clock.advance(days=1)
    await world.app.sweep()
    assert not any("Reminder" in n.text for n in await world.inbox("Bloom"))
    world.clock.advance(days=1, minutes=1)
    await world.app.sweep()
    await world.app.sweep()
    reminders = [n for n in await world.inbox("Bloom") if "Reminder" in n.text]
    assert len(reminders) == 1 and [a.label for a in reminders[0].actions] == [
        "Approve",
        "Request changes",
    ]


async def test_a_business_statement_reads_the_ledger(world: World) -> None:
    from core import views

    _, shop, _ = await assigned(world)
    second = await world.funded(shop, title="Second flyer", budget="£10")
    await world.app.handle(c.CancelWork(actor=shop, work_id=second))
    async with world.app.uow() as uow:
        text = await views.statement(uow, shop)
    assert '#1 "Proofread a flyer": paid £25.00' in text
    assert '#2 "Second flyer": £10.00 to be refunded (the moderators send it' in text
    assert "Total paid £35.00, refunded £0.00." in text

    await world.app.handle(
        c.ConfirmRefund(actor=await world.moderator(), work_id=second, reference="tx 9")
    )
    async with world.app.uow() as uow:
        text = await views.statement(uow, shop)
    assert '#2 "Second flyer": refunded £10.00' in text and "to be refunded" not in text
    assert "Total paid £35.00, refunded £10.00." in text
