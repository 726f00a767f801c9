"""Delivers queued notices through each platform's Messenger: one lane per recipient.

Order is kept within a lane (one DM or channel) and never across lanes. Lanes run
concurrently, and a bounded number of sends are in flight at once; a lane waiting out its
chat's spacing holds no sending slot, so a backlog in one chat adds nothing to another's wait.

A lane is claimed in the store (`outbox_lanes`) by one dispatcher at a time, whatever the
number of processes, and its lease is renewed before every send: a dispatcher that lost its
lease stops before sending. What is at least once, and where: a notice sent, then the process
died before recording it, is sent again by whoever takes the lane after the lease runs out.
The recipient then sees a second copy whose buttons answer "no longer open" once acted on.

The unit of work rings the doorbell after a commit that queued notices (on PostgreSQL a
NOTIFY reaches every process), so notices leave the moment they are committed; polling is
only a safety net.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.doorbell import Doorbell
from core.models import Member, OutboxLane, OutboxNotice
from core.notices import HELP, MODERATORS, Action, Notice
from core.ports import Messenger, RecipientUnreachable, RetryLater
from core.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

LANE_LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8
SENDS_AT_ONCE = 16  # sends in flight across all lanes; each platform's limiter still applies
LANES_PER_CLAIM = 500
POLL_SECONDS = 1.0  # the safety net under the doorbell
MAX_PAUSES = 100  # a lane waits at most this many times for its chat to be free

Lane = tuple[str, str]  # (platform, address)
Unreachable = Callable[[int], Awaitable[object]]
Outcome = str | RetryLater | RecipientUnreachable | Exception  # a message id, or what failed


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts, 900))


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Claimed:
    row_id: int
    notice: Notice
    edit: str | None


class OutboxDispatcher:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        messengers: Mapping[str, Messenger],
        *,
        doorbell: Doorbell | None = None,
        on_unreachable: Unreachable | None = None,
        owner: str | None = None,
        sends_at_once: int = SENDS_AT_ONCE,
    ) -> None:
        self.uow = uow
        self.messengers = dict(messengers)
        self.doorbell = doorbell or Doorbell()
        self.on_unreachable = on_unreachable
        self.owner = owner or process_name()
        self._sends_at_once = sends_at_once
        self._sending: asyncio.Semaphore | None = None
        self._next_slot: dict[Lane, float] = {}
        self._running: dict[Lane, asyncio.Task[None]] = {}
        self._stopping = asyncio.Event()

    # The two ways to run it ------------------------------------------------------------

    async def dispatch_once(self, limit: int = LANES_PER_CLAIM) -> DispatchReport:
        """Claim every lane with something due, deliver them all, and return (tests, demo)."""
        report = DispatchReport()
        lanes = await self._claim_lanes(limit, busy=set())
        await asyncio.gather(*(self._run_lane(lane, report) for lane in lanes))
        return report

    async def drain(self, rounds: int = 50) -> int:
        """Dispatch until nothing is due (used by the demo and tests)."""
        total = 0
        for _ in range(rounds):
            report = await self.dispatch_once()
            total += report.sent
            if not (report.sent or report.retried or report.failed):
                break
        return total

    async def run(self, stop: asyncio.Event, poll: float = POLL_SECONDS) -> DispatchReport:
        """The process's dispatcher: each claimed lane runs as its own task until stopped."""
        self._stopping.clear()
        report = DispatchReport()
        while not stop.is_set():
            try:
                for lane in await self._claim_lanes(LANES_PER_CLAIM, busy=set(self._running)):
                    task = asyncio.create_task(self._run_lane(lane, report), name=f"lane {lane}")
                    self._running[lane] = task
                    task.add_done_callback(partial(self._lane_done, lane))
            except Exception:  # the database blinked; the next wake or poll tries again
                log.exception("claiming outbox lanes failed")
            waiting = asyncio.ensure_future(self.doorbell.wait(poll))
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiting, stopped}, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            stopped.cancel()
        await self.stop()
        return report

    async def stop(self) -> None:
        """Let every lane finish the send in flight, record it, and release its lease."""
        self._stopping.set()
        if self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    def _lane_done(self, lane: Lane, _task: asyncio.Task[None]) -> None:
        self._running.pop(lane, None)
        self.doorbell.ring()  # something may have been queued to it while it finished

    # A lane ---------------------------------------------------------------------------

    async def _run_lane(self, lane: Lane, report: DispatchReport) -> None:
        """Send the lane's notices in order while we hold it. Each step is one transaction:
        record what the last send did, renew the lease, and take the next notice due."""
        messenger = self.messengers[lane[0]]
        released = False
        try:
            claimed, released = await self._step(lane, None, None, report)
            while claimed is not None:
                if not await self._wait_for_slot(lane):
                    return  # stopping: the notice stays pending for whoever runs next
                outcome = await self._deliver(messenger, lane, claimed)
                claimed, released = await self._step(lane, claimed, outcome, report)
        except Exception:
            log.exception("outbox lane %s stopped; its lease runs out and it is retried", lane)
        finally:
            if not released:
                await self._release(lane)

    async def _wait_for_slot(self, lane: Lane) -> bool:
        """Wait out this chat's spacing without holding a sending slot; False when stopping.

        The messenger may know more (`ready_in`): a reply to that person still on its way,
        or a message that reached the chat by another path a moment ago."""
        ready_in = getattr(self.messengers[lane[0]], "ready_in", None)
        for _ in range(MAX_PAUSES):
            wait = self._next_slot.get(lane, 0.0) - time.monotonic()
            if ready_in is not None:
                wait = max(wait, ready_in(lane[1]))
            if wait <= 0 or self._stopping.is_set():
                break
            with suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), wait)
        return not self._stopping.is_set()

    async def _deliver(self, messenger: Messenger, lane: Lane, claimed: Claimed) -> Outcome:
        address = lane[1]
        if self._sending is None:
            self._sending = asyncio.Semaphore(self._sends_at_once)
        async with self._sending:
            try:
                return await messenger.deliver(address, claimed.notice, claimed.edit)
            except (RetryLater, RecipientUnreachable) as known:
                return known
            except Exception as exc:  # a platform outage must not stop the other lanes
                log.warning("delivering notice %s failed: %s", claimed.row_id, exc)
                return exc
            finally:
                spacing = getattr(messenger, "spacing", None)
                gap = spacing(address) if spacing is not None else 0.0
                self._next_slot[lane] = time.monotonic() + gap

    # The store --------------------------------------------------------------------------

    async def _claim_lanes(self, limit: int, busy: set[Lane]) -> list[Lane]:
        """Lanes with a notice due and no live claim, oldest first, now leased to us."""
        if not self.messengers:
            return []
        async with self.uow() as uow:
            now = uow.now()
            due = (
                await uow.session.execute(
                    select(OutboxNotice.platform, OutboxNotice.address)
                    .where(
                        OutboxNotice.status == "pending",
                        OutboxNotice.platform.in_(list(self.messengers)),
                        OutboxNotice.next_attempt_at <= now,
                    )
                    .group_by(OutboxNotice.platform, OutboxNotice.address)
                    .order_by(func.min(OutboxNotice.id))
                    .limit(limit + len(busy))
                )
            ).all()
            claimed: list[Lane] = []
            for platform, address in due:
                lane = (platform, address)
                if lane not in busy and await self._lease(uow, lane, now, take=True):
                    claimed.append(lane)
                if len(claimed) >= limit:
                    break
            await uow.commit()
        return claimed

    async def _lease(self, uow: UnitOfWork, lane: Lane, now: datetime, *, take: bool) -> bool:
        """Take a free lane (take=True), or renew our own; False if someone else holds it."""
        platform, address = lane
        until = now + LANE_LEASE
        if not take:
            renewed = await uow.session.execute(
                update(OutboxLane)
                .where(
                    OutboxLane.platform == platform,
                    OutboxLane.address == address,
                    OutboxLane.owner == self.owner,
                )
                .values(lease_until=until)
            )
            return bool(getattr(renewed, "rowcount", 0))
        dialect = uow.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        values = insert(OutboxLane).values(
            platform=platform, address=address, owner=self.owner, lease_until=until
        )
        taken = values.on_conflict_do_update(
            index_elements=[OutboxLane.platform, OutboxLane.address],
            set_={"owner": self.owner, "lease_until": until},
            where=(OutboxLane.lease_until <= now) | (OutboxLane.owner == self.owner),
        ).returning(OutboxLane.owner)
        return (await uow.session.scalar(taken)) == self.owner

    async def _step(
        self,
        lane: Lane,
        done: Claimed | None,
        outcome: Outcome | None,
        report: DispatchReport,
    ) -> tuple[Claimed | None, bool]:
        """Record `done`'s outcome, then renew our lease and take the next notice due.

        Returns the next notice (None when the lane is finished, waiting to retry, or lost)
        and whether the lease was released here."""
        gone: int | None = None
        async with self.uow() as uow:
            now = uow.now()
            go_on = True
            if done is not None and outcome is not None:
                go_on, gone = await self._record(uow, lane, done, outcome, report)
            following, released = None, False
            if go_on and not self._stopping.is_set():
                if await self._lease(uow, lane, now, take=False):
                    following = await self._oldest_due(uow, lane, now)
                    if following is None:
                        await self._free(uow, lane)
                        released = True
                else:
                    released = True  # the lease ran out and another dispatcher has the lane
            await uow.commit()
        if gone is not None and self.on_unreachable is not None:
            try:
                await self.on_unreachable(gone)
            except Exception:
                log.exception("moving offers on from unreachable member %s failed", gone)
        return following, released

    async def _oldest_due(self, uow: UnitOfWork, lane: Lane, now: datetime) -> Claimed | None:
        """The lane's oldest pending notice, if it is due: a later one never jumps it."""
        row = await uow.session.scalar(
            select(OutboxNotice)
            .where(
                OutboxNotice.platform == lane[0],
                OutboxNotice.address == lane[1],
                OutboxNotice.status == "pending",
            )
            .order_by(OutboxNotice.id)
            .limit(1)
        )
        if row is None or row.next_attempt_at > now:
            return None
        return Claimed(row.id, _notice_of(row), await _message_to_edit(uow, row))

    async def _record(
        self,
        uow: UnitOfWork,
        lane: Lane,
        claimed: Claimed,
        outcome: Outcome,
        report: DispatchReport,
    ) -> tuple[bool, int | None]:
        """Write down what the send did; (whether the lane goes on, a member now unreachable)."""
        member_id = claimed.notice.to if claimed.notice.to not in (MODERATORS, HELP) else None
        row = await uow.session.get_one(OutboxNotice, claimed.row_id)
        now = uow.now()
        row.attempts += 1
        row.lease_until = None
        if isinstance(outcome, str):
            row.status, row.delivered_ref, row.sent_at = "sent", outcome, now
            report.sent += 1
            return True, None
        if isinstance(outcome, RecipientUnreachable):
            row.status, row.last_error = "failed", (str(outcome) or "unreachable")[:300]
            report.failed += 1
            if member_id is None:
                return True, None
            await self._unreachable(uow, lane, member_id)
            report.unreachable.append(member_id)
            return False, member_id
        retry_in = timedelta(seconds=outcome.seconds) if isinstance(outcome, RetryLater) else None
        error = str(outcome) if isinstance(outcome, RetryLater) else _describe(outcome)
        row.last_error = error[:300]
        report.retried += 1
        if row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
            return True, None
        row.next_attempt_at = now + (retry_in or backoff(row.attempts))
        return False, None  # later notices to this chat wait behind it

    async def _unreachable(self, uow: UnitOfWork, lane: Lane, member_id: int) -> None:
        """Nothing more goes to someone who blocked us; routing skips them until they return."""
        member = await uow.session.get_one(Member, member_id)
        member.reachable = False
        await uow.session.execute(
            update(OutboxNotice)
            .where(
                OutboxNotice.platform == lane[0],
                OutboxNotice.address == lane[1],
                OutboxNotice.status == "pending",
            )
            .values(status="failed", last_error="recipient unreachable")
        )

    async def _release(self, lane: Lane) -> None:
        with suppress(Exception):  # a lease we can't release simply runs out
            async with self.uow() as uow:
                await self._free(uow, lane)
                await uow.commit()

    async def _free(self, uow: UnitOfWork, lane: Lane) -> None:
        await uow.session.execute(
            update(OutboxLane)
            .where(
                OutboxLane.platform == lane[0],
                OutboxLane.address == lane[1],
                OutboxLane.owner == self.owner,
            )
            .values(lease_until=uow.now())
        )


def _notice_of(row: OutboxNotice) -> Notice:
    return Notice(
        to=row.member_id if row.member_id is not None else MODERATORS,
        text=row.text,
        actions=[Action(**a) for a in row.actions],
        ref=row.ref,
        replaces=row.replaces,
    )


async def _message_to_edit(uow: UnitOfWork, row: OutboxNotice) -> str | None:
    if not row.replaces:
        return None
    return await uow.session.scalar(
        select(OutboxNotice.delivered_ref)
        .where(
            OutboxNotice.member_id == row.member_id,
            OutboxNotice.ref == row.replaces,
            OutboxNotice.status == "sent",
        )
        .order_by(OutboxNotice.id.desc())
        .limit(1)
    )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
