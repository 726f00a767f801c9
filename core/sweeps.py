"""Deadlines are rows: these sweeps find what is due and hand each to the bus.

A scheduler only decides when to look; the database decides what is due, so a restart or a
second process loses and repeats nothing. On PostgreSQL the due rows are read with
SKIP LOCKED so parallel sweepers spread out, and each handler re-checks state under the
item's row lock, so a row two sweepers both saw is still handled once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select

from core import roster
from core.actors import Actor
from core.bus import MessageBus
from core.commands import ApproveDelivery, AskSpare, Command, ExpireOffer, RouteWork
from core.errors import DomainError
from core.handlers.availability import apply_weekly_windows
from core.handlers.delivery import remind_before_auto_approval, reveal_ratings
from core.models import OFFER_PENDING, Community, Delivery, Offer, Rating, WorkItem
from core.states import WorkStatus
from core.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
BATCH = 200
ROUTE_BATCH = 1000  # open items re-routed per sweep


@dataclass
class SweepReport:
    offers_expired: int = 0
    spares_asked: int = 0  # parents asked as well as those who hadn't answered yet
    items_routed: int = 0
    auto_approved: int = 0
    switched_on: list[int] = field(default_factory=list)
    money_finished: int = 0  # movements a crash left half-way, finished (payments.recovery)
    payments_chased: list[int] = field(default_factory=list)  # offline items unpaid too long
    week_notes: list[int] = field(default_factory=list)  # members sent their Sunday note


async def _due_ids(uow: UnitOfWork, query: Select[Any]) -> list[int]:
    async with uow:
        rows = (await uow.session.scalars(query)).all()
        await uow.commit()
    return [int(r) for r in rows]


def timed_out_offers(now: datetime) -> Select[int]:
    """Offers still awaiting an answer past their time-out, oldest first: read from the index
    of pending offers (ix_offers_pending_expires), however many offers the store holds."""
    return (
        select(Offer.id)
        # The index's own condition, word for word: SQLite uses a partial index only so.
        .where(OFFER_PENDING, Offer.expires_at.is_not(None), Offer.expires_at <= now)
        .order_by(Offer.expires_at)
        .limit(BATCH)
    )


async def sweep(
    bus: MessageBus, uow: UnitOfWorkFactory, rating_window: timedelta = timedelta(days=7)
) -> SweepReport:
    """Handle everything due now: timed-out offers, deadlines, auto-approvals, schedules."""
    report = SweepReport()
    probe = uow()
    now = probe.now()

    due_offers = await _due_ids(probe, timed_out_offers(now).with_for_update(skip_locked=True))
    for offer_id in due_offers:
        if await _quietly(bus, ExpireOffer(offer_id=offer_id)):
            report.offers_expired += 1

    # A round whose parents may well not take it in time asks one more (core/spares.py).
    due_spares = await _due_ids(
        uow(),
        select(WorkItem.id)
        .where(WorkItem.spare_due_at <= now, WorkItem.status == WorkStatus.OFFERED)
        .order_by(WorkItem.spare_due_at)
        .limit(BATCH)
        .with_for_update(skip_locked=True),
    )
    for work_id in due_spares:
        if await _quietly(bus, AskSpare(work_id=work_id)) is not None:
            report.spares_asked += 1

    # Open items retry routing (someone may have become eligible), those whose last try is
    # oldest first, so every open item is looked at again within ceil(open / ROUTE_BATCH)
    # sweeps. Anything past its deadline expires inside the same handler.
    # Only those whose community's roster changed since their last try (core/roster.py):
    # otherwise nobody new could fit them. One past its deadline is always taken.
    async with uow() as unit:
        await roster.refresh(unit, now)
        await unit.commit()
    due_items = await _due_ids(
        uow(),
        select(WorkItem.id)
        .join(Community, Community.id == WorkItem.community_id)
        .where(
            WorkItem.status == WorkStatus.OPEN,
            or_(
                WorkItem.routed_version.is_(None),
                WorkItem.routed_version < Community.roster_version,
                WorkItem.deadline <= now,
            ),
        )
        .order_by(WorkItem.routed_at, WorkItem.id)
        .limit(ROUTE_BATCH)
        .with_for_update(skip_locked=True, of=WorkItem),
    )
    due_items += await _due_ids(
        uow(),
        select(WorkItem.id)
        .where(
            WorkItem.status.in_([WorkStatus.OFFERED, WorkStatus.AWAITING_PAYMENT]),
            WorkItem.deadline <= now,
        )
        .order_by(WorkItem.deadline)
        .limit(BATCH)
        .with_for_update(skip_locked=True),
    )
    for work_id in due_items:
        if await _quietly(bus, RouteWork(work_id=work_id)) is not None:
            report.items_routed += 1

    due_approvals = await _due_ids(
        uow(),
        select(Delivery.work_id)
        .join(WorkItem, WorkItem.id == Delivery.work_id)
        .where(
            and_(
                Delivery.status == "submitted",
                Delivery.auto_approve_at <= now,
                WorkItem.status == WorkStatus.SUBMITTED,
            )
        )
        .limit(BATCH)
        .with_for_update(skip_locked=True, of=Delivery),
    )
    for work_id in due_approvals:
        if await _quietly(bus, ApproveDelivery(actor=Actor.system(), work_id=work_id)):
            report.auto_approved += 1

    await _run(bus, uow, remind_before_auto_approval)
    report.switched_on = await _run(bus, uow, apply_weekly_windows)
    await _run(bus, uow, lambda unit: _reveal_old_ratings(unit, rating_window))
    return report


async def _reveal_old_ratings(uow: UnitOfWork, window: timedelta) -> list[int]:
    """Ratings hidden past the window show even if the other side never rated."""
    cutoff = uow.now() - window
    work_ids = (
        await uow.session.scalars(
            select(Rating.work_id)
            .where(Rating.visible.is_(False), Rating.created_at <= cutoff)
            .distinct()
        )
    ).all()
    for work_id in work_ids:
        await reveal_ratings(uow, await uow.session.get_one(WorkItem, work_id))
    return list(work_ids)


async def _run(
    bus: MessageBus, uow: UnitOfWorkFactory, job: Callable[[UnitOfWork], Awaitable[list[int]]]
) -> list[int]:
    async with uow() as unit:
        result = await job(unit)
        await unit.commit()
        events = unit.collect_events()
    for event in events:
        await bus.publish(event)
    return result


async def _quietly(bus: MessageBus, command: Command) -> Any:
    try:
        return await bus.handle(command)
    except DomainError as err:
        log.info("sweep skipped %r: %s", command, err)
        return None
