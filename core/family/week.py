"""A parent's week, as a read: each day's hours free and hours working, the last seven days
and the coming seven in their timezone, what is due, what they earned, and one plain
suggestion from the community's own data."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from core.communities import active_communities
from core.handlers.availability import weekly_windows
from core.handlers.common import ACTIVE_JOB, zone
from core.language import _
from core.models import (
    Availability,
    Delivery,
    Member,
    MemberSkill,
    Payout,
    SkillRow,
    WorkItem,
    WorkSkill,
)
from core.money import Money
from core.states import WorkStatus
from core.uow import UnitOfWork

LOOK_BACK_WEEKS = 8  # the suggestion reads this much of the community's history
PARTS = (("night", 0), ("morning", 6), ("afternoon", 12), ("evening", 17), ("night", 22))


@dataclass(frozen=True)
class Day:
    day: date
    free_hours: float  # available (before today: as it happened; from today: as planned)
    work_hours: float  # from accepting a job to delivering it
    past: bool


@dataclass(frozen=True)
class Due:
    work_id: int
    title: str
    due: datetime  # in the parent's timezone
    delivered: bool


@dataclass(frozen=True)
class Week:
    days: tuple[Day, ...]  # seven before today, then today and six after
    due: tuple[Due, ...]
    earned: tuple[Money, ...]  # payouts for work approved in the last seven days
    jobs_done: int  # approved in the last seven days
    suggestion: str | None

    @property
    def free_hours(self) -> float:
        return sum(d.free_hours for d in self.days if d.past)

    @property
    def work_hours(self) -> float:
        return sum(d.work_hours for d in self.days if d.past)


def part_of_day(moment: datetime) -> str:
    kind = "weekend" if moment.weekday() >= 5 else "weekday"
    part = next(name for name, start in reversed(PARTS) if moment.hour >= start)
    return f"{kind} {part}s"


def _overlap(start: datetime, end: datetime, day: date, tz: ZoneInfo) -> float:
    opens = datetime.combine(day, time(0), tz)
    closes = datetime.combine(day + timedelta(days=1), time(0), tz)
    seconds = (min(end, closes) - max(start, opens)).total_seconds()
    return max(0.0, seconds) / 3600


async def _spans(
    uow: UnitOfWork, member_id: int, since: datetime, now: datetime
) -> tuple[list[tuple[datetime, datetime]], list[tuple[datetime, datetime]]]:
    """When they were free and when they worked, as (start, end) pairs."""
    free = [
        (row.starts_at, min(row.until, row.ended_at or row.until, now))
        for row in await uow.session.scalars(
            select(Availability).where(
                Availability.member_id == member_id, Availability.until >= since
            )
        )
    ]
    delivered = (
        select(Delivery.work_id, func.min(Delivery.submitted_at).label("at"))
        .where(Delivery.member_id == member_id)
        .group_by(Delivery.work_id)
        .subquery()
    )
    worked = [
        (assigned, min(done or now, now))
        for assigned, done in (
            await uow.session.execute(
                select(WorkItem.assigned_at, delivered.c.at)
                .outerjoin(delivered, delivered.c.work_id == WorkItem.id)
                .where(
                    WorkItem.assignee_member_id == member_id,
                    WorkItem.assigned_at.is_not(None),
                    func.coalesce(delivered.c.at, now) >= since,
                )
            )
        ).all()
        if assigned is not None
    ]
    return free, worked


def _planned(windows: list[tuple[int, str, str]], day: date, tz: ZoneInfo) -> float:
    """Hours their regular weekly windows give that day."""
    hours = 0.0
    for days, start, end in windows:
        if not days & (1 << day.weekday()):
            continue
        opens = datetime.combine(day, time.fromisoformat(start), tz)
        closes = datetime.combine(day, time.fromisoformat(end), tz)
        if closes <= opens:
            closes += timedelta(days=1)
        hours += (closes - opens).total_seconds() / 3600
    return hours


async def suggestion(uow: UnitOfWork, member: Member, now: datetime) -> str | None:
    """When offers in their skills usually come here, against when they are usually free."""
    tz = zone(member)
    since = now - timedelta(weeks=LOOK_BACK_WEEKS)
    skills = list(
        (
            await uow.session.scalars(
                select(MemberSkill.skill_code).where(MemberSkill.member_id == member.id)
            )
        ).all()
    )
    communities = await active_communities(uow, member.id)
    if not skills or not communities:
        return None
    funded = (
        await uow.session.scalars(
            select(WorkItem.funded_at)
            .join(WorkSkill, WorkSkill.work_id == WorkItem.id)
            .where(
                WorkItem.community_id.in_(communities),
                WorkSkill.skill_code.in_(skills),
                WorkItem.funded_at >= since,
            )
            .distinct()
        )
    ).all()
    if len(funded) < 3:
        return None
    offers = Counter(part_of_day(at.astimezone(tz)) for at in funded if at is not None)
    free: Counter[str] = Counter()
    for row in await uow.session.scalars(
        select(Availability).where(
            Availability.member_id == member.id, Availability.starts_at >= since
        )
    ):
        end = min(row.until, row.ended_at or row.until)
        moment = row.starts_at
        while moment < end:  # hour by hour
            free[part_of_day(moment.astimezone(tz))] += 1
            moment += timedelta(hours=1)
    names = [
        name.lower()
        for name in (
            await uow.session.scalars(select(SkillRow.name).where(SkillRow.code.in_(skills)))
        ).all()
    ]
    busiest, _count = offers.most_common(1)[0]
    said = _(
        "Most {listing} offers here arrive on {busiest}",
        listing=" and ".join(sorted(names)[:2]),
        busiest=busiest,
    )
    if not free:
        return said + _("; being available then gives you the best chance.")
    freest, _count = free.most_common(1)[0]
    if freest == busiest:
        return said + _(", which is when you're usually free: good timing.")
    return said + _("; you're usually free on {freest}.", freest=freest)


async def parents_week(uow: UnitOfWork, member_id: int) -> Week:
    member = await uow.session.get_one(Member, member_id)
    tz = zone(member)
    now = uow.now()
    today = now.astimezone(tz).date()
    first = today - timedelta(days=7)
    since = datetime.combine(first, time(0), tz)
    free, worked = await _spans(uow, member_id, since, now)
    windows = [(w.days, w.start_local, w.end_local) for w in await weekly_windows(uow, member_id)]
    days = []
    for n in range(14):
        day = first + timedelta(days=n)
        past = day < today
        spent = sum(_overlap(s, e, day, tz) for s, e in free)
        if not past:  # from today: what is planned, or what is live, whichever is more
            spent = max(spent, _planned(windows, day, tz)) if day > today else spent
        days.append(
            Day(
                day,
                round(spent, 1),
                round(sum(_overlap(s, e, day, tz) for s, e in worked), 1),
                past,
            )
        )
    due = [
        Due(item.id, item.title, item.deadline.astimezone(tz), item.status == WorkStatus.SUBMITTED)
        for item in await uow.session.scalars(
            select(WorkItem)
            .where(
                WorkItem.assignee_member_id == member_id,
                WorkItem.status.in_(ACTIVE_JOB),
                WorkItem.deadline <= now + timedelta(days=7),
            )
            .order_by(WorkItem.deadline)
        )
    ]
    totals: dict[str, int] = defaultdict(int)
    done = 0
    for amount, currency in (
        await uow.session.execute(
            select(Payout.amount_minor, Payout.currency).where(
                Payout.member_id == member_id, Payout.created_at >= now - timedelta(days=7)
            )
        )
    ).all():
        totals[currency] += amount
        done += 1
    return Week(
        days=tuple(days),
        due=tuple(due),
        earned=tuple(Money(v, c) for c, v in sorted(totals.items())),
        jobs_done=done,
        suggestion=await suggestion(uow, member, now),
    )
