"""The first router, kept as the greedy baseline: eligible parents, best rated first."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from sqlalchemy import func, select

from core.language import _, ngettext
from core.models import Member, MemberSkill, Rating, WorkItem
from core.ports import Candidate
from core.skills import LEVEL_NAMES
from core.uow import UnitOfWork
from routing.eligibility import eligible_query, fits_now
from routing.waiting import open_items_for

NEUTRAL_RATING = 3.5  # where a parent with no ratings yet sits between good and poor


class SimpleRouter:
    def __init__(self, widen_after: int = 3) -> None:
        self.widen_after = widen_after

    async def waiting_for(
        self, uow: UnitOfWork, member_id: int, now: datetime, limit: int
    ) -> list[int]:
        return await open_items_for(uow, member_id, now, limit)

    async def candidates(
        self, uow: UnitOfWork, work: WorkItem, now: datetime, limit: int
    ) -> list[Candidate]:
        need = await eligible_query(uow, work, now, widen=work.rounds >= self.widen_after)
        needed_codes = set(need.skills)
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
            need.query.add_columns(rated.c.stars, rated.c.ratings)
            .outerjoin(rated, rated.c.member_id == Member.id)
            .order_by(score.desc(), Member.id)
            .limit(limit * 4 + 20)
        )
        rows = (await uow.session.execute(query, need.params)).all()
        ids = [row.id for row in rows]
        levels = (
            {
                (row.member_id, row.skill_code): row.level
                for row in (
                    await uow.session.scalars(
                        select(MemberSkill).where(
                            MemberSkill.skill_code.in_(needed_codes), MemberSkill.member_id.in_(ids)
                        )
                    )
                ).all()
            }
            if needed_codes
            else {}
        )
        chosen: list[Candidate] = []
        seen: set[int] = set()
        for row in rows:
            if row.id in seen or not fits_now(row, need.skills, now):
                continue
            seen.add(row.id)
            chosen.append(
                Candidate(
                    row.id,
                    partial(_why, row.id, needed_codes, levels, row.stars, row.ratings),
                )
            )
            if len(chosen) == limit:
                break
        return chosen


def _why(
    member_id: int,
    codes: set[str],
    levels: dict[tuple[int, str], int],
    stars: float | None,
    ratings: int | None,
) -> str:
    skills = ", ".join(
        _(
            "{level} in {skill}",
            level=_(LEVEL_NAMES[levels[(member_id, c)]]),
            skill=c.replace("_", " "),
        )
        for c in sorted(codes)
        if (member_id, c) in levels
    )
    record = (
        ngettext(
            "rated {stars:.1f} from {n} job",
            "rated {stars:.1f} from {n} jobs",
            ratings or 0,
            stars=float(stars),
        )
        if stars is not None
        else _("new here, so this is a chance to earn your first rating")
    )
    return f"{skills}; {record}" if skills else record
