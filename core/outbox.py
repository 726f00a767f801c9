"""Delivers queued notices through each platform's Messenger, with retries and outcomes recorded.

A notice is leased (not locked) while it is sent, so a slow platform never holds a database
transaction open, and a process that dies mid-send leaves a lease that simply runs out:
delivery is at least once, and never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from core.models import Member, OutboxNotice
from core.notices import MODERATORS, Action, Notice
from core.ports import Messenger, RecipientUnreachable, RetryLater
from core.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts, 900))


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: list[int] = field(default_factory=list)


class OutboxDispatcher:
    def __init__(self, uow: UnitOfWorkFactory, messengers: Mapping[str, Messenger]) -> None:
        self.uow = uow
        self.messengers = dict(messengers)

    async def dispatch_once(self, limit: int = 100) -> DispatchReport:
        """Send what is due on the platforms this process holds."""
        report = DispatchReport()
        for row_id, platform, address, notice, edit in await self._claim(limit):
            messenger = self.messengers[platform]
            try:
                delivered = await messenger.deliver(address, notice, edit)
            except RetryLater as wait:
                await self._record(
                    row_id, retry_in=timedelta(seconds=wait.seconds), error=str(wait)
                )
                report.retried += 1
            except RecipientUnreachable as gone:
                await self._record(row_id, unreachable=True, error=str(gone) or "unreachable")
                if notice.to != MODERATORS:
                    report.unreachable.append(notice.to)
                report.failed += 1
            except Exception as exc:  # a platform outage must not stop the other notices
                log.warning("delivering notice %s failed: %s", row_id, exc)
                await self._record(row_id, retry_in=None, error=f"{type(exc).__name__}: {exc}")
                report.retried += 1
            else:
                await self._record(row_id, delivered=delivered)
                report.sent += 1
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

    async def _claim(self, limit: int) -> list[tuple[int, str, str, Notice, str | None]]:
        async with self.uow() as uow:
            now = uow.now()
            rows = (
                await uow.session.scalars(
                    select(OutboxNotice)
                    .where(
                        OutboxNotice.status == "pending",
                        OutboxNotice.platform.in_(list(self.messengers)),
                        OutboxNotice.next_attempt_at <= now,
                        (OutboxNotice.lease_until.is_(None)) | (OutboxNotice.lease_until <= now),
                    )
                    .order_by(OutboxNotice.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            claimed = []
            for row in rows:
                row.lease_until = now + LEASE
                edit = None
                if row.replaces:
                    edit = await uow.session.scalar(
                        select(OutboxNotice.delivered_ref)
                        .where(
                            OutboxNotice.member_id == row.member_id,
                            OutboxNotice.ref == row.replaces,
                            OutboxNotice.status == "sent",
                        )
                        .order_by(OutboxNotice.id.desc())
                        .limit(1)
                    )
                notice = Notice(
                    to=row.member_id if row.member_id is not None else MODERATORS,
                    text=row.text,
                    actions=[Action(**a) for a in row.actions],
                    ref=row.ref,
                    replaces=row.replaces,
                )
                claimed.append((row.id, row.platform, row.address, notice, edit))
            await uow.commit()
        return claimed

    async def _record(
        self,
        row_id: int,
        *,
        delivered: str | None = None,
        retry_in: timedelta | None = None,
        unreachable: bool = False,
        error: str | None = None,
    ) -> None:
        async with self.uow() as uow:
            row = await uow.session.get_one(OutboxNotice, row_id)
            now = uow.now()
            row.lease_until = None
            row.attempts += 1
            if delivered is not None:
                row.status, row.delivered_ref, row.sent_at = "sent", delivered, now
            elif unreachable:
                row.status, row.last_error = "failed", error
                if row.member_id is not None:
                    member = await uow.session.get_one(Member, row.member_id)
                    member.reachable = False  # routing skips them until they next reach us
            else:
                row.last_error = (error or "")[:300]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = "failed"
                else:
                    row.next_attempt_at = now + (retry_in or backoff(row.attempts))
            await uow.commit()
