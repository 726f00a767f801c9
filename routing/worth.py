"""What a declared level is worth in one community, learned from the ratings given there.

"Expert" means something different in every community, and every community's businesses
rate on their own scale. So the quality a level promises is not fixed: it starts at
DEFAULT_WORTH and moves toward the mean (net) rating of work done by parents who declared that
level for the skill, once there are a few. A parent's own ratings are then read against what
their level promised here, not against a scale from elsewhere (routing/scoring.py).

One small grouped query per community, remembered for a few minutes: the worth of a level
moves slowly, and the query must not run per decision in a community of a million ratings.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from core.models import Member, MemberSkill, Rating, WorkItem, WorkSkill
from core.uow import UnitOfWork
from routing.scoring import DEFAULT_WORTH

SHRINK = 5.0  # ratings' worth of the default before a level's own ratings
REMEMBER = timedelta(minutes=10)
RECENT = 5000  # the latest ratings read per community: the worth of a level moves slowly

# The rated parent's own declaration of the rated work's skill: the level they said they had.
RATEE_DECLARED = (MemberSkill.member_id == Rating.ratee_member_id) & (
    MemberSkill.skill_code == WorkSkill.skill_code
)


def shrunk(count: int, quality_sum: float, level: int) -> float:
    """The mean quality of `count` ratings, shrunk toward the level's default worth."""
    return (quality_sum + SHRINK * DEFAULT_WORTH[level]) / (count + SHRINK)


async def learned_worth(uow: UnitOfWork, community_id: int) -> dict[int, float]:
    """Each level's worth in this community, from its latest ratings of parents' work."""
    rater = aliased(Member)
    recent = (
        select(
            MemberSkill.level.label("level"),
            ((Rating.stars - func.coalesce(rater.rating_offset, 0.0) - 1) / 4.0).label("quality"),
        )
        .join(WorkItem, WorkItem.id == Rating.work_id)
        .join(WorkSkill, WorkSkill.work_id == Rating.work_id)
        .join(MemberSkill, RATEE_DECLARED)
        .join(rater, rater.id == Rating.rater_member_id)
        .where(
            WorkItem.community_id == community_id,
            WorkItem.assignee_member_id == Rating.ratee_member_id,  # the business's ratings
        )
        .order_by(Rating.id.desc())
        .limit(RECENT)
        .subquery()
    )
    rows = (
        await uow.session.execute(
            select(recent.c.level, func.count(), func.sum(recent.c.quality)).group_by(
                recent.c.level
            )
        )
    ).all()
    seen = {int(level): (int(count), float(total)) for level, count, total in rows}
    return {level: shrunk(*seen.get(level, (0, 0.0)), level=level) for level in DEFAULT_WORTH}


class WorthOfLevels:
    """learned_worth per community, remembered for REMEMBER of the clock."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[datetime, dict[int, float]]] = {}

    async def of(self, uow: UnitOfWork, community_id: int, now: datetime) -> dict[int, float]:
        known = self._known.get(community_id)
        if known is None or now - known[0] >= REMEMBER or now < known[0]:
            known = (now, await learned_worth(uow, community_id))
            self._known[community_id] = known
        return known[1]
