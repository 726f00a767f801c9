"""The inverse of eligibility: which open items fit one parent who has just become free.

One statement, bounded by the parent's capacity: items in the parent's communities, open with nobody asked, not past their
deadline, whose every required skill the parent has at the level asked, within their rate
floor and their free time, not from a business either side has blocked, never offered to them
before. It walks open items by deadline (the index `ix_work_items_status_deadline`) and stops
at the limit, so a busy board costs the parent's own query, never a loop over every item.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, and_, cast, exists, func, or_, select

from core.models import (
    Availability,
    Block,
    Business,
    Member,
    Membership,
    MemberSkill,
    Offer,
    Project,
    WorkItem,
    WorkSkill,
)
from core.states import OfferStatus, WorkStatus
from core.uow import UnitOfWork


async def open_items_for(uow: UnitOfWork, member_id: int, now: datetime, limit: int) -> list[int]:
    """Up to `limit` open items this parent may be offered now, the soonest due first."""
    if limit <= 0:
        return []
    member = await uow.session.get_one(Member, member_id)
    until = await uow.session.scalar(
        select(func.max(Availability.until)).where(
            Availability.member_id == member_id,
            Availability.ended_at.is_(None),
            Availability.until > now,
        )
    )
    if until is None:
        return []
    places = (
        await uow.session.scalars(
            select(Membership.community_id).where(
                Membership.member_id == member_id,
                Membership.active.is_(True),
                or_(Membership.banned_until.is_(None), Membership.banned_until <= now),
            )
        )
    ).all()
    if not places:
        return []
    free_minutes = int((until - now) / timedelta(minutes=1))
    fee = cast((WorkItem.budget_minor * WorkItem.fee_bps + 5_000) / 10_000, Integer)
    lacks_a_skill = exists().where(
        WorkSkill.work_id == WorkItem.id,
        ~exists().where(
            MemberSkill.member_id == member_id,
            MemberSkill.skill_code == WorkSkill.skill_code,
            MemberSkill.level >= WorkSkill.min_level,
        ),
    )
    rules: list[Any] = [
        WorkItem.community_id.in_(places),  # work stays in its community
        WorkItem.status == WorkStatus.OPEN,
        WorkItem.deadline > now,
        WorkItem.estimated_minutes <= free_minutes,
        (WorkItem.budget_minor - fee) * 60 >= member.rate_floor_minor * WorkItem.estimated_minutes,
        ~exists().where(Offer.work_id == WorkItem.id, Offer.status == OfferStatus.PENDING),
        ~exists().where(Offer.work_id == WorkItem.id, Offer.member_id == member_id),
        ~exists().where(Block.business_id == WorkItem.business_id, Block.member_id == member_id),
        ~exists().where(
            and_(Business.id == WorkItem.business_id, Business.owner_member_id == member_id)
        ),
        ~lacks_a_skill,
        # A project is offered through its lead milestone alone, and only while nobody has it.
        or_(
            WorkItem.project_id.is_(None),
            WorkItem.id.in_(
                select(Project.lead_work_id).where(
                    Project.status == "open", Project.lead_work_id.is_not(None)
                )
            ),
        ),
    ]
    rows = await uow.session.scalars(
        select(WorkItem.id).where(*rules).order_by(WorkItem.deadline).limit(limit)
    )
    return list(rows.all())
