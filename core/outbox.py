"""Delivers queued notices through each platform's Messenger: one lane per recipient.

Order is kept within a lane (one DM or channel) and never across lanes. Lanes run
concurrently, and a bounded number of sends are in flight at once; a lane waiting out its
chat's spacing holds no sending slot, so a backlog in one chat adds nothing to another's wait.

A lane is claimed in the store (`outbox_lanes`) by one dispatcher at a time, whatever the
number of processes, and its lease is renewed before every send: a dispatcher that lost its
lease stops before sending. What is at least once, and where: a notice sent, then the process
died before recording it, is sent again by whoever takes the lane after the lease runs out.
The recipient then sees a second copy whose buttons answer "no longer open" once acted on.

The unit of work rings the doorbell after a commit that queued notices (on PostgreSQL the
outbox's trigger NOTIFYs every process as that commit lands, core/models.py), so notices
leave the moment they are committed; polling is only a safety net.
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
from functools import partial

from core.doorbell import Doorbell
from core.lanes import (
    LANE_LEASE,
    MAX_ATTEMPTS,
    Claimed,
    DispatchReport,
    Lane,
    LaneStore,
    Outcome,
)
from core.ports import Messenger, Meter, RecipientUnreachable, RetryLater
from core.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

SENDS_AT_ONCE = 16  # sends in flight across all lanes; each platform's limiter still applies
LANES_PER_CLAIM = 500
POLL_SECONDS = 1.0  # the safety net under the doorbell
MAX_PAUSES = 100  # a lane waits at most this many times for its chat to be free
REMEMBERED_SLOTS = 10_000

Unreachable = Callable[[int], Awaitable[object]]
__all__ = ["LANE_LEASE", "MAX_ATTEMPTS", "DispatchReport", "OutboxDispatcher"]


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


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
        meter: Meter | None = None,
    ) -> None:
        self.uow = uow
        self.messengers = dict(messengers)
        self.doorbell = doorbell or Doorbell()
        self.on_unreachable = on_unreachable
        self.owner = owner or process_name()
        self.lanes = LaneStore(uow, self.owner, meter)
        self._sends_at_once = sends_at_once
        self._sending: asyncio.Semaphore | None = None
        self._next_slot: dict[Lane, float] = {}
        self._running: dict[Lane, asyncio.Task[None]] = {}
        self._stopping = asyncio.Event()

    # The two ways to run it ------------------------------------------------------------

    async def dispatch_once(self, limit: int = LANES_PER_CLAIM) -> DispatchReport:
        """Claim every lane with something due, deliver them all, and return (tests, demo)."""
        report = DispatchReport()
        lanes = await self.lanes.claim(self.messengers, limit, busy=set())
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
                busy = set(self._running)
                for lane in await self.lanes.claim(self.messengers, LANES_PER_CLAIM, busy):
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
        if len(self._next_slot) > REMEMBERED_SLOTS:  # forget chats whose spacing has passed
            now = time.monotonic()
            self._next_slot = {k: at for k, at in self._next_slot.items() if at > now}
        self.doorbell.ring()  # something may have been queued to it while it finished

    # A lane ---------------------------------------------------------------------------

    async def _run_lane(self, lane: Lane, report: DispatchReport) -> None:
        """Send the lane's notices in order while we hold it. Each step is one transaction:
        record what the last send did, renew the lease, and take the next notice due."""
        messenger = self.messengers[lane[0]]
        released = False
        try:
            step = await self.lanes.step(lane, None, None, report)
            released = step.released
            while step.following is not None:
                if not await self._wait_for_slot(lane):
                    return  # stopping: the notice stays pending for whoever runs next
                outcome = await self._deliver(messenger, lane, step.following)
                step = await self.lanes.step(
                    lane, step.following, outcome, report, go_further=not self._stopping.is_set()
                )
                released = step.released
                if step.unreachable is not None:
                    await self._moved_on(step.unreachable)
        except Exception:
            log.exception("outbox lane %s stopped; its lease runs out and it is retried", lane)
        finally:
            if not released:
                await self.lanes.release(lane)

    async def _moved_on(self, member_id: int) -> None:
        if self.on_unreachable is None:
            return
        try:
            await self.on_unreachable(member_id)
        except Exception:
            log.exception("moving offers on from unreachable member %s failed", member_id)

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
