"""The outbox's lanes in the store: claimed, renewed, recorded, released.

A lane is one recipient's queue (a DM or a channel). One dispatcher holds it at a time,
whatever the number of processes (`outbox_lanes`, an upsert that takes a free or expired
lease); the holder renews the lease in the same transaction that records a send and takes the
next notice due, so a dispatcher that lost its lane never sends from it again.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.files import FileRef
from core.models import Member, OutboxLane, OutboxNotice
from core.notices import HELP, MODERATORS, Action, Notice
from core.ports import Meter, NoMeter, RecipientUnreachable, RetryLater
from core.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

LANE_LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8

Lane = tuple[str, str]  # (platform, address)
Outcome = str | RetryLater | RecipientUnreachable | Exception  # a message id, or what failed


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts, 900))


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


@dataclass(frozen=True)
class Step:
    following: Claimed | None  # the next notice to send; None: finished, waiting, or lost
    released: bool  # the lease was given up in this step
    unreachable: int | None  # a member who can't be reached any more


class LaneStore:
    def __init__(self, uow: UnitOfWorkFactory, owner: str, meter: Meter | None = None) -> None:
        self.meter: Meter = meter or NoMeter()
        self.uow = uow
        self.owner = owner

    async def claim(self, platforms: Collection[str], limit: int, busy: set[Lane]) -> list[Lane]:
        """Lanes with a notice due and no live claim, oldest first, now leased to us."""
        if not platforms:
            return []
        async with self.uow() as uow:
            now = uow.now()
            due = (
                await uow.session.execute(
                    select(OutboxNotice.platform, OutboxNotice.address)
                    .where(
                        OutboxNotice.status == "pending",
                        OutboxNotice.platform.in_(list(platforms)),
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
                if lane not in busy and await self._take(uow, lane, now):
                    claimed.append(lane)
                if len(claimed) >= limit:
                    break
            await uow.commit()
        return claimed

    async def step(
        self,
        lane: Lane,
        done: Claimed | None,
        outcome: Outcome | None,
        report: DispatchReport,
        *,
        go_further: bool = True,
    ) -> Step:
        """One transaction: record `done`'s outcome, renew our lease, take the next notice."""
        async with self.uow() as uow:
            now = uow.now()
            go_on, gone = True, None
            if done is not None and outcome is not None:
                go_on, gone = await self._record(uow, lane, done, outcome, report)
            following, released = None, False
            if go_on and go_further:
                if await self._renew(uow, lane, now):
                    following = await self._oldest_due(uow, lane, now)
                    if following is None:
                        await self._free(uow, lane)
                        released = True
                else:
                    released = True  # the lease ran out and another dispatcher has the lane
            await uow.commit()
        return Step(following, released, gone)

    async def release(self, lane: Lane) -> None:
        try:
            async with self.uow() as uow:
                await self._free(uow, lane)
                await uow.commit()
        except Exception:  # a lease we can't release simply runs out
            log.warning("could not release outbox lane %s; its lease runs out", lane)

    async def _take(self, uow: UnitOfWork, lane: Lane, now: datetime) -> bool:
        """Lease a free (or expired, or our own) lane; False if someone else holds it."""
        until = now + LANE_LEASE
        dialect = uow.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        values = insert(OutboxLane).values(
            platform=lane[0], address=lane[1], owner=self.owner, lease_until=until
        )
        taken = values.on_conflict_do_update(
            index_elements=[OutboxLane.platform, OutboxLane.address],
            set_={"owner": self.owner, "lease_until": until},
            where=(OutboxLane.lease_until <= now) | (OutboxLane.owner == self.owner),
        ).returning(OutboxLane.owner)
        return (await uow.session.scalar(taken)) == self.owner

    async def _renew(self, uow: UnitOfWork, lane: Lane, now: datetime) -> bool:
        renewed = await uow.session.execute(
            update(OutboxLane).where(self._ours(lane)).values(lease_until=now + LANE_LEASE)
        )
        return bool(getattr(renewed, "rowcount", 0))

    async def _free(self, uow: UnitOfWork, lane: Lane) -> None:
        await uow.session.execute(
            update(OutboxLane).where(self._ours(lane)).values(lease_until=uow.now())
        )

    def _ours(self, lane: Lane) -> ColumnElement[bool]:
        return and_(
            OutboxLane.platform == lane[0],
            OutboxLane.address == lane[1],
            OutboxLane.owner == self.owner,
        )

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
        _log_notice(row, lane, outcome)
        if isinstance(outcome, str):
            row.status, row.delivered_ref, row.sent_at = "sent", outcome, now
            report.sent += 1
            self.meter.notice(lane[0], "sent", (now - row.created_at).total_seconds())
            return True, None
        if isinstance(outcome, RecipientUnreachable):
            row.status, row.last_error = "failed", (str(outcome) or "unreachable")[:300]
            report.failed += 1
            self.meter.notice(lane[0], "unreachable", None)
            if member_id is None:
                return True, None
            await self._unreachable(uow, lane, member_id)
            report.unreachable.append(member_id)
            return False, member_id
        retry_in = timedelta(seconds=outcome.seconds) if isinstance(outcome, RetryLater) else None
        error = str(outcome) if isinstance(outcome, RetryLater) else _describe(outcome)
        row.last_error = error[:300]
        report.retried += 1
        self.meter.notice(lane[0], "retry later" if retry_in else "error", None)
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


def _notice_of(row: OutboxNotice) -> Notice:
    return Notice(
        to=row.member_id if row.member_id is not None else MODERATORS,
        text=row.text,
        actions=[Action(**a) for a in row.actions],
        files=[FileRef(**f) for f in row.files or ()],
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


def _log_notice(row: OutboxNotice, lane: Lane, outcome: Outcome) -> None:
    how = "sent" if isinstance(outcome, str) else _describe(outcome)
    who = f"member {row.member_id}" if row.member_id is not None else lane[1]
    log.info(
        "notice %s to %s on %s: %s",
        row.id,
        who,
        lane[0],
        how,
        extra={"notice": row.id, "member": row.member_id, "platform": lane[0], "outcome": how},
    )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
