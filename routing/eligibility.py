"""Who may be offered an item at all, as one SQL statement over indexed columns.

A member taking part in the item's community (not left, not suspended there), available now
with enough time left for the estimate, has every required skill at the level
asked (or any level once the net widens), under capacity (jobs in hand and offers awaiting an
answer together), rate floor within the pay, not
banned, reachable, not the business itself, not blocked either way with the business, never
offered this item before. Timezone rules (quiet hours) and skill-limited availability are
checked in Python on the rows returned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    String,
    Text,
    bindparam,
    cast,
    exists,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import aliased
from sqlalchemy.types import TypeDecorator

from core.handlers.common import SLOT_HOLDING, SLOTS
from core.models import (
    OFFER_PENDING,
    Availability,
    Block,
    Business,
    Household,
    HouseholdMember,
    Member,
    Membership,
    MemberSkill,
    Offer,
    OpenSkill,
    SkillRow,
    UTCDateTime,
    WorkItem,
    written,
)
from core.money import parent_share
from core.parsing import in_quiet_hours, parse_timezone
from core.states import WorkStatus
from core.uow import UnitOfWork

WINDOW = 1000  # parents with the lead skill read per sample, at most


class SkillCodes(TypeDecorator[list[str]]):
    """A JSON list of skill codes, read as its text and decoded only if it lists any: most
    are empty, and decoding two lists per candidate through the driver's JSON codec was a
    measurable part of the sample's read."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value: str | None, dialect: Any) -> list[str]:
        return json.loads(value) if value and value not in ("[]", "null") else []


def skill_codes(column: Any) -> Any:
    return type_coerce(cast(column, Text), SkillCodes()).label(column.key)


# What routing reads of an eligible parent: a few columns, not whole rows, to stay cheap.
FREE = (
    Member.id,
    Member.timezone,
    Member.quiet_start,
    Member.quiet_end,
    skill_codes(Member.preferred_skills),
    skill_codes(Availability.skills),
)


@dataclass(frozen=True)
class Need:
    skills: list[str]
    names: dict[str, str]  # skill code -> name
    query: Any  # FREE columns of every eligible parent, with bind parameters...
    params: dict[str, Any]  # ...filled in from here
    key: Any  # the column the rows are ordered by, for sampling from a random point


def param(name: str, kind: Any = Integer) -> Any:
    return bindparam(name, type_=kind)


def partner_on_a_job() -> Any:
    """In a household that takes one job at a time, a partner is on a job now."""
    mine, theirs = aliased(HouseholdMember), aliased(HouseholdMember)
    return exists().where(
        mine.member_id == Member.id,
        Household.id == mine.household_id,
        Household.one_at_a_time.is_(True),
        theirs.household_id == mine.household_id,
        theirs.member_id != Member.id,
        WorkItem.assignee_member_id == theirs.member_id,
        WorkItem.status == WorkStatus.ASSIGNED,
    )


@cache
def eligible_shape(
    skills: int, window: str | None = None, bounded: bool = False
) -> tuple[Any, Any]:
    """The eligibility statement for items needing this many skills, built once.

    Every value that changes per decision is a bind parameter, so building and caching the
    SQL costs nothing per offer round. With a `window` ("after" or "before" a random point,
    set by the `fraction` parameter) the rows are those on that side of the point; ordered by
    the returned column, a LIMIT stops the index scan early. PostgreSQL's planner would rather
    sort every match than trust that, so `bounded` reads at most WINDOW parents with the lead
    skill first, and the work per decision does not grow with the community either way.
    """
    now = param("now", UTCDateTime())
    busy = (
        select(SLOTS)
        .where(
            WorkItem.assignee_member_id == Member.id,
            WorkItem.status.in_([written(status.value) for status in SLOT_HOLDING]),
        )
        .scalar_subquery()
    )
    # Offers waiting on an answer count against capacity too (ix_offers_pending_member).
    asked = (
        select(func.count()).where(Offer.member_id == Member.id, OFFER_PENDING).scalar_subquery()
    )
    owner = select(Business.owner_member_id).where(Business.id == param("business_id"))
    taking_part = exists().where(  # one primary-key lookup: (community, member)
        Membership.community_id == param("community_id"),
        Membership.member_id == Member.id,
        Membership.active.is_(True),
        or_(Membership.banned_until.is_(None), Membership.banned_until <= now),
    )
    rules = [
        taking_part,
        Availability.ended_at.is_(None),
        Availability.starts_at <= now,
        Availability.until >= param("ready_by", UTCDateTime()),
        Member.id != owner.scalar_subquery(),
        Member.reachable.is_(True),
        ~exists().where(Offer.work_id == param("work_id"), Offer.member_id == Member.id),
        ~exists().where(Block.business_id == param("business_id"), Block.member_id == Member.id),
        busy + asked < Member.max_jobs,
        ~partner_on_a_job(),
        Member.rate_floor_minor * param("minutes") <= param("share_per_hour"),
    ]
    if not skills:
        query = select(*FREE).join(Availability, Availability.member_id == Member.id)
        if window:
            rules.append(_side(Availability.id, _start(Availability.id), window))
        return query.where(*rules), Availability.id
    # Driven by the index of open skills: only parents available now with the most
    # demanding skill are visited; each other skill is one primary-key lookup.
    lead = [
        OpenSkill.community_id == param("community_id"),
        OpenSkill.skill_code == param("skill_0", String),
        OpenSkill.level >= param("level_0"),
    ]
    others = [
        exists().where(
            MemberSkill.member_id == Member.id,
            MemberSkill.skill_code == param(f"skill_{n}", String),
            MemberSkill.level >= param(f"level_{n}"),
        )
        for n in range(1, skills)
    ]
    key = OpenSkill.availability_id
    top = select(func.max(key)).where(
        OpenSkill.community_id == param("community_id"),
        OpenSkill.skill_code == param("skill_0", String),
    )
    if not bounded:
        if window:
            lead.append(_side(key, _start(key, top), window))
        query = (
            select(*FREE)
            .select_from(OpenSkill)
            .join(Availability, Availability.id == OpenSkill.availability_id)
            .join(Member, Member.id == OpenSkill.member_id)
            .where(*lead, *others, *rules)
        )
        return query, key
    picked = (
        select(key, OpenSkill.member_id)
        .where(*lead, _side(key, _start(key, top), window or "after"))
        .order_by(key)
        .limit(WINDOW)
        .subquery("picked")
    )
    query = (
        select(*FREE)
        .select_from(picked)
        .join(Availability, Availability.id == picked.c.availability_id)
        .join(Member, Member.id == picked.c.member_id)
        .where(*others, *rules)
    )
    return query, picked.c.availability_id


def _start(key: Any, top: Any = None) -> Any:
    """A random point of the index: its largest id times `fraction`, as an integer so the
    comparison stays a range on the index rather than a cast per row."""
    top = select(func.max(key)) if top is None else top
    return cast(top.scalar_subquery() * param("fraction", Float), Integer)


def _side(key: Any, start: Any, window: str) -> Any:
    return key >= start if window == "after" else key < start


async def eligible_query(
    uow: UnitOfWork,
    work: WorkItem,
    now: datetime,
    *,
    widen: bool = False,
    swap: tuple[str, str] | None = None,
) -> Need:
    """Who may be offered this item now; `widen` accepts any level of the skills asked, and
    `swap` (asked, adjacent) accepts an adjacent skill in place of one asked, at any level."""
    # The most demanding skill first: it leads the index walk (eligible_shape).
    needed = sorted(await uow.skills_asked(work.id), key=lambda asked: -asked[1])
    if swap is not None:
        asked, near = swap
        name = await uow.session.scalar(select(SkillRow.name).where(SkillRow.code == near))
        kept = [row for row in needed if row[0] not in (asked, near)]
        needed = [(near, 1, name or near), *kept] if len(kept) < len(needed) else needed
    query, key = eligible_shape(len(needed))
    params: dict[str, Any] = {
        "now": now,
        "ready_by": now + timedelta(minutes=work.estimated_minutes),
        "community_id": work.community_id,
        "business_id": work.business_id,
        "work_id": work.id,
        "minutes": work.estimated_minutes,
        "share_per_hour": parent_share(work.budget_minor, work.fee_bps) * 60,
    }
    for n, (code, level, _) in enumerate(needed):
        params[f"skill_{n}"], params[f"level_{n}"] = code, 1 if widen else level
    return Need(
        skills=[code for code, _, _ in needed],
        names={code: name for code, _, name in needed},
        query=query,
        params=params,
        key=key,
    )


def fits_now(free: Any, skills: list[str], now: datetime) -> bool:
    """The checks that need the parent's own clock or availability limits (a FREE row)."""
    if free.skills and not set(skills) <= set(free.skills):
        return False
    if free.quiet_start and free.quiet_end:
        quiet = (time.fromisoformat(free.quiet_start), time.fromisoformat(free.quiet_end))
        if in_quiet_hours(quiet, now.astimezone(parse_timezone(free.timezone)).time()):
            return False
    return True
