"""The learning router: eligible parents, scored by what the store has learned about them.

Each decision samples up to POOL eligible parents (routing/eligibility.py), then reads what
the store has learned about them (routing/evidence.py) and how they answer offers at this
hour (routing/rhythm.py), one statement each.
After `widen_after` rounds without a taker the skill level asked is relaxed; after twice as
many, adjacent skills (core/skills.py) count too.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import cache, partial
from typing import Any

from sqlalchemy import select, union_all

from core.models import WorkItem
from core.ports import Candidate
from core.skills import adjacent
from core.uow import UnitOfWork
from routing.eligibility import Need, eligible_query, eligible_shape, fits_now
from routing.evidence import evidence_of
from routing.rhythm import rhythms
from routing.scoring import fair_among_the_best, score, why
from routing.waiting import open_items_for
from routing.worth import LearnedScales

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
        found = await evidence_of(
            uow,
            {row.id: row.preferred_skills for row in fitting},
            need.skills,
            now - timedelta(days=30),
            answering,
        )
        scale = await self.scales.of(uow, need.params["community_id"], now)
        top = max(e.recent_earnings for e in found.values())
        scored = fair_among_the_best(
            [
                score(m, e, need.skills, self.rng, top, scale.worth, scale.spread)
                for m, e in found.items()
            ]
        )
        scored.sort(key=lambda s: s.score, reverse=True)
        return [
            Candidate(
                s.member_id,
                partial(why, found[s.member_id], need.skills, s.terms, need.names),
                takes_it=found[s.member_id].rhythm.accepts(),
            )
            for s in scored[:limit]
        ]

    async def _sample(self, uow: UnitOfWork, need: Need, now: datetime) -> list[Any]:
        """Up to POOL eligible rows from a random point in the index, wrapping once.

        Sorting every eligible row at random costs a visit to every available parent per
        decision; starting at a random row and stopping once the pool is full does not.
        """
        bounded = uow.session.get_bind().dialect.name != "sqlite"
        params = {**need.params, "fraction": self.rng.random()}
        return list((await uow.read(sample_shape(len(need.skills), bounded), params)).all())


@cache
def sample_shape(skills: int, bounded: bool) -> Any:
    """The eligible rows from a random point of the index, then those before it, at most
    POOL in all: one statement, whose second part runs only if the first found too few.

    SQLite walks the index in order and stops at the LIMIT; PostgreSQL gets a bounded
    window (see eligible_shape), already in index order, so it needs no ORDER BY.
    """
    sides = []
    for window in ("after", "before"):
        query, key = eligible_shape(skills, window, bounded)
        sides.append(select((query if bounded else query.order_by(key)).limit(POOL).subquery()))
    return union_all(*sides).limit(POOL)
