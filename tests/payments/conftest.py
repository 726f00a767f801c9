"""Stripe for the payments tests: the real SDK against a fake API, and a wired app that uses it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bots.app import ParentBrain, bootstrap
from bots.memory import MemoryMessenger
from core import commands as c
from core.actors import Actor
from core.clock import ManualClock
from core.config import Settings
from core.db import create_schema, make_engine
from payments.webhooks import StripeWebhook
from tests.fakes.stripe_api import FakeStripe, sign
from tests.world import World

SECRET = "whsec_test_secret"


@pytest.fixture
async def stripe_fake() -> AsyncIterator[FakeStripe]:
    fake = FakeStripe()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def paid_app(
    settings: Settings, clock: ManualClock, stripe_fake: FakeStripe
) -> AsyncIterator[ParentBrain]:
    configured = settings.model_copy(
        update={
            "stripe_api_key": SecretStr("sk_test_123"),
            "stripe_webhook_secret": SecretStr(SECRET),
            "stripe_api_url": stripe_fake.url,
            "stripe_return_url": "https://pb.example",
        }
    )
    engine = make_engine(configured.database_url)
    await create_schema(engine)
    brain = await bootstrap(
        configured,
        clock=clock,
        engine=engine,
        schema="none",
        messengers={p: MemoryMessenger(platform=p) for p in ("telegram", "discord")},
    )
    yield brain
    await brain.close()


@pytest.fixture
def town(paid_app: ParentBrain, clock: ManualClock) -> World:
    return World(paid_app, clock)


def hook(app: ParentBrain) -> StripeWebhook:
    receiver = app.stripe_webhook()
    assert receiver is not None
    return receiver


async def deliver(
    app: ParentBrain, payload: str, *, at: int | None = None, secret: str = SECRET
) -> int:
    return (await hook(app).receive(payload.encode(), sign(payload, secret, at))).status


async def pay_by_webhook(town: World, stripe_fake: FakeStripe, work_id: int) -> None:
    session = next(
        s
        for s in stripe_fake.of_kind("checkout.session")
        if s["metadata"]["work_id"] == str(work_id)
    )
    assert (
        await deliver(
            town.app,
            stripe_fake.event("checkout.session.completed", stripe_fake.paid(session["id"])),
        )
        == 200
    )


async def onboarded(town: World, stripe_fake: FakeStripe, parent: Actor) -> str:
    reply = await town.app.handle(c.SetUpPayouts(actor=parent))
    assert "https://connect.stripe.test/acct_" in reply
    account = reply.rsplit("/", 1)[1]
    assert (
        await deliver(
            town.app, stripe_fake.event("account.updated", stripe_fake.account_ready(account))
        )
        == 200
    )
    return account


async def approved(town: World, parent: Actor, shop: Actor, work_id: int) -> None:
    await town.app.handle(
        c.AcceptOffer(actor=parent, offer_id=await town.pending_offer(work_id, parent))
    )
    await town.app.handle(c.SubmitDelivery(actor=parent, work_id=work_id, body="done"))
    await town.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
