"""The first router: eligible parents, best rated first, newcomers at a neutral prior.

Eligibility is one SQL query over indexed columns; only timezone rules (quiet hours) and
skill-limited availability are checked in Python, on the handful of rows the query returns.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import and_, exists, func, or_, select

from core.handlers.common import ACTIVE_JOB, owner_member_id, zone
from core.models import Availability, Member, MemberSkill, Offer, Rating, WorkItem, WorkSkill
from core.money import parent_share
from core.parsing import in_quiet_hours
from core.ports import Candidate
from core.skills import LEVEL_NAMES
from core.uow import UnitOfWork

NEUTRAL_RATING = 3.5  # where a parent with no ratings yet sits between good and poor


class SimpleRouter:
    async def candidates(
        self, uow: UnitOfWork, work: WorkItem, now: datetime, limit: int
    ) -> list[Candidate]:
        needed = (
            await uow.session.scalars(select(WorkSkill).where(WorkSkill.work_id == work.id))
        ).all()
        needed_codes = {s.skill_code for s in needed}
        owner = await owner_member_id(uow, work)
        share = parent_share(work.budget_minor, work.fee_bps)

        skilled = (
            select(MemberSkill.member_id)
            .join(
                WorkSkill,
                and_(
                    WorkSkill.skill_code == MemberSkill.skill_code,
                    WorkSkill.work_id == work.id,
                    MemberSkill.level >= WorkSkill.min_level,
                ),
            )
            .group_by(MemberSkill.member_id)
            .having(func.count() == len(needed))
        )
        busy = (
            select(WorkItem.assignee_member_id.label("member_id"), func.count().label("jobs"))
            .where(WorkItem.status.in_(ACTIVE_JOB))
            .group_by(WorkItem.assignee_member_id)
            .subquery()
        )
        rated = (
            select(
                Rating.ratee_member_id.label("member_id"),
                func.avg(Rating.stars).label("stars"),
                func.count().label("ratings"),
            )
            .where(Rating.visible.is_(True))
            .group_by(Rating.ratee_member_id)
            .subquery()
        )
        score = func.coalesce(rated.c.stars, NEUTRAL_RATING)
        query = (
            select(Member, Availability.skills, rated.c.stars, rated.c.ratings)
            .join(Availability, Availability.member_id == Member.id)
            .outerjoin(busy, busy.c.member_id == Member.id)
            .outerjoin(rated, rated.c.member_id == Member.id)
            .where(
                Availability.ended_at.is_(None),
                Availability.starts_at <= now,
                Availability.until >= now + timedelta(minutes=work.estimated_minutes),
                Member.id.in_(skilled),
                Member.id != owner,
                Member.reachable.is_(True),
                or_(Member.banned_until.is_(None), Member.banned_until <= now),
                ~exists().where(Offer.work_id == work.id, Offer.member_id == Member.id),
                func.coalesce(busy.c.jobs, 0) < Member.max_jobs,
                Member.rate_floor_minor * work.estimated_minutes <= share * 60,
            )
            .order_by(score.desc(), Member.id)
            .limit(limit * 4 + 20)
        )
        levels = (
            {
                (row.member_id, row.skill_code): row.level
                for row in (
                    await uow.session.scalars(
                        select(MemberSkill).where(MemberSkill.skill_code.in_(needed_codes))
                    )
                ).all()
            }
            if needed_codes
            else {}
        )
        chosen: list[Candidate] = []
        seen: set[int] = set()
        for member, limited_to, stars, ratings in (await uow.session.execute(query)).all():
            if member.id in seen or (limited_to and not needed_codes <= set(limited_to)):
                continue
            if _quiet_now(member, now):
                continue
            seen.add(member.id)
            chosen.append(
                Candidate(member.id, _why(member.id, needed_codes, levels, stars, ratings))
            )
            if len(chosen) == limit:
                break
        return chosen


def _quiet_now(member: Member, now: datetime) -> bool:
    if not member.quiet_start or not member.quiet_end:
        return False
    quiet = (time.fromisoformat(member.quiet_start), time.fromisoformat(member.quiet_end))
    return in_quiet_hours(quiet, now.astimezone(zone(member)).time())


def _why(
    member_id: int,
    codes: set[str],
    levels: dict[tuple[int, str], int],
    stars: float | None,
    ratings: int | None,
) -> str:
    skills = ", ".join(
        f"{LEVEL_NAMES[levels[(member_id, c)]]} in {c.replace('_', ' ')}"
        for c in sorted(codes)
        if (member_id, c) in levels
    )
    record = (
        f"rated {float(stars):.1f} from {ratings} job{'s' if ratings != 1 else ''}"
        if stars is not None
        else "new here, so this is a chance to earn your first rating"
    )
    return f"{skills}; {record}" if skills else record
