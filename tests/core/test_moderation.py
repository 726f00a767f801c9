"""Moderators suspend members and decide disputes; routing and money follow at once."""

from __future__ import annotations

import pytest

from core import commands as c
from core.actors import Actor
from core.communities import membership
from core.errors import DomainError, NotAllowed, NotFound
from core.states import OfferStatus, WorkStatus
from payments import ledger
from tests.world import World


async def test_a_suspension_stops_offers_at_once_and_the_next_parent_is_asked(world: World) -> None:
    priya = await world.parent("Priya")
    tom = await world.parent("Tom")
    work_id = await world.funded(await world.business())
    offer_id = await world.pending_offer(work_id, priya)
    mod = await world.moderator()

    reply = await world.app.handle(
        c.BanMember(
            actor=mod, platform="telegram", who="te-priya", duration="7d", reason="abusive messages"
        )
    )
    assert "Suspended Priya for 7d" in reply
    assert [o.status for o in await world.offers(work_id) if o.id == offer_id] == [
        OfferStatus.RESCINDED
    ]
    await world.pending_offer(work_id, tom)
    assert (
        "suspended your account for 7d in Town. Reason: abusive messages"
        in await world.last_text("Priya")
    )
    with pytest.raises(DomainError, match="suspended"):
        await world.app.handle(c.GoAvailable(actor=priya))

    assert "Lifted" in await world.app.handle(
        c.UnbanMember(actor=mod, platform="telegram", who="te-priya")
    )
    assert "available" in await world.app.handle(c.GoAvailable(actor=priya))


async def test_only_moderators_suspend_and_strangers_are_named_clearly(world: World) -> None:
    priya = await world.parent("Priya")
    with pytest.raises(NotAllowed):
        await world.app.handle(c.BanMember(actor=priya, platform="telegram", who="te-tom"))
    with pytest.raises(NotFound, match="@username"):
        await world.app.handle(
            c.BanMember(actor=await world.moderator(), platform="telegram", who="@nobody")
        )
    async with world.app.uow() as uow:
        place = await membership(uow, await world.town(), priya.member_id)
        assert place is not None and place.banned_until is None


async def disputed(world: World) -> tuple[Actor, Actor, int]:
    priya = await world.parent("Priya")
    shop = await world.business()
    work_id = await world.funded(shop, budget="£40")
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="half"))
    await world.app.handle(c.OpenDispute(actor=shop, work_id=work_id, reason="Half missing"))
    return priya, shop, work_id


async def balances(world: World, priya: Actor, work_id: int) -> tuple[int, int, int, int]:
    async with world.app.uow() as uow:
        s = uow.session
        result = (
            await ledger.balance(s, ledger.escrow(work_id), "GBP"),
            await ledger.balance(s, ledger.payable(priya.member_id), "GBP"),
            await ledger.balance(s, ledger.REVENUE, "GBP"),
            await ledger.balance(s, ledger.CASH, "GBP"),
        )
        assert await ledger.check(s) == []
    return result


async def test_a_dispute_decided_for_the_parent_pays_in_full(world: World) -> None:
    priya, _, work_id = await disputed(world)
    await world.app.handle(
        c.ResolveDispute(actor=await world.moderator(), work_id=work_id, outcome="pay")
    )
    assert (await world.item(work_id)).status == WorkStatus.APPROVED
    assert await balances(world, priya, work_id) == (0, -3400, -600, 4000)
    assert "£34.00 is owed to you" in await world.last_text("Priya")


async def test_a_dispute_decided_for_the_business_refunds_in_full(world: World) -> None:
    priya, _, work_id = await disputed(world)
    await world.app.handle(
        c.ResolveDispute(actor=await world.moderator(), work_id=work_id, outcome="refund")
    )
    assert (await world.item(work_id)).status == WorkStatus.REFUNDED
    # Offline, the refund is owed (still in cash) until a moderator sends it and says so.
    assert await balances(world, priya, work_id) == (0, 0, 0, 4000)
    owed = await world.app.handle(
        c.ConfirmRefund(actor=await world.moderator(), work_id=work_id, reference="tx 77")
    )
    assert "Recorded the £40.00 refund to Bloom Ltd" in owed
    assert await balances(world, priya, work_id) == (0, 0, 0, 0)


async def test_a_split_pays_the_parents_part_less_the_fee_and_refunds_the_rest(
    world: World,
) -> None:
    priya, _, work_id = await disputed(world)
    mod = await world.moderator()
    with pytest.raises(DomainError, match="give the parent's part"):
        await world.app.handle(
            c.ResolveDispute(actor=mod, work_id=work_id, outcome="split", parent_amount="£50")
        )
    reply = await world.app.handle(
        c.ResolveDispute(actor=mod, work_id=work_id, outcome="split", parent_amount="£10")
    )
    assert "£8.50 to the parent, £30.00 back to the business" in reply
    # £10 to the parent's side: £1.50 fee, £8.50 owed; £30 owed back; escrow empty.
    assert await balances(world, priya, work_id) == (0, -850, -150, 4000)
    told = await world.last_text("Bloom")
    assert told.startswith('The moderators split "Proofread a flyer": the parent receives £8.50.')
    assert "£30.00" in told and "refunded to you" in told
    await world.app.handle(c.ConfirmPayout(actor=mod, payout_id=1))
    await world.app.handle(c.ConfirmRefund(actor=mod, work_id=work_id))
    assert await balances(world, priya, work_id) == (0, 0, -150, 150)
    assert (await world.item(work_id)).status == WorkStatus.PAID
    with pytest.raises(DomainError, match="not in dispute"):
        await world.app.handle(c.ResolveDispute(actor=mod, work_id=work_id, outcome="refund"))


async def test_parties_cannot_decide_their_own_dispute(world: World) -> None:
    priya, shop, work_id = await disputed(world)
    for actor in (priya, shop):
        with pytest.raises(NotAllowed):
            await world.app.handle(c.ResolveDispute(actor=actor, work_id=work_id, outcome="pay"))
    assert (await world.item(work_id)).status == WorkStatus.DISPUTED
