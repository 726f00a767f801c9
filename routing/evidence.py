"""What routing has learned about the parents it is choosing among, read in one statement.

Every rating, delivery and payout is already a row, so each decision reads them grouped for
its candidates (at most routing.learning.POOL), by parent: a few index lookups per parent,
whatever the community's size. Read as a column per fact of each eligible row instead, some
twenty correlated subqueries per parent, it cost PostgreSQL more than choosing among them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    String,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from core.models import Delivery, Member, MemberSkill, Payout, Rating, UTCDateTime, WorkSkill
from core.sql_lists import among
from core.uow import UnitOfWork
from routing.belief import STEPS, Evidence
from routing.rhythm import Rhythm
from routing.worth import RATEE_DECLARED


def pseudo_counts(ratings: int, stars: float) -> tuple[float, float]:
    """The sum of rating_counts over `ratings` ratings whose (net) stars add to `stars`: it is
    linear in the stars, so the sum is enough; kept within what that many ratings can say."""
    good = min(max(stars - ratings, 0.0), float(STEPS * ratings))
    return good, STEPS * ratings - good


@cache
def evidence_query() -> Any:
    """Rows of (fact, member, skill, level, count, amount) for the members in bind parameter
    `members`, the skills in `skills`, and payouts since `since`:

    - ("all", m, -, -, ratings, net stars) over every rating m was given;
    - ("rated", m, skill, declared level, ratings, net stars) per skill of the rated work, by
      the level m declared in it (undeclared counts as beginner): read for this skill, and
      summed by level, against what their levels promised (routing/belief.py);
    - ("delivered", m, -, 1 on time / 0 late, deliveries, -);
    - ("earned", m, -, -, payouts, amount in minor units);
    - ("declared", m, skill, level, years, 1.0 if a skill check was passed) for each skill
      asked.

    A rating counts as soon as it is given (people see it when the double-blind rules say),
    net of how strictly its rater rates (core/handlers/learning.py).
    """
    rater = aliased(Member)
    net_stars = cast(func.sum(Rating.stars - func.coalesce(rater.rating_offset, 0.0)), Float)
    no_skill, no_level = cast(null(), String), cast(null(), Integer)

    def fact(name: str) -> Any:
        return literal_column(f"'{name}'", String).label("fact")

    every = (
        select(fact("all"), Rating.ratee_member_id, no_skill, no_level, func.count(), net_stars)
        .join(rater, rater.id == Rating.rater_member_id)
        .where(among(Rating.ratee_member_id, "members"))
        .group_by(Rating.ratee_member_id)
    )
    declared_level = func.coalesce(MemberSkill.level, 1)
    rated = (
        select(
            fact("rated"),
            Rating.ratee_member_id,
            WorkSkill.skill_code,
            declared_level,
            func.count(),
            net_stars,
        )
        .join(WorkSkill, WorkSkill.work_id == Rating.work_id)
        .join(rater, rater.id == Rating.rater_member_id)
        .outerjoin(MemberSkill, RATEE_DECLARED)
        .where(among(Rating.ratee_member_id, "members"))
        .group_by(Rating.ratee_member_id, WorkSkill.skill_code, declared_level)
    )
    on_time = case((Delivery.on_time.is_(True), 1), (Delivery.on_time.is_(False), 0))
    delivered = (
        select(
            fact("delivered"),
            Delivery.member_id,
            no_skill,
            on_time,
            func.count(),
            cast(literal(0.0), Float),
        )
        .where(among(Delivery.member_id, "members"))
        .group_by(Delivery.member_id, on_time)
    )
    earned = (
        select(
            fact("earned"),
            Payout.member_id,
            no_skill,
            no_level,
            func.count(),
            cast(func.sum(Payout.amount_minor), Float),
        )
        .where(
            among(Payout.member_id, "members"),
            Payout.created_at >= bindparam("since", type_=UTCDateTime()),
        )
        .group_by(Payout.member_id)
    )
    declared = select(
        fact("declared"),
        MemberSkill.member_id,
        MemberSkill.skill_code,
        MemberSkill.level,
        MemberSkill.years,
        cast(case((MemberSkill.verified_at.is_not(None), 1.0), else_=0.0), Float),
    ).where(
        among(MemberSkill.member_id, "members"),
        among(MemberSkill.skill_code, "skills"),
    )
    return union_all(every, rated, delivered, earned, declared)


async def evidence_of(
    uow: UnitOfWork,
    preferred: Mapping[int, Iterable[str] | None],
    skills: list[str],
    since: datetime,
    answering: Mapping[int, Rhythm],
) -> dict[int, Evidence]:
    """Each parent's evidence for an item needing `skills`, from their preferred skills (by
    member id), what the store holds since `since`, and how they answer offers now."""
    found = {
        member_id: Evidence(
            prefers=bool(set(likes or ()) & set(skills)),
            rhythm=answering[member_id],
            levels=dict.fromkeys(skills, 1),
            years=dict.fromkeys(skills, 0),
        )
        for member_id, likes in preferred.items()
    }
    if not found:
        return found
    rows = await uow.read(
        evidence_query(), {"members": list(found), "skills": skills, "since": since}
    )
    rated: dict[int, int] = dict.fromkeys(found, 0)
    by_level: dict[int, dict[int, list[float]]] = {member_id: {} for member_id in found}
    for name, member_id, skill, level, count, amount in rows:
        evidence, amount = found[member_id], float(amount or 0.0)
        if name == "all":
            evidence.all_good, evidence.all_bad = pseudo_counts(int(count), amount)
        elif name == "rated":
            sums = by_level[member_id].setdefault(int(level), [0, 0.0])
            sums[0] += count
            sums[1] += amount
            if skill in evidence.levels:
                evidence.good[skill], evidence.bad[skill] = pseudo_counts(int(count), amount)
                rated[member_id] += count
        elif name == "delivered" and level == 1:
            evidence.on_time = int(count)
        elif name == "delivered" and level == 0:
            evidence.late = int(count)
        elif name == "earned":
            evidence.recent_earnings = int(amount)
        elif name == "declared":
            evidence.levels[skill], evidence.years[skill] = level or 1, int(count or 0)
            if amount:
                evidence.verified.add(skill)
    for member_id, evidence in found.items():
        evidence.by_level = {
            level: (ratings, (stars - ratings) / STEPS)
            for level, (ratings, stars) in by_level[member_id].items()
        }
        total = rated[member_id]
        evidence.ratings = max(1, total // len(skills)) if total else 0
    return found
