"""Who may be offered an item at all, as one SQL statement over indexed columns.

Available now with enough time left for the estimate, has every required skill at the level
asked (or any level once the net widens), under capacity, rate floor within the pay, not
banned, reachable, not the business itself, never offered this item before. Timezone rules
(quiet hours) and skill-limited availability are checked in Python on the rows returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, select

from core.handlers.common import ACTIVE_JOB, owner_member_id, zone
from core.models import Availability, Member, MemberSkill, Offer, WorkItem, WorkSkill
from core.money import parent_share
from core.parsing import in_quiet_hours
from core.uow import UnitOfWork


@dataclass(frozen=True)
class Need:
    skills: list[str]
    query: Any  # a Select of (Member, the availability's skill limit)


async def eligible_query(
    uow: UnitOfWork, work: WorkItem, now: datetime, *, widen: bool = False
) -> Need:
    needed = (
        await uow.session.scalars(select(WorkSkill).where(WorkSkill.work_id == work.id))
    ).all()
    owner = await owner_member_id(uow, work)
    share = parent_share(work.budget_minor, work.fee_bps)
    # One primary-key lookup per required skill for each available member, rather than
    # grouping every member who has the skill: availability is the small side.
    has_skills = [
        exists().where(
            MemberSkill.member_id == Member.id,
            MemberSkill.skill_code == need.skill_code,
            MemberSkill.level >= (1 if widen else need.min_level),
        )
        for need in needed
    ]
    busy = (
        select(WorkItem.assignee_member_id.label("member_id"), func.count().label("jobs"))
        .where(WorkItem.status.in_(ACTIVE_JOB))
        .group_by(WorkItem.assignee_member_id)
        .subquery()
    )
    query = (
        select(Member, Availability.skills)
        .join(Availability, Availability.member_id == Member.id)
        .outerjoin(busy, busy.c.member_id == Member.id)
        .where(
            Availability.ended_at.is_(None),
            Availability.starts_at <= now,
            Availability.until >= now + timedelta(minutes=work.estimated_minutes),
            *has_skills,
            Member.id != owner,
            Member.reachable.is_(True),
            or_(Member.banned_until.is_(None), Member.banned_until <= now),
            ~exists().where(Offer.work_id == work.id, Offer.member_id == Member.id),
            func.coalesce(busy.c.jobs, 0) < Member.max_jobs,
            Member.rate_floor_minor * work.estimated_minutes <= share * 60,
        )
    )
    return Need([s.skill_code for s in needed], query)


def fits_now(
    member: Member, limited_to: list[str] | None, skills: list[str], now: datetime
) -> bool:
    """The checks that need the member's own clock or availability limits."""
    if limited_to and not set(skills) <= set(limited_to):
        return False
    if member.quiet_start and member.quiet_end:
        quiet = (time.fromisoformat(member.quiet_start), time.fromisoformat(member.quiet_end))
        if in_quiet_hours(quiet, now.astimezone(zone(member)).time()):
            return False
    return True
