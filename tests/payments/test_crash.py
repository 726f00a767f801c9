"""A crash at each step where money moves: a restart (the recovery sweep) or the next delivery
finishes the job, with nothing lost and nothing doubled, and the ledger still balances.

A crash is a BaseException raised right after the step's outside effect (Stripe answered)
and before its transaction commits: what a kill -9 at that moment leaves behind.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select

from bots.app import ParentBrain
from core import commands as c
from core.actors import Actor
from core.models import LedgerTransaction, PayeeAccount, Payout, WebhookEvent
from core.states import WorkStatus
from payments import ledger
from tests.fakes.stripe_api import FakeStripe
from tests.payments.conftest import approved, deliver, onboarded, pay_by_webhook
from tests.world import World


class Crash(BaseException):
    """The process died here."""


def crash_after(real: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """The real call, then death before anything is committed; only the first time."""
    calls = 0

    async def dying(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = await real(*args, **kwargs)
        calls += 1
        if calls == 1:
            raise Crash
        return result

    return dying


@contextmanager
def dying_after(owner: Any, method: str) -> Iterator[None]:
    """The process dies right after `owner.method` answers (once); the real method after."""
    real = getattr(owner, method)
    setattr(owner, method, crash_after(real))
    try:
        with pytest.raises(Crash):
            yield
    finally:
        setattr(owner, method, real)


async def paid_item_with_onboarded_parent(
    town: World, stripe_fake: FakeStripe
) -> tuple[Actor, Actor, int]:
    """Priya can be paid through Stripe; Bloom's item is paid for and offered to her."""
    priya = await town.parent("Priya")
    await onboarded(town, stripe_fake, priya)
    shop = await town.business()
    work_id = await town.post(shop)
    await pay_by_webhook(town, stripe_fake, work_id)
    return priya, shop, work_id


async def movements(app: ParentBrain, kind: str) -> int:
    async with app.uow() as uow:
        return int(
            await uow.session.scalar(select(func.count()).where(LedgerTransaction.kind == kind))
            or 0
        )


async def ledger_balances(app: ParentBrain) -> None:
    async with app.uow() as uow:
        assert await ledger.check(uow.session) == []


async def test_a_crash_while_applying_a_paid_checkout_is_finished_by_stripes_retry(
    town: World, stripe_fake: FakeStripe
) -> None:
    await town.parent("Priya")
    shop = await town.business()
    work_id = await town.post(shop)
    session = stripe_fake.of_kind("checkout.session")[0]
    paid = stripe_fake.event("checkout.session.completed", stripe_fake.paid(session["id"]))
    handlers = town.app.bus.command_handlers
    real = handlers[c.ConfirmFunding]
    handlers[c.ConfirmFunding] = crash_after(real)
    with pytest.raises(Crash):
        await deliver(town.app, paid)
    handlers[c.ConfirmFunding] = real

    assert (await town.item(work_id)).status == WorkStatus.AWAITING_PAYMENT
    assert await deliver(town.app, paid) == 200  # Stripe retries
    assert await deliver(town.app, paid) == 200  # and again: nothing more happens
    assert (await town.item(work_id)).status == WorkStatus.OFFERED
    assert await movements(town.app, "fund") == 1
    await ledger_balances(town.app)


async def test_an_event_left_claimed_by_an_older_build_is_taken_up(
    town: World, stripe_fake: FakeStripe
) -> None:
    shop = await town.business()
    work_id = await town.post(shop)
    session = stripe_fake.of_kind("checkout.session")[0]
    paid = stripe_fake.event("checkout.session.completed", stripe_fake.paid(session["id"]))
    event_id = json.loads(paid)["id"]
    async with town.app.uow() as uow:  # claimed, never applied: the process died in between
        uow.session.add(
            WebhookEvent(id=event_id, type="checkout.session.completed", received_at=uow.now())
        )
        await uow.commit()
    assert await deliver(town.app, paid) == 200
    assert (await town.item(work_id)).status == WorkStatus.OPEN
    assert await movements(town.app, "fund") == 1


async def test_the_same_event_delivered_four_times_at_once_applies_once(
    town: World, stripe_fake: FakeStripe
) -> None:
    shop = await town.business()
    work_id = await town.post(shop)
    session = stripe_fake.of_kind("checkout.session")[0]
    paid = stripe_fake.event("checkout.session.completed", stripe_fake.paid(session["id"]))
    answers = await asyncio.gather(*(deliver(town.app, paid) for _ in range(4)))
    assert set(answers) == {200}
    assert (await town.item(work_id)).status == WorkStatus.OPEN
    assert await movements(town.app, "fund") == 1


async def test_a_crash_after_the_transfer_is_finished_by_the_sweep_without_paying_twice(
    town: World, stripe_fake: FakeStripe
) -> None:
    priya, shop, work_id = await paid_item_with_onboarded_parent(town, stripe_fake)
    with dying_after(town.app.gateway, "transfer"):
        await approved(town, priya, shop, work_id)
    assert (await town.item(work_id)).status == WorkStatus.APPROVED
    assert len(stripe_fake.of_kind("transfer")) == 1  # Stripe made it; we never recorded it

    report = await town.app.sweep()  # the restarted process's first sweep
    assert report.money_finished == 1
    assert (await town.item(work_id)).status == WorkStatus.PAID
    assert len(stripe_fake.of_kind("transfer")) == 1
    assert (await movements(town.app, "settle"), await movements(town.app, "payout")) == (1, 1)
    assert (await town.app.sweep()).money_finished == 0
    await ledger_balances(town.app)


async def test_a_crash_after_an_expiry_refund_is_finished_by_the_sweep_once(
    town: World, stripe_fake: FakeStripe
) -> None:
    shop = await town.business()
    work_id = await town.post(shop, deadline="tomorrow 17:00")
    await pay_by_webhook(town, stripe_fake, work_id)
    town.clock.advance(days=3)  # past the deadline with nobody available
    with dying_after(town.app.gateway, "refund"):
        await town.app.sweep()
    assert (await town.item(work_id)).status == WorkStatus.EXPIRED

    await town.app.sweep()
    assert (await town.item(work_id)).status == WorkStatus.REFUNDED
    assert len(stripe_fake.of_kind("refund")) == 1
    assert await movements(town.app, "refund") == 1
    await ledger_balances(town.app)


async def test_a_crash_during_a_dispute_split_is_finished_when_the_moderator_tries_again(
    town: World, stripe_fake: FakeStripe
) -> None:
    priya, shop, work_id = await paid_item_with_onboarded_parent(town, stripe_fake)
    await town.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await town.pending_offer(work_id, priya))
    )
    await town.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="done"))
    await town.app.handle(c.OpenDispute(actor=shop, work_id=work_id, reason="Half done"))
    kate = await town.moderator()
    split = c.ResolveDispute(actor=kate, work_id=work_id, outcome="split", parent_amount="£10")
    with dying_after(town.app.gateway, "transfer"):
        await town.app.handle(split)
    assert (await town.item(work_id)).status == WorkStatus.DISPUTED

    await town.app.handle(split)
    assert (await town.item(work_id)).status == WorkStatus.PAID
    assert (len(stripe_fake.of_kind("refund")), len(stripe_fake.of_kind("transfer"))) == (1, 1)
    assert (await movements(town.app, "split"), await movements(town.app, "payout")) == (1, 1)
    await ledger_balances(town.app)


async def test_onboarding_that_finishes_as_the_business_approves_always_pays_once(
    town: World, stripe_fake: FakeStripe, database_url: str
) -> None:
    """The approval and the account becoming ready meet in both orders, many times."""
    trials = 200 if database_url.startswith("postgresql") else 20
    shop = await town.business()
    handlers = town.app.bus.command_handlers
    real_update, gateway = handlers[c.PayeeUpdated], town.app.gateway
    real_transfer = gateway.transfer  # type: ignore[attr-defined]
    for n in range(trials):
        parent = await town.parent(f"Parent{n}")
        reply = await town.app.handle(c.SetUpPayouts(actor=parent))
        ready = stripe_fake.event(
            "account.updated", stripe_fake.account_ready(reply.rsplit("/")[-1])
        )
        work_id = await town.post(shop, title=f"Flyer {n}")
        await pay_by_webhook(town, stripe_fake, work_id)
        offer = await town.pending_offer(work_id, parent)
        await town.app.handle(c.AcceptOffer(actor=parent, offer_id=offer))
        await town.app.handle(c.SubmitDelivery(actor=parent, work_id=work_id, body="done"))
        entered, release = asyncio.Event(), asyncio.Event()

        async def pausing(
            step: Callable[..., Awaitable[Any]],
            *args: Any,
            entered: asyncio.Event = entered,
            release: asyncio.Event = release,
        ) -> Any:
            result = await step(*args)
            entered.set()
            await release.wait()  # holding whatever locks the step took
            return result

        approval_first = n % 2 == 0
        if approval_first:  # the approval has decided "hold it" and not yet committed
            gateway.transfer = lambda request: pausing(real_transfer, request)  # type: ignore[attr-defined]
            first = asyncio.create_task(
                town.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
            )
            await entered.wait()
            second = asyncio.create_task(deliver(town.app, ready))
        else:  # the account is ready in a transaction that has not yet committed
            handlers[c.PayeeUpdated] = lambda cmd, uow: pausing(real_update, cmd, uow)
            first = asyncio.create_task(deliver(town.app, ready))
            await entered.wait()
            second = asyncio.create_task(
                town.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
            )
        await asyncio.sleep(0.01)  # the second reaches the lock the first holds
        release.set()
        await asyncio.gather(first, second)
        gateway.transfer, handlers[c.PayeeUpdated] = real_transfer, real_update  # type: ignore[attr-defined]
        await town.app.handle(c.GoUnavailable(actor=parent))

    async with town.app.uow() as uow:
        owed = await uow.session.scalar(
            select(func.count()).select_from(Payout).where(Payout.status == "owed")
        )
        await uow.commit()
    transfers = [t["metadata"]["work_id"] for t in stripe_fake.of_kind("transfer")]
    assert owed == 0
    assert len(transfers) == len(set(transfers)) == trials
    await ledger_balances(town.app)


async def test_the_sweep_pays_a_payout_left_owed_to_an_account_that_is_ready(
    town: World, stripe_fake: FakeStripe
) -> None:
    priya = await town.parent("Priya")
    reply = await town.app.handle(c.SetUpPayouts(actor=priya))  # onboarding not finished
    shop = await town.business()
    work_id = await town.post(shop)
    await pay_by_webhook(town, stripe_fake, work_id)
    await approved(town, priya, shop, work_id)
    assert stripe_fake.of_kind("transfer") == []  # held: her account can't be paid yet
    async with town.app.uow() as uow:  # ready, as if the update's transfer never happened
        account = await uow.session.scalar(
            select(PayeeAccount).where(PayeeAccount.account_ref == reply.rsplit("/", 1)[1])
        )
        assert account is not None
        account.ready = True
        await uow.commit()

    assert (await town.app.sweep()).money_finished == 1
    assert (await town.app.sweep()).money_finished == 0
    assert len(stripe_fake.of_kind("transfer")) == 1
    assert (await town.item(work_id)).status == WorkStatus.PAID
    await ledger_balances(town.app)
