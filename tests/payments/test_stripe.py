"""Stripe end to end with the real SDK against a fake API: checkout, onboarding, transfers,
refunds, and webhooks that are verified, applied once, and may come in any order."""

from __future__ import annotations

import random
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bots.run import web_app
from core import commands as c
from core.models import LedgerTransaction, WebhookEvent
from core.ports import CheckoutRequest
from core.states import WorkStatus
from payments import ledger
from tests.fakes.stripe_api import FakeStripe, sign
from tests.payments.conftest import SECRET, approved, deliver, hook, onboarded, pay_by_webhook
from tests.world import World


async def test_posting_opens_a_24_hour_checkout_keyed_by_the_item(
    town: World, stripe_fake: FakeStripe
) -> None:
    shop = await town.business()
    posted = await town.app.handle(
        c.PostWork(
            actor=shop,
            title="Flyer",
            description="One page.",
            skills="proofreading",
            budget="£25",
            estimate="45m",
            deadline="tomorrow 17:00",
        )
    )
    assert "pay here: https://checkout.stripe.test/cs_test_" in posted.message
    [(form, key)] = stripe_fake.made("checkout/sessions")
    assert key == "checkout-work-1" and form["metadata[work_id]"] == "1"
    assert (
        form["line_items[0][price_data][unit_amount]"] == "2500"
        and form["payment_intent_data[transfer_group]"] == "work-1"
    )
    assert abs(int(form["expires_at"]) - (time.time() + 24 * 3600)) < 60
    again = await town.app.gateway.create_checkout(
        CheckoutRequest(1, "Flyer", 2500, "GBP", 1)
    )  # a retry
    assert again == posted.checkout and len(stripe_fake.of_kind("checkout.session")) == 1


async def test_a_paid_checkout_opens_the_item_and_approval_transfers_the_share(
    town: World, stripe_fake: FakeStripe
) -> None:
    priya = await town.parent("Priya")
    account = await onboarded(town, stripe_fake, priya)
    shop = await town.business()
    work_id = await town.post(shop)
    assert (await town.item(work_id)).status == WorkStatus.AWAITING_PAYMENT
    await pay_by_webhook(town, stripe_fake, work_id)
    assert (await town.item(work_id)).status == WorkStatus.OFFERED
    await approved(town, priya, shop, work_id)

    [transfer] = stripe_fake.of_kind("transfer")
    assert (transfer["amount"], transfer["destination"], transfer["transfer_group"]) == (
        2125,
        account,
        "work-1",
    )
    assert transfer["source_transaction"] == (await town.item(work_id)).charge_ref
    assert stripe_fake.made("transfers")[0][1] == f"transfer-work-{work_id}"
    assert (await town.item(work_id)).status == WorkStatus.PAID
    assert "You've been paid £21.25" in await town.last_text("Priya")
    async with town.app.uow() as uow:
        assert await ledger.check(uow.session) == []
        assert await ledger.balance(uow.session, ledger.REVENUE, "GBP") == -375


async def test_money_for_a_parent_not_yet_onboarded_is_held_then_paid(
    town: World, stripe_fake: FakeStripe
) -> None:
    priya = await town.parent("Priya")
    shop = await town.business()
    work_id = await town.post(shop)
    await pay_by_webhook(town, stripe_fake, work_id)
    await approved(town, priya, shop, work_id)
    assert stripe_fake.of_kind("transfer") == []
    assert "Type /payouts" in await town.last_text("Priya")
    await onboarded(town, stripe_fake, priya)
    assert len(stripe_fake.of_kind("transfer")) == 1
    assert (await town.item(work_id)).status == WorkStatus.PAID


async def test_every_event_three_times_in_any_order_applies_once(
    town: World, stripe_fake: FakeStripe
) -> None:
    priya, tom = await town.parent("Priya"), await town.parent("Tom")
    shop = await town.business()
    accounts = []
    for parent in (priya, tom):
        reply = await town.app.handle(c.SetUpPayouts(actor=parent))
        accounts.append(reply.rsplit("/", 1)[1])
    items = [await town.post(shop, title=f"Flyer {n}") for n in range(2)]
    sessions = stripe_fake.of_kind("checkout.session")
    now = int(time.time())
    events = [
        stripe_fake.event("checkout.session.completed", stripe_fake.paid(s["id"])) for s in sessions
    ]
    events += [
        stripe_fake.event("account.updated", stripe_fake.account_ready(a, False), created=now - 60)
        for a in accounts
    ]
    events += [
        stripe_fake.event("account.updated", stripe_fake.account_ready(a), created=now)
        for a in accounts
    ]
    events += [
        stripe_fake.event("transfer.created", {"id": "tr_x", "object": "transfer"}),
        stripe_fake.event("charge.refund.updated", {"id": "re_x", "object": "refund"}),
    ]
    deliveries = events * 3
    random.Random(7).shuffle(deliveries)
    assert {await deliver(town.app, e) for e in deliveries} == {200}

    async with town.app.uow() as uow:
        funds = await uow.session.scalar(
            select(func.count()).where(LedgerTransaction.kind == "fund")
        )
        seen = await uow.session.scalar(select(func.count()).select_from(WebhookEvent))
    assert funds == 2 and seen == len(events)
    by_member = {priya.member_id: priya, tom.member_id: tom}
    for work_id in items:
        offer = next(o for o in await town.offers(work_id) if o.status == "pending")
        await approved(town, by_member[offer.member_id], shop, work_id)
    assert (
        len(stripe_fake.of_kind("transfer")) == 2
    )  # the older "not ready" updates changed nothing
    async with town.app.uow() as uow:
        assert await ledger.check(uow.session) == []


@pytest.mark.parametrize("tamper", ["wrong secret", "stale", "body changed"])
async def test_forged_stale_or_altered_webhooks_are_refused(
    town: World, stripe_fake: FakeStripe, tamper: str
) -> None:
    shop = await town.business()
    work_id = await town.post(shop)
    session = stripe_fake.of_kind("checkout.session")[0]
    payload = stripe_fake.event("checkout.session.completed", stripe_fake.paid(session["id"]))
    if tamper == "wrong secret":
        status = await deliver(town.app, payload, secret="whsec_guess")
    elif tamper == "stale":
        status = await deliver(town.app, payload, at=int(time.time()) - 301)
    else:
        header = sign(payload, SECRET)
        altered = payload.replace('"amount_total": 2500', '"amount_total": 1')
        status = (await hook(town.app).receive(altered.encode(), header)).status
    assert status == 400
    assert (await town.item(work_id)).status == WorkStatus.AWAITING_PAYMENT
    async with town.app.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(WebhookEvent)) == 0


async def test_an_expired_checkout_closes_the_unpaid_item(
    town: World, stripe_fake: FakeStripe
) -> None:
    shop = await town.business()
    work_id = await town.post(shop)
    session = stripe_fake.of_kind("checkout.session")[0]
    assert (
        await deliver(
            town.app,
            stripe_fake.event("checkout.session.expired", {**session, "status": "expired"}),
        )
        == 200
    )
    assert (await town.item(work_id)).status == WorkStatus.CANCELLED
    assert "payment link" in await town.last_text("Bloom")


async def test_cancelling_a_funded_item_refunds_the_charge_once(
    town: World, stripe_fake: FakeStripe
) -> None:
    shop = await town.business()
    work_id = await town.post(shop)
    await pay_by_webhook(town, stripe_fake, work_id)
    await town.app.handle(c.CancelWork(actor=shop, work_id=work_id))
    [(form, key)] = stripe_fake.made("refunds")
    assert (form["charge"], form["amount"], key) == (
        (await town.item(work_id)).charge_ref,
        "2500",
        "refund-work-1",
    )
    assert (await town.item(work_id)).status == WorkStatus.REFUNDED


async def test_the_webhook_endpoint_speaks_http(town: World, stripe_fake: FakeStripe) -> None:
    shop = await town.business()
    work_id = await town.post(shop)
    session = stripe_fake.of_kind("checkout.session")[0]
    payload = stripe_fake.event("checkout.session.completed", stripe_fake.paid(session["id"]))
    async with TestClient(TestServer(web_app(town.app))) as http:
        bad = await http.post(
            "/stripe/webhook", data=payload, headers={"Stripe-Signature": "t=1,v1=00"}
        )
        assert bad.status == 400
        good = await http.post(
            "/stripe/webhook", data=payload, headers={"Stripe-Signature": sign(payload, SECRET)}
        )
        assert good.status == 200 and await good.text() == "applied"
        again = await http.post(
            "/stripe/webhook", data=payload, headers={"Stripe-Signature": sign(payload, SECRET)}
        )
        assert await again.text() == "already applied"
    assert (await town.item(work_id)).status == WorkStatus.OPEN
