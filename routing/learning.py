"""The learning router: eligible parents, scored by what the store has learned about them.

Learning needs no tables of its own: every rating, decline, time-out and delivery is already a
row, so each decision reads the evidence for the eligible parents only (one query per kind).
After `widen_after` rounds without a taker the skill level asked is relaxed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select

from core.handlers.common import catalogue
from core.models import (
    Availability,
    Delivery,
    Member,
    MemberSkill,
    Offer,
    Payout,
    Rating,
    WorkItem,
    WorkSkill,
)
from core.ports import Candidate
from core.states import OfferStatus
from core.uow import UnitOfWork
from routing.eligibility import eligible_query, fits_now
from routing.scoring import Evidence, rating_counts, score

POOL = 100  # eligible parents scored per decision; a random sample when more are free


class LearningRouter:
    def __init__(self, rng: random.Random | None = None, widen_after: int = 3) -> None:
        self.rng = rng or random.Random()
        self.widen_after = widen_after

    async def candidates(
        self, uow: UnitOfWork, work: WorkItem, now: datetime, limit: int
    ) -> list[Candidate]:
        need = await eligible_query(uow, work, now, widen=work.rounds >= self.widen_after)
        rows = await self._sample(uow, need.query)
        members = {}
        for member, limited_to in rows:
            if member.id not in members and fits_now(member, limited_to, need.skills, now):
                members[member.id] = member
        if not members:
            return []
        evidence = await gather(uow, list(members.values()), need.skills, now)
        names = {code: s.name for code, s in (await catalogue(uow)).skills.items()}
        top = max((e.recent_earnings for e in evidence.values()), default=0)
        scored = [score(m, evidence[m], need.skills, self.rng, top, names) for m in members]
        scored.sort(key=lambda s: s.score, reverse=True)
        return [Candidate(s.member_id, s.why) for s in scored[:limit]]

    async def _sample(self, uow: UnitOfWork, query: Any) -> list[Any]:
        """Up to POOL eligible rows from a random point in availability order, wrapping once.

        Sorting every eligible row at random costs a visit to every available parent per
        decision; starting at a random row and stopping once the pool is full does not.
        """
        top = await uow.session.scalar(select(func.max(Availability.id)))
        start = self.rng.randint(1, top or 1)
        ordered = query.order_by(Availability.id)
        rows = list(
            (await uow.session.execute(ordered.where(Availability.id >= start).limit(POOL))).all()
        )
        if len(rows) < POOL:
            rest = ordered.where(Availability.id < start).limit(POOL - len(rows))
            rows += (await uow.session.execute(rest)).all()
        return rows


async def gather(
    uow: UnitOfWork, members: list[Member], skills: list[str], now: datetime
) -> dict[int, Evidence]:
    """Everything the routing learns from, for these parents and this item's skills."""
    ids = [m.id for m in members]
    found = {m.id: Evidence(prefers=bool(set(m.preferred_skills) & set(skills))) for m in members}
    s = uow.session
    for row in (
        await s.scalars(
            select(MemberSkill).where(
                MemberSkill.member_id.in_(ids), MemberSkill.skill_code.in_(skills)
            )
        )
    ).all():
        found[row.member_id].levels[row.skill_code] = row.level
        found[row.member_id].years[row.skill_code] = row.years
    ratings = await s.execute(
        select(Rating.ratee_member_id, WorkSkill.skill_code, Rating.stars)
        .join(WorkSkill, WorkSkill.work_id == Rating.work_id)
        .where(
            Rating.ratee_member_id.in_(ids),
            Rating.visible.is_(True),
            WorkSkill.skill_code.in_(skills),
        )
    )
    rated_items: dict[int, int] = {}
    for member_id, skill, stars in ratings.all():
        good, bad = rating_counts(stars)
        ev = found[member_id]
        ev.good[skill] = ev.good.get(skill, 0.0) + good
        ev.bad[skill] = ev.bad.get(skill, 0.0) + bad
        rated_items[member_id] = rated_items.get(member_id, 0) + 1
    for member_id, n in rated_items.items():
        found[member_id].ratings = max(1, n // max(len(skills), 1))
    answered = await s.execute(
        select(Offer.member_id, Offer.status, func.count())
        .where(Offer.member_id.in_(ids), Offer.status != OfferStatus.PENDING)
        .group_by(Offer.member_id, Offer.status)
    )
    for member_id, status, n in answered.all():
        if status == OfferStatus.ACCEPTED:
            found[member_id].accepted += n
        elif status in (OfferStatus.DECLINED, OfferStatus.EXPIRED):
            found[member_id].refused += n
    delivered = await s.execute(
        select(
            Delivery.member_id,
            func.sum(case((Delivery.on_time.is_(True), 1), else_=0)),
            func.sum(case((Delivery.on_time.is_(False), 1), else_=0)),
        )
        .where(Delivery.member_id.in_(ids))
        .group_by(Delivery.member_id)
    )
    for member_id, on_time, late in delivered.all():
        found[member_id].on_time, found[member_id].late = int(on_time or 0), int(late or 0)
    earned = await s.execute(
        select(Payout.member_id, func.sum(Payout.amount_minor))
        .where(Payout.member_id.in_(ids), Payout.created_at >= now - timedelta(days=30))
        .group_by(Payout.member_id)
    )
    for member_id, total in earned.all():
        found[member_id].recent_earnings = int(total or 0)
    return found
