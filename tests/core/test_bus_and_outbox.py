"""A failing command changes nothing and sends nothing; a committed change always gets its DMs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from bots.app import ParentBrain
from bots.memory import MemoryMessenger
from core import commands as c
from core.bus import MessageBus
from core.errors import DomainError
from core.events import WorkFunded
from core.models import Member, OutboxNotice
from core.notices import Notice
from core.outbox import MAX_ATTEMPTS, OutboxDispatcher
from core.ports import RetryLater
from core.states import OfferStatus, WorkStatus
from tests.world import World


async def test_a_command_that_fails_half_way_writes_and_sends_nothing(world: World) -> None:
    shop = await world.business()
    before = await world.outbox_count()

    async def notify_then_fail(cmd: c.CancelWork, uow: object) -> None:
        await uow.notify(Notice(to=shop.member_id, text="should never arrive"))  # type: ignore[attr-defined]
        raise DomainError("Something went wrong; nothing was changed.")

    bus = MessageBus(world.app.uow, {c.CancelWork: notify_then_fail}, {})
    with pytest.raises(DomainError):
        await bus.handle(c.CancelWork(actor=shop, work_id=1))
    assert await world.outbox_count() == before
    assert all("never arrive" not in n.text for n in await world.inbox("Bloom"))


async def test_a_crash_after_commit_loses_no_dm(world: World, app: ParentBrain) -> None:
    await world.parent("Priya")
    work_id = await world.funded(await world.business())
    # The process "dies" before dispatching: a fresh dispatcher on the same store delivers.
    fresh = MemoryMessenger(platform="telegram")
    delivered = await OutboxDispatcher(app.uow, {"telegram": fresh}).drain()
    assert delivered >= 2
    assert any(f"(#{work_id})" in n.text for n in fresh.to("te-priya"))


async def test_a_failing_event_handler_is_logged_and_the_command_stands(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(event: WorkFunded, uow: object) -> None:
        raise RuntimeError("router down")

    shop = await world.business()
    work_id = await world.post(shop)
    mod = await world.moderator()
    bus = MessageBus(
        world.app.uow,
        world.app.bus.command_handlers,
        {WorkFunded: [broken]},
    )
    with caplog.at_level(logging.ERROR):
        await bus.handle(c.ConfirmFunding(actor=mod, work_id=work_id))
    assert (await world.item(work_id)).funded_at is not None
    assert "router down" in caplog.text and bus.failed_events


class FlakyMessenger:
    platform = "telegram"

    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.sent: list[tuple[str, Notice, str | None]] = []

    async def deliver(self, address: str, notice: Notice, edit: str | None) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((address, notice, edit))
        return f"msg-{len(self.sent)}"


async def test_rate_limits_are_waited_out_then_delivered(world: World, app: ParentBrain) -> None:
    shop = await world.business()
    flaky = FlakyMessenger([RetryLater(30), ConnectionError("network blip")])
    dispatcher = OutboxDispatcher(app.uow, {"telegram": flaky})
    await world.app.handle(c.VerifyBusiness(actor=await world.moderator(), business_id=1))

    assert (await dispatcher.dispatch_once()).retried == 1
    assert (await dispatcher.dispatch_once()).sent == 0  # waiting out retry_after
    world.clock.advance(seconds=31)
    assert (await dispatcher.dispatch_once()).retried == 1  # the blip
    world.clock.advance(seconds=5)
    assert (await dispatcher.dispatch_once()).sent == 1
    assert flaky.sent[0][0] == "te-bloom" and "verified" in flaky.sent[0][1].text
    _ = shop


async def test_a_notice_that_keeps_failing_stops_after_a_bounded_number_of_tries(
    world: World, app: ParentBrain
) -> None:
    await world.business()
    await world.app.handle(c.VerifyBusiness(actor=await world.moderator(), business_id=1))
    flaky = FlakyMessenger([ConnectionError("down")] * (MAX_ATTEMPTS + 5))
    dispatcher = OutboxDispatcher(app.uow, {"telegram": flaky})
    for _ in range(MAX_ATTEMPTS + 3):
        await dispatcher.dispatch_once()
        world.clock.advance(minutes=20)
    async with app.uow() as uow:
        row = await uow.session.scalar(
            select(OutboxNotice).where(OutboxNotice.text.like("%verified%"))
        )
        assert row is not None and row.status == "failed" and row.attempts == MAX_ATTEMPTS


async def test_a_member_who_blocked_the_bot_is_marked_and_skipped_by_routing(world: World) -> None:
    priya = await world.parent("Priya")
    world.messenger().unreachable.add("te-priya")
    shop = await world.business()
    first = await world.funded(shop)
    await world.app.outbox.drain()
    assert (await world.member(priya)).reachable is False

    second = await world.funded(shop, title="Another flyer")
    assert [o.member_id for o in await world.offers(second)] == []
    # When she next talks to the bot she is reachable again and gets work.
    world.messenger().unreachable.clear()
    await world.join("Priya")
    assert (await world.member(priya)).reachable is True
    await world.app.sweep()
    await world.pending_offer(second, priya)
    # Her offer of the first item moved on the moment the block came back; none was left.
    [moved] = await world.offers(first)
    assert moved.status == OfferStatus.RESCINDED
    assert (await world.item(first)).status == WorkStatus.OPEN


async def test_an_unreachable_parents_offer_goes_to_the_next_parent_in_the_same_pass(
    world: World,
) -> None:
    priya = await world.parent("Priya")
    world.messenger().unreachable.add("te-priya")
    work_id = await world.funded(await world.business())
    await world.pending_offer(work_id, priya)
    tom = await world.parent("Tom")  # free now; the item is still waiting on Priya

    await world.app.outbox.drain()
    assert [o.status for o in await world.offers(work_id)] == [
        OfferStatus.RESCINDED,
        OfferStatus.PENDING,
    ]
    await world.pending_offer(work_id, tom)
    assert any("New paid work" in n.text for n in await world.inbox("Tom"))
    attempts = [d for d in world.messenger().sent if d.address == "te-priya"]
    assert attempts == []  # nothing was ever delivered to her, and nothing more was tried
    async with world.app.uow() as uow:
        left = await uow.session.scalar(
            select(func.count()).where(
                OutboxNotice.address == "te-priya", OutboxNotice.status == "pending"
            )
        )
    assert left == 0


async def test_edits_go_to_the_message_they_replace(world: World) -> None:
    priya = await world.parent("Priya")
    work_id = await world.funded(await world.business())
    await world.app.outbox.drain()
    original = next(
        d for d in world.messenger().sent if d.notice.ref and d.notice.ref.startswith("offer:")
    )
    await world.app.handle(
        c.DeclineOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    await world.app.outbox.drain()
    [edit] = [d for d in world.messenger().sent if d.edited is not None]
    assert edit.edited == original.message_id and "passed on" in edit.notice.text


async def test_dms_go_to_the_platform_the_member_last_used(world: World) -> None:
    priya = await world.parent("Priya", platform="telegram")
    code = await world.app.handle(c.StartLink(actor=priya))
    on_discord = await world.join("Priya", "discord")
    linked = await world.app.handle(c.CompleteLink(actor=on_discord, code=code))
    assert linked.member_id == priya.member_id

    await world.funded(await world.business())
    assert any("New paid work" in n.text for n in await world.inbox("Priya", "discord"))
    async with world.app.uow() as uow:
        assert (await uow.session.get_one(Member, priya.member_id)).last_platform == "discord"
