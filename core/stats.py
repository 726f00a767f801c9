"""How the community is doing: one set of numbers for moderators' /stats and for /metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from sqlalchemy import func, select

from core.actors import Actor
from core.language import _
from core.models import Availability, Member, Membership, Offer, Payout, Project, WorkItem
from core.money import Money
from core.states import OfferStatus, WorkStatus
from core.uow import UnitOfWork

LOOKING = (WorkStatus.OPEN, WorkStatus.OFFERED)
FINISHED = (WorkStatus.PAID, WorkStatus.APPROVED)
FAILED = (WorkStatus.EXPIRED, WorkStatus.REFUNDED)


@dataclass(frozen=True)
class CommunityStats:
    members: int
    available_now: int
    items_by_status: dict[str, int]
    oldest_open_hours: float | None  # the item waiting longest for a parent, since funding
    minutes_to_first_offer: float | None  # medians, from funding
    minutes_to_accept: float | None
    offers_by_status: dict[str, int]
    completion_rate: float | None  # of funded items that ended: finished / (finished + failed)
    earned_this_month: dict[str, int] = field(default_factory=dict)  # currency -> minor units

    @property
    def items_open(self) -> int:
        return sum(self.items_by_status.get(s, 0) for s in LOOKING)

    @property
    def disputes_open(self) -> int:
        return self.items_by_status.get(WorkStatus.DISPUTED, 0)


def _minutes(pairs: list[tuple[datetime, datetime | None]]) -> float | None:
    spans = [(end - start).total_seconds() / 60 for start, end in pairs if end is not None]
    return round(median(spans), 1) if spans else None


async def community_stats(uow: UnitOfWork, community_id: int | None = None) -> CommunityStats:
    """The numbers for one community, or (None) for the whole deployment."""
    s, now = uow.session, uow.now()

    def items_here(query: Any) -> Any:
        return query if community_id is None else query.where(WorkItem.community_id == community_id)

    def people_here(query: Any, member: Any) -> Any:
        if community_id is None:
            return query
        return query.join(
            Membership,
            (Membership.member_id == member)
            & (Membership.community_id == community_id)
            & Membership.active.is_(True),
        )

    members = await s.scalar(
        select(func.count()).select_from(Member)
        if community_id is None
        else select(func.count())  # the membership's own key answers it; no join to members
        .select_from(Membership)
        .where(Membership.community_id == community_id, Membership.active.is_(True))
    )
    available = await s.scalar(
        people_here(
            select(func.count(func.distinct(Availability.member_id))).where(
                Availability.ended_at.is_(None),
                Availability.starts_at <= now,
                Availability.until > now,
            ),
            Availability.member_id,
        )
    )
    items = {
        str(status): n
        for status, n in (
            await s.execute(
                items_here(select(WorkItem.status, func.count()).group_by(WorkItem.status))
            )
        ).all()
    }
    offers = {
        str(status): n
        for status, n in (
            await s.execute(
                items_here(
                    select(Offer.status, func.count())
                    .join(WorkItem, WorkItem.id == Offer.work_id)
                    .group_by(Offer.status)
                )
            )
        ).all()
    }
    oldest = await s.scalar(
        items_here(select(func.min(WorkItem.funded_at)).where(WorkItem.status.in_(LOOKING)))
    )
    first_offers = (
        select(Offer.work_id, func.min(Offer.made_at).label("first"))
        .group_by(Offer.work_id)
        .subquery()
    )
    to_offer = (
        await s.execute(
            items_here(
                select(WorkItem.funded_at, first_offers.c.first).join(
                    first_offers, first_offers.c.work_id == WorkItem.id
                )
            )
        )
    ).all()
    to_accept = (
        await s.execute(
            items_here(
                select(WorkItem.funded_at, WorkItem.assigned_at).where(
                    WorkItem.assigned_at.is_not(None), WorkItem.funded_at.is_not(None)
                )
            )
        )
    ).all()
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    earned = dict(
        (
            await s.execute(
                items_here(
                    select(Payout.currency, func.sum(Payout.amount_minor))
                    .join(WorkItem, WorkItem.id == Payout.work_id)
                    .where(Payout.created_at >= month)
                    .group_by(Payout.currency)
                )
            )
        ).all()
    )
    finished = sum(items.get(s, 0) for s in FINISHED)
    failed = sum(items.get(s, 0) for s in FAILED)
    return CommunityStats(
        members=int(members or 0),
        available_now=int(available or 0),
        items_by_status=items,
        oldest_open_hours=round((now - oldest).total_seconds() / 3600, 1) if oldest else None,
        minutes_to_first_offer=_minutes([(a, b) for a, b in to_offer if a is not None]),
        minutes_to_accept=_minutes([(a, b) for a, b in to_accept if a is not None]),
        offers_by_status=offers,
        completion_rate=round(finished / (finished + failed), 3) if finished + failed else None,
        earned_this_month={c: int(v or 0) for c, v in earned.items()},
    )


def _or_na(value: float | None, unit: str) -> str:
    return "n/a" if value is None else f"{value:g} {unit}"


async def stats(uow: UnitOfWork, actor: Actor) -> str:
    """/stats for moderators."""
    community_id = actor.moderated_community()
    n = await community_stats(uow, community_id)
    items, offers = n.items_by_status, n.offers_by_status
    projects = dict(
        (
            await uow.session.execute(
                select(Project.status, func.count())
                .where(Project.community_id == community_id)
                .group_by(Project.status)
            )
        ).all()
    )
    working = items.get(WorkStatus.ASSIGNED, 0) + items.get(WorkStatus.SUBMITTED, 0)
    earned = ", ".join(str(Money(v, c)) for c, v in n.earned_this_month.items()) or _("nothing yet")
    rate = "n/a" if n.completion_rate is None else f"{n.completion_rate:.0%}"
    return _(
        "Members: {members}, available now: {available_now}.\nItems looking for a parent: {items_open} (longest waiting {or_na}); being worked on: {working}; paid: {items}; disputes open: {disputes_open}.\nOffers made: {sum}, accepted: {offers}, declined: {offers2}, timed out: {offers3}.\nMedian time from payment to first offer: {or_na2}; to a parent accepting: {or_na3}.\nCompletion rate: {rate}. Earned by parents this month: {earned}.",
        members=n.members,
        available_now=n.available_now,
        items_open=n.items_open,
        or_na=_or_na(n.oldest_open_hours, "h"),
        working=working,
        items=items.get(WorkStatus.PAID, 0),
        disputes_open=n.disputes_open,
        sum=sum(offers.values()),
        offers=offers.get(OfferStatus.ACCEPTED, 0),
        offers2=offers.get(OfferStatus.DECLINED, 0),
        offers3=offers.get(OfferStatus.EXPIRED, 0),
        or_na2=_or_na(n.minutes_to_first_offer, "min"),
        or_na3=_or_na(n.minutes_to_accept, "min"),
        rate=rate,
        earned=earned,
    ) + (
        _(
            "\nProjects: {projects} looking for a parent, {value} under way, {projects2} done, {projects3} cancelled (each milestone also counts above as an item).",
            projects=projects.get("open", 0),
            value=projects.get("under_way", 0) + projects.get("parent_gone", 0),
            projects2=projects.get("done", 0),
            projects3=projects.get("cancelled", 0),
        )
        if projects
        else ""
    )


async def by_community(
    uow: UnitOfWork,
) -> tuple[list[tuple[int, int]], list[tuple[int, str, int]]]:
    """(community, members taking part) and (community, status, work items), for /metrics."""
    s = uow.session
    members = (
        await s.execute(
            select(Membership.community_id, func.count())
            .where(Membership.active.is_(True))
            .group_by(Membership.community_id)
        )
    ).all()
    items = (
        await s.execute(
            select(WorkItem.community_id, WorkItem.status, func.count()).group_by(
                WorkItem.community_id, WorkItem.status
            )
        )
    ).all()
    return [(c, n) for c, n in members], [(c, str(st), n) for c, st, n in items]


@dataclass(frozen=True)
class Week:
    """One week of a community's work, for the moderators' charts."""

    starts: datetime
    items_posted: int = 0
    minutes_to_fill: float | None = None  # median, payment to a parent accepting
    earned: int = 0  # parents' shares created that week, in the community's currency
    parents_working: int = 0  # parents who took a job that week


async def weekly(uow: UnitOfWork, community_id: int, currency: str, weeks: int = 8) -> list[Week]:
    """The last `weeks` weeks, oldest first, from work items and payouts only (small tables
    beside the members), so the charts stay quick in a large community."""
    now = uow.now()
    this_week = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    starts = [this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]

    def week_of(moment: datetime | None) -> int | None:
        if moment is None or moment < starts[0]:
            return None
        return min(int((moment - starts[0]).days // 7), weeks - 1)

    posted = [0] * weeks
    fills: list[list[float]] = [[] for _ in range(weeks)]
    working: list[set[int]] = [set() for _ in range(weeks)]
    earned = [0] * weeks
    items = await uow.session.execute(
        select(
            WorkItem.created_at,
            WorkItem.funded_at,
            WorkItem.assigned_at,
            WorkItem.assignee_member_id,
        ).where(WorkItem.community_id == community_id, WorkItem.created_at >= starts[0])
    )
    for created, funded, assigned, assignee in items.all():
        if (n := week_of(created)) is not None:
            posted[n] += 1
        if (n := week_of(assigned)) is not None and assigned is not None:
            if funded is not None:
                fills[n].append((assigned - funded).total_seconds() / 60)
            if assignee is not None:
                working[n].add(assignee)
    payouts = await uow.session.execute(
        select(Payout.created_at, Payout.amount_minor)
        .join(WorkItem, WorkItem.id == Payout.work_id)
        .where(
            WorkItem.community_id == community_id,
            Payout.created_at >= starts[0],
            Payout.currency == currency,
        )
    )
    for created, amount in payouts.all():
        if (n := week_of(created)) is not None:
            earned[n] += amount
    return [
        Week(
            starts[n],
            posted[n],
            round(median(fills[n]), 1) if fills[n] else None,
            earned[n],
            len(working[n]),
        )
        for n in range(weeks)
    ]
