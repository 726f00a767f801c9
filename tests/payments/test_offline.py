"""Offline mode, the default: bank transfers the moderators confirm, with nothing left to memory."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bots.app import bootstrap
from bots.memory import MemoryMessenger
from core import commands as c
from core.actors import Actor
from core.clock import ManualClock
from core.config import Settings
from core.db import create_schema, make_engine
from core.errors import DomainError, NotAllowed, NotFound, StaleAction
from core.models import PayoutDetails, Refund
from core.owed import money_owed
from core.states import WorkStatus
from payments import ledger
from tests.world import World


async def moderators_read(world: World, chat: str) -> list[str]:
    await world.app.outbox.drain()
    return [n.text for n in world.messenger().to(chat)]


@pytest.fixture
async def banked_world(settings: Settings, clock: ManualClock) -> AsyncIterator[World]:
    """A deployment whose operator set the account businesses pay into."""
    banked = settings.model_copy(
        update={
            "bank_account_name": "Parent Brain Ltd",
            "bank_sort_code": "123456",
            "bank_account_number": "12345678",
        }
    )
    engine = make_engine(banked.database_url)
    await create_schema(engine)
    messengers = {p: MemoryMessenger(platform=p) for p in ("telegram", "discord")}
    brain = await bootstrap(
        banked, clock=clock, messengers=messengers, engine=engine, schema="none"
    )
    yield World(brain, clock)
    await brain.close()


async def test_the_business_is_told_where_to_pay_and_the_moderators_what_to_expect(
    banked_world: World,
) -> None:
    world = banked_world
    chat = await world.moderators_chat()
    shop = await world.business()
    posted = await world.posting(shop)
    assert (
        "pay £25.00 by bank transfer to Parent Brain Ltd, sort code 12-34-56, account 12345678, "
        f"quoting PB-{posted.work_id} as the reference" in posted.message
    )
    said = await moderators_read(world, chat)
    assert any(
        f'Item #{posted.work_id} "Proofread a flyer" awaits a bank transfer of £25.00 from '
        f"Bloom Ltd, quoting PB-{posted.work_id}. When it arrives, type /funded {posted.work_id}"
        in text
        for text in said
    )


async def test_without_an_account_set_the_business_is_told_the_moderators_will_say(
    world: World,
) -> None:
    shop = await world.business()
    posted = await world.posting(shop, deadline="in 3 days")
    assert "quoting PB-1 as the reference; the moderators will message you" in posted.message


async def test_an_overdue_payment_is_raised_with_the_moderators_once(world: World) -> None:
    chat = await world.moderators_chat()
    shop = await world.business()
    work_id = await world.post(shop, deadline="in 5 days")
    world.clock.advance(hours=23)
    await world.app.sweep()
    assert not [t for t in await moderators_read(world, chat) if "overdue" in t]

    world.clock.advance(hours=2)
    report = await world.app.sweep()
    assert report.payments_chased == [work_id]
    await world.app.sweep()
    overdue = [t for t in await moderators_read(world, chat) if "overdue" in t]
    assert len(overdue) == 1
    assert f"Payment overdue for item #{work_id}" in overdue[0]
    assert f"type /funded {work_id}" in overdue[0]
    reminder = await world.last_text("Bloom")
    assert reminder.startswith("We haven't received your payment for")
    assert f"PB-{work_id}" in reminder


async def test_an_expired_offline_refund_is_owed_until_a_moderator_sends_it(
    world: World,
) -> None:
    chat = await world.moderators_chat()
    shop = await world.business()
    work_id = await world.funded(shop, deadline="tomorrow 17:00")  # nobody is free
    kate = await world.moderator()
    world.clock.advance(days=2)
    await world.app.sweep()
    assert (await world.item(work_id)).status == WorkStatus.REFUNDED

    told = [t for t in await moderators_read(world, chat) if "Refund owed" in t]
    assert len(told) == 1
    assert (
        f'Refund owed for item #{work_id} "Proofread a flyer": £25.00 back to Bloom Ltd'
        in (told[0])
    )
    assert f"/refunded {work_id}" in told[0]
    async with world.app.uow() as uow:
        listed = await money_owed(uow, kate)
        assert f"Refund for item #{work_id}: £25.00 back to Bloom Ltd" in listed
        assert await ledger.balance(uow.session, ledger.refund_owed(work_id), "GBP") == -2500
        assert await ledger.balance(uow.session, ledger.CASH, "GBP") == 2500
        assert await ledger.check(uow.session) == []
    async with world.app.uow() as uow:
        everyones = await money_owed(uow, Actor.system())  # parentbrain payouts
    assert f"Refund for item #{work_id}" in everyones

    reply = await world.app.handle(c.ConfirmRefund(actor=kate, work_id=work_id, reference="BT-9"))
    assert reply == f'Recorded the £25.00 refund to Bloom Ltd for #{work_id} "Proofread a flyer".'
    assert "have sent back £25.00" in await world.last_text("Bloom")
    async with world.app.uow() as uow:
        assert await money_owed(uow, kate) == "No payouts or refunds are owed."
        assert await ledger.balance(uow.session, ledger.refund_owed(work_id), "GBP") == 0
        assert await ledger.balance(uow.session, ledger.CASH, "GBP") == 0
        assert await ledger.check(uow.session) == []

    with pytest.raises(StaleAction, match="already confirmed"):
        await world.app.handle(c.ConfirmRefund(actor=kate, work_id=work_id))
    async with world.app.uow() as uow:
        assert await ledger.balance(uow.session, ledger.CASH, "GBP") == 0


async def test_a_refund_can_only_be_confirmed_where_one_is_owed_by_its_moderators(
    world: World,
) -> None:
    shop = await world.business()
    work_id = await world.funded(shop)
    kate = await world.moderator()
    with pytest.raises(NotFound, match="Nothing is owed back"):
        await world.app.handle(c.ConfirmRefund(actor=kate, work_id=work_id))
    with pytest.raises(NotFound, match="no work item #99"):
        await world.app.handle(c.ConfirmRefund(actor=kate, work_id=99))
    await world.app.handle(c.CancelWork(actor=shop, work_id=work_id))
    with pytest.raises(NotAllowed):
        await world.app.handle(c.ConfirmRefund(actor=shop, work_id=work_id))
    async with world.app.uow() as uow:
        refund = await uow.session.scalar(select(Refund).where(Refund.work_id == work_id))
        assert refund is not None and refund.status == "owed"
        assert await ledger.check(uow.session) == []


async def test_a_parent_gives_payout_details_that_only_the_moderators_see_when_owed(
    world: World,
) -> None:
    chat = await world.moderators_chat()
    priya = await world.parent("Priya")
    shop = await world.business()
    with pytest.raises(DomainError, match="doesn't look like bank details"):
        await world.app.handle(c.SetPayoutDetails(actor=priya, details="my usual account"))
    with pytest.raises(DomainError, match="IBAN doesn't check out"):
        await world.app.handle(
            c.SetPayoutDetails(actor=priya, details="Priya Shah GB33BUKB20201555555556")
        )
    async with world.app.uow() as uow:
        assert await uow.session.get(PayoutDetails, priya.member_id) is None

    await world.job_done(priya, shop, await world.funded(shop))
    told = [t for t in await moderators_read(world, chat) if "Payout #1 owed" in t]
    assert len(told) == 1 and "haven't given their bank details yet" in told[0]
    assert "type /payoutdetails" in await world.last_text("Priya")

    saved = await world.app.handle(
        c.SetPayoutDetails(actor=priya, details="Priya Shah, sort code 12-34-56, acc 12345678")
    )
    assert saved.startswith("Saved: the moderators will pay you to Priya Shah, sort code")
    assert "12345678" not in saved and "5678" in saved  # masked on her own screen
    given = [t for t in await moderators_read(world, chat) if "gave their bank details" in t]
    assert given == [
        "Priya gave their bank details for payout #1 (£21.25, item #1). Pay to: Priya Shah, "
        "sort code 12-34-56, account 12345678. Then type /paid 1."
    ]
    async with world.app.uow() as uow:
        listed = await money_owed(uow, await world.moderator())
    assert "Pay to: Priya Shah, sort code 12-34-56, account 12345678." in listed
    # Nobody else sees them: not the business, not the parent's own inbox in full.
    for name in ("Bloom", "Priya"):
        assert not any("12345678" in n.text for n in await world.inbox(name))

    erased = await world.app.handle(c.SetPayoutDetails(actor=priya, details="remove"))
    assert erased.startswith("Your payout details are erased")
    async with world.app.uow() as uow:
        assert await uow.session.get(PayoutDetails, priya.member_id) is None


async def test_forgetting_a_parent_erases_their_payout_details(world: World) -> None:
    priya = await world.parent("Priya")
    await world.app.handle(
        c.SetPayoutDetails(actor=priya, details="Priya Shah GB33 BUKB 2020 1555 5555 55")
    )
    await world.app.handle(c.ForgetMe(actor=priya, confirm="yes"))
    async with world.app.uow() as uow:
        assert await uow.session.get(PayoutDetails, priya.member_id) is None


async def test_a_business_owed_a_refund_cannot_be_forgotten_yet(world: World) -> None:
    shop = await world.business()
    work_id = await world.funded(shop)
    await world.app.handle(c.CancelWork(actor=shop, work_id=work_id))
    with pytest.raises(DomainError, match="still owe your business a refund"):
        await world.app.handle(c.ForgetMe(actor=shop, confirm="yes"))
