"""Every movement is balanced, posted once, and the whole ledger can be checked at any time."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bots.app import ParentBrain
from core import commands as c
from core.actors import Actor
from core.errors import DomainError
from core.models import Payout
from core.money import parent_share, platform_fee
from core.states import WorkStatus
from payments import ledger
from tests.world import World


async def test_posting_must_balance_and_a_key_posts_once(app: ParentBrain) -> None:
    async with app.uow() as uow:
        with pytest.raises(ledger.LedgerError):
            await ledger.post(
                uow.session,
                key="x",
                kind="fund",
                currency="GBP",
                legs=[(ledger.CASH, 100), (ledger.escrow(1), -99)],
                now=uow.now(),
            )
        legs = [(ledger.CASH, 100), (ledger.REVENUE, -100)]
        assert await ledger.post(
            uow.session, key="k", kind="test", currency="GBP", legs=legs, now=uow.now()
        )
        assert not await ledger.post(
            uow.session, key="k", kind="test", currency="GBP", legs=legs, now=uow.now()
        )
        assert await ledger.balance(uow.session, ledger.CASH, "GBP") == 100
        assert await ledger.check(uow.session) == []


async def test_check_finds_an_overdrawn_escrow(app: ParentBrain) -> None:
    async with app.uow() as uow:
        await ledger.post(
            uow.session,
            key="bad",
            kind="test",
            currency="GBP",
            legs=[(ledger.escrow(7), 500), (ledger.CASH, -500)],
            now=uow.now(),
        )
        assert await ledger.check(uow.session) == ["escrow:work:7 is overdrawn by 500 GBP"]


async def test_a_paid_job_moves_exact_amounts(world: World) -> None:
    priya = await world.parent("Priya")
    shop = await world.business()
    work_id = await world.funded(shop, budget="£33.33")
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="done"))
    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
    await world.app.handle(c.ConfirmPayout(actor=await world.moderator(), payout_id=1))
    with pytest.raises(DomainError, match="already confirmed"):
        await world.app.handle(c.ConfirmPayout(actor=await world.moderator(), payout_id=1))

    async with world.app.uow() as uow:
        s = uow.session
        assert await ledger.balance(s, ledger.escrow(work_id), "GBP") == 0
        assert await ledger.balance(s, ledger.payable(priya.member_id), "GBP") == 0
        assert await ledger.balance(s, ledger.REVENUE, "GBP") == -platform_fee(3333, 1500) == -500
        assert await ledger.balance(s, ledger.CASH, "GBP") == 3333 - parent_share(3333, 1500)
        assert await ledger.check(s) == []
    assert "paid £28.33" in await world.last_text("Priya")


async def test_only_moderators_confirm_money_by_hand(world: World) -> None:
    shop = await world.business()
    work_id = await world.post(shop)
    with pytest.raises(DomainError, match="moderators"):
        await world.app.handle(c.ConfirmFunding(actor=shop, work_id=work_id))


# Property: any mix of journeys keeps money conserved and every settled escrow at zero.

journey = st.lists(
    st.tuples(
        st.integers(min_value=100, max_value=500_000),
        st.sampled_from(
            [
                "paid",
                "cancel_open",
                "cancel_unfunded",
                "expire",
                "approved_unpaid",
                "dispute_pay",
                "dispute_refund",
                "dispute_split",
            ]
        ),
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=journey)
async def test_any_sequence_of_journeys_keeps_the_ledger_whole(
    app: ParentBrain, steps: list[tuple[int, str]]
) -> None:
    world = World(app, app.clock)  # type: ignore[arg-type]
    run = len(world.people) + id(steps) % 10_000
    shop = await world.business(f"Shop{run}")
    mod = await world.moderator(f"Mod{run}")
    expected_revenue = 0
    async with app.uow() as uow:
        revenue_before = await ledger.balance(uow.session, ledger.REVENUE, "GBP")
    for n, (budget, fate) in enumerate(steps):
        parent = await world.parent(f"P{run}-{n}", skills="analysis", window="12h")
        try:
            expected_revenue += await _live_one(world, shop, mod, parent, budget, fate)
        finally:
            await app.handle(c.GoUnavailable(actor=parent))  # leave the next step to its own parent
    async with app.uow() as uow:
        assert await ledger.check(uow.session) == []
        revenue = await ledger.balance(uow.session, ledger.REVENUE, "GBP") - revenue_before
        assert -revenue == expected_revenue


async def _live_one(
    world: World, shop: Actor, mod: Actor, parent: Actor, budget: int, fate: str
) -> int:
    """One item's life; returns the platform fee it should have earned."""
    app = world.app
    work_id = await world.post(shop, budget=f"{budget / 100:.2f}", skills="analysis", deadline="6h")
    if fate == "cancel_unfunded":
        await app.handle(c.CancelWork(actor=shop, work_id=work_id))
        return 0
    await app.handle(c.ConfirmFunding(actor=mod, work_id=work_id))
    if fate == "cancel_open":
        await app.handle(c.CancelWork(actor=shop, work_id=work_id))
        return 0
    if fate == "expire":
        await app.handle(
            c.DeclineOffer(actor=parent, offer_id=await world.pending_offer(work_id, parent))
        )
        world.clock.advance(hours=7)
        await app.sweep()
        assert (await world.item(work_id)).status == WorkStatus.REFUNDED
        return 0
    await app.handle(
        c.AcceptOffer(actor=parent, offer_id=await world.pending_offer(work_id, parent))
    )
    await app.handle(c.SubmitDelivery(actor=parent, work_id=work_id, body="done"))
    if fate.startswith("dispute"):
        await app.handle(c.OpenDispute(actor=shop, work_id=work_id, reason="not what we asked"))
        decision = fate.removeprefix("dispute_")
        part = max(1, budget // 3)
        await app.handle(
            c.ResolveDispute(
                actor=mod,
                work_id=work_id,
                outcome=decision,
                parent_amount=f"{part / 100:.2f}" if decision == "split" else "",
            )
        )
        if decision == "refund":
            assert (await world.item(work_id)).status == WorkStatus.REFUNDED
            return 0
        if decision == "split":
            await _pay_owed(world, mod, work_id, expected=part - platform_fee(part, 1500))
            return platform_fee(part, 1500)
        await _pay_owed(world, mod, work_id, expected=parent_share(budget, 1500))
        return platform_fee(budget, 1500)
    await app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
    if fate == "paid":
        async with app.uow() as uow:
            payout_id = await uow.session.scalar(select(Payout.id).where(Payout.work_id == work_id))
        await app.handle(c.ConfirmPayout(actor=mod, payout_id=payout_id))
        assert (await world.item(work_id)).status == WorkStatus.PAID
    return platform_fee(budget, 1500)


async def _pay_owed(world: World, mod: Actor, work_id: int, expected: int) -> None:
    """Confirm the item's payout and check it is exactly what the parent should get."""
    async with world.app.uow() as uow:
        owed = (
            await uow.session.execute(
                select(Payout.id, Payout.amount_minor).where(Payout.work_id == work_id)
            )
        ).one()
    assert owed.amount_minor == expected
    await world.app.handle(c.ConfirmPayout(actor=mod, payout_id=owed.id))
    assert (await world.item(work_id)).status == WorkStatus.PAID
