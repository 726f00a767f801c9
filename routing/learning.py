"""The learning router: eligible parents, scored by what the store has learned about them.

Every rating and delivery is already a row, and answers to offers are counted by hour of the
week (core/rhythm.py), so each decision reads the evidence of the sampled eligible parents with
them, in the same query, and how they answer offers at this hour in one more.
After `widen_after` rounds without a taker the skill level asked is relaxed; after twice as
many, adjacent skills (core/skills.py) count too.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import cache, partial
from typing import Any

from sqlalchemy import String, func, select
from sqlalchemy.orm import aliased

from core.models import (
    Delivery,
    Member,
    MemberSkill,
    Payout,
    Rating,
    UTCDateTime,
    WorkItem,
    WorkSkill,
)
from core.ports import Candidate
from core.skills import adjacent
from core.uow import UnitOfWork
from routing.eligibility import FREE, Need, eligible_query, eligible_shape, fits_now, param
from routing.rhythm import Rhythm, rhythms
from routing.scoring import DEFAULT_WORTH, STEPS, Evidence, score, why
from routing.waiting import open_items_for
from routing.worth import RATEE_DECLARED, LearnedScales

LEVELS = tuple(DEFAULT_WORTH)  # 1 beginner, 2 intermediate, 3 expert
POOL = 50  # eligible parents scored per decision; a random sample when more are free


class LearningRouter:
    def __init__(self, rng: random.Random | None = None, widen_after: int = 3) -> None:
        self.rng = rng or random.Random()
        self.widen_after = widen_after
        self.scales = LearnedScales()

    async def waiting_for(
        self, uow: UnitOfWork, member_id: int, now: datetime, limit: int
    ) -> list[int]:
        return await open_items_for(uow, member_id, now, limit)

    async def candidates(
        self, uow: UnitOfWork, work: WorkItem, now: datetime, limit: int
    ) -> list[Candidate]:
        """The exact skills first; after `widen_after` rounds any level of them; after twice
        that, parents with an adjacent skill when nobody with the skills asked is left."""
        need = await eligible_query(uow, work, now, widen=work.rounds >= self.widen_after)
        chosen = await self._choose(uow, need, now, limit)
        if chosen or work.rounds < 2 * self.widen_after:
            return chosen
        for asked in need.skills:
            for near in adjacent(asked):
                swapped = await eligible_query(uow, work, now, widen=True, swap=(asked, near))
                chosen += await self._choose(uow, swapped, now, limit - len(chosen))
                if len(chosen) >= limit:
                    return chosen
        return chosen

    async def _choose(
        self, uow: UnitOfWork, need: Need, now: datetime, limit: int
    ) -> list[Candidate]:
        rows = await self._sample(uow, need, now)
        fitting = [row for row in rows if fits_now(row, need.skills, now)]
        if not fitting:
            return []
        answering = await rhythms(uow, {row.id: row.timezone for row in fitting}, now)
        found = {row.id: evidence_of(row, need.skills, answering[row.id]) for row in fitting}
        scale = await self.scales.of(uow, need.params["community_id"], now)
        top = max(e.recent_earnings for e in found.values())
        scored = [
            score(m, e, need.skills, self.rng, top, scale.worth, scale.spread)
            for m, e in found.items()
        ]
        scored.sort(key=lambda s: s.score, reverse=True)
        return [
            Candidate(
                s.member_id,
                partial(why, found[s.member_id], need.skills, s.terms, need.names),
            )
            for s in scored[:limit]
        ]

    async def _sample(self, uow: UnitOfWork, need: Need, now: datetime) -> list[Any]:
        """Up to POOL eligible rows from a random point in the index, wrapping once.

        Sorting every eligible row at random costs a visit to every available parent per
        decision; starting at a random row and stopping once the pool is full does not.
        """
        bounded = uow.session.get_bind().dialect.name != "sqlite"
        after, before = sample_shape(len(need.skills), bounded)
        params = {**need.params, "since": now - timedelta(days=30), "fraction": self.rng.random()}
        rows = list((await uow.session.execute(after, params)).all())
        if len(rows) < POOL:
            rows += (await uow.session.execute(before, params)).all()[: POOL - len(rows)]
        return rows


@cache
def sample_shape(skills: int, bounded: bool) -> tuple[Any, Any]:
    """The eligible rows with their evidence, from a random point of the index and before it.

    SQLite walks the index in order and stops at the LIMIT; PostgreSQL gets a bounded
    window (see eligible_shape), already in index order, so it needs no ORDER BY.
    """
    shapes = []
    for window in ("after", "before"):
        query, key = eligible_shape(skills, window, bounded)
        query = query.add_columns(*evidence_columns(skills))
        shapes.append((query if bounded else query.order_by(key)).limit(POOL))
    return shapes[0], shapes[1]


def evidence_columns(skills: int) -> list[Any]:
    """Everything routing learns from, as columns of the eligible rows.

    Select-list subqueries run only for the rows returned (the sample), each an index
    lookup by member, so the evidence costs the same at any community size.
    """
    member = Member.id

    def count(*where: Any) -> Any:
        return select(func.count()).where(*where).scalar_subquery()

    columns = [
        count(Delivery.member_id == member, Delivery.on_time.is_(True)),
        count(Delivery.member_id == member, Delivery.on_time.is_(False)),
        select(func.coalesce(func.sum(Payout.amount_minor), 0))
        .where(Payout.member_id == member, Payout.created_at >= param("since", UTCDateTime()))
        .scalar_subquery(),
    ]
    # A rating counts here as soon as it is given (people see it when the double-blind rules
    # say), net of how strictly its rater rates (core/handlers/learning.py).
    rater = aliased(Member)
    net_stars = func.coalesce(func.sum(Rating.stars - func.coalesce(rater.rating_offset, 0.0)), 0)
    every = (
        select(func.count())
        .select_from(Rating)
        .join(rater, rater.id == Rating.rater_member_id)
        .where(Rating.ratee_member_id == member)
    )
    columns += [
        every.scalar_subquery(),
        every.with_only_columns(net_stars).scalar_subquery(),
    ]
    # The same per skill of the rated work, by the level they declared in it: what their
    # ratings elsewhere are read against (routing/scoring.py, belief).
    declared_level = func.coalesce(MemberSkill.level, 1)
    by_level = (
        select(func.count())
        .select_from(Rating)
        .join(WorkSkill, WorkSkill.work_id == Rating.work_id)
        .join(rater, rater.id == Rating.rater_member_id)
        .outerjoin(MemberSkill, RATEE_DECLARED)
        .where(Rating.ratee_member_id == member)
    )
    for level in LEVELS:
        at_level = by_level.where(declared_level == level)
        columns += [
            at_level.scalar_subquery(),
            at_level.with_only_columns(net_stars).scalar_subquery(),
        ]
    for n in range(skills):
        code = param(f"skill_{n}", String)
        declared = select(MemberSkill).where(
            MemberSkill.member_id == member, MemberSkill.skill_code == code
        )
        rated = (
            select(func.count(), net_stars)
            .select_from(Rating)
            .join(WorkSkill, WorkSkill.work_id == Rating.work_id)
            .join(rater, rater.id == Rating.rater_member_id)
            .where(Rating.ratee_member_id == member, WorkSkill.skill_code == code)
        )
        columns += [
            declared.with_only_columns(MemberSkill.level).scalar_subquery(),
            declared.with_only_columns(MemberSkill.years).scalar_subquery(),
            declared.with_only_columns(MemberSkill.verified_at).scalar_subquery(),
            rated.with_only_columns(func.count()).scalar_subquery(),
            rated.with_only_columns(net_stars).scalar_subquery(),
        ]
    return [column.label(f"evidence_{n}") for n, column in enumerate(columns)]


def pseudo_counts(ratings: int, stars: float) -> tuple[float, float]:
    """The sum of rating_counts over `ratings` ratings whose (net) stars add to `stars`: it is
    linear in the stars, so the sum is enough; kept within what that many ratings can say."""
    good = min(max(stars - ratings, 0.0), float(STEPS * ratings))
    return good, STEPS * ratings - good


def evidence_of(row: Any, skills: list[str], rhythm: Rhythm) -> Evidence:
    """An eligible row with its evidence columns (in evidence_columns' order) and how they
    answer offers at this hour, for scoring."""
    on_time, late, earned, all_ratings, all_stars, *rest = row[len(FREE) :]
    by_level, per_skill = rest[: 2 * len(LEVELS)], rest[2 * len(LEVELS) :]
    evidence = Evidence(
        prefers=bool(set(row.preferred_skills or []) & set(skills)),
        rhythm=rhythm,
        on_time=on_time,
        late=late,
        recent_earnings=int(earned),
    )
    evidence.all_good, evidence.all_bad = pseudo_counts(int(all_ratings), float(all_stars))
    for n, level in enumerate(LEVELS):
        ratings, stars = by_level[2 * n : 2 * n + 2]
        if ratings:
            evidence.by_level[level] = (int(ratings), (float(stars) - ratings) / STEPS)
    rated = 0
    for n, code in enumerate(skills):
        level, years, verified_at, ratings, stars = per_skill[5 * n : 5 * n + 5]
        evidence.levels[code], evidence.years[code] = level or 1, years or 0
        if verified_at is not None:
            evidence.verified.add(code)
        if ratings:
            evidence.good[code], evidence.bad[code] = pseudo_counts(int(ratings), float(stars))
            rated += ratings
    evidence.ratings = max(1, rated // len(skills)) if rated else 0
    return evidence
