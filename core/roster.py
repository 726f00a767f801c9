"""Who could be offered work in a community right now, as one fingerprint: every live
availability of its members with what routing's eligibility reads of them (skills and levels,
rate, capacity in use, quiet hours now, reachability, standing, blocks, a household's
"one at a time"). A sweep re-tries an open item only after its community's fingerprint has
changed since the item's last try: if nobody new could fit it, trying again finds nobody.
An item past its deadline is always taken (it expires there)."""

from __future__ import annotations

import hashlib
from datetime import datetime, time

from sqlalchemy import func, or_, select

from core.handlers.common import SLOT_HOLDING, SLOTS
from core.models import (
    Availability,
    Block,
    Community,
    Household,
    HouseholdMember,
    Member,
    Membership,
    MemberSkill,
    Offer,
    WorkItem,
)
from core.parsing import in_quiet_hours, parse_timezone
from core.states import OfferStatus, WorkStatus
from core.uow import UnitOfWork


def _quiet_now(member: Member, now: datetime) -> bool:
    if not (member.quiet_start and member.quiet_end):
        return False
    quiet = (time.fromisoformat(member.quiet_start), time.fromisoformat(member.quiet_end))
    return in_quiet_hours(quiet, now.astimezone(parse_timezone(member.timezone)).time())


async def fingerprint(uow: UnitOfWork, community_id: int, now: datetime) -> str:
    s = uow.session
    live = (
        await s.execute(
            select(Availability.member_id, Availability.id, Availability.until, Availability.skills)
            .join(
                Membership,
                (Membership.member_id == Availability.member_id)
                & (Membership.community_id == community_id),
            )
            .where(
                Availability.ended_at.is_(None),
                Availability.starts_at <= now,
                Availability.until > now,
                Membership.active.is_(True),
                or_(Membership.banned_until.is_(None), Membership.banned_until <= now),
            )
            .order_by(Availability.member_id, Availability.id)
        )
    ).all()
    members = sorted({row[0] for row in live})
    if not members:
        return hashlib.sha256(b"nobody").hexdigest()
    people = {m.id: m for m in await s.scalars(select(Member).where(Member.id.in_(members)))}
    skills: dict[int, list[tuple[str, int]]] = {}
    for member_id, code, level in await s.execute(
        select(MemberSkill.member_id, MemberSkill.skill_code, MemberSkill.level)
        .where(MemberSkill.member_id.in_(members))
        .order_by(MemberSkill.member_id, MemberSkill.skill_code)
    ):
        skills.setdefault(member_id, []).append((code, level))
    busy = dict(
        (
            await s.execute(
                select(WorkItem.assignee_member_id, SLOTS)
                .where(
                    WorkItem.assignee_member_id.in_(members),
                    WorkItem.status.in_(SLOT_HOLDING),
                )
                .group_by(WorkItem.assignee_member_id)
            )
        ).all()
    )
    asked = dict(
        (
            await s.execute(
                select(Offer.member_id, func.count())
                .where(Offer.member_id.in_(members), Offer.status == OfferStatus.PENDING)
                .group_by(Offer.member_id)
            )
        ).all()
    )
    blocks = dict(
        (
            await s.execute(
                select(Block.member_id, func.count())
                .where(Block.member_id.in_(members))
                .group_by(Block.member_id)
            )
        ).all()
    )
    held = set(
        (
            await s.scalars(  # in a one-at-a-time household whose other member is on a job
                select(HouseholdMember.member_id)
                .join(Household, Household.id == HouseholdMember.household_id)
                .where(HouseholdMember.member_id.in_(members), Household.one_at_a_time.is_(True))
            )
        ).all()
    )
    if held:
        partners_busy = set(
            (
                await s.scalars(
                    select(HouseholdMember.household_id)
                    .join(WorkItem, WorkItem.assignee_member_id == HouseholdMember.member_id)
                    .where(WorkItem.status == WorkStatus.ASSIGNED)
                )
            ).all()
        )
        homes = dict(
            (
                await s.execute(
                    select(HouseholdMember.member_id, HouseholdMember.household_id).where(
                        HouseholdMember.member_id.in_(held)
                    )
                )
            ).all()
        )
        held = {m for m in held if homes.get(m) in partners_busy}
    digest = hashlib.sha256()
    for member_id, availability_id, until, limited in live:
        member = people[member_id]
        digest.update(
            repr(
                (
                    member_id,
                    availability_id,
                    until.isoformat(),
                    sorted(limited or []),
                    skills.get(member_id, []),
                    member.rate_floor_minor,
                    member.max_jobs,
                    member.reachable,
                    _quiet_now(member, now),
                    busy.get(member_id, 0),
                    asked.get(member_id, 0),
                    blocks.get(member_id, 0),
                    member_id in held,
                )
            ).encode()
        )
    return digest.hexdigest()


async def refresh(uow: UnitOfWork, now: datetime) -> None:
    """Each community with open items: its fingerprint now, and a new version if it moved."""
    waiting = (
        await uow.session.scalars(
            select(WorkItem.community_id).where(WorkItem.status == WorkStatus.OPEN).distinct()
        )
    ).all()
    for community_id in waiting:
        community = await uow.session.get_one(Community, community_id)
        found = await fingerprint(uow, community_id, now)
        if found != community.roster_fingerprint:
            community.roster_fingerprint = found
            community.roster_version += 1


async def current_version(uow: UnitOfWork, community_id: int) -> int:
    # The community is usually in hand already (routing reads its settings). A version read
    # earlier in the transaction than the latest commit only makes a later sweep try again.
    community = await uow.session.get(Community, community_id)
    return int(community.roster_version or 0) if community is not None else 0
