"""What a declared level is worth in one community, and how much quality and ratings vary
there, learned from the ratings given there.

"Expert" means something different in every community, and every community's businesses
rate on their own scale. So the quality a level promises is not fixed: it starts at
DEFAULT_WORTH and moves toward the mean (net) rating of work done by parents who declared that
level for the skill, once there are a few. A parent's own ratings are then read against what
their level promised here, not against a scale from elsewhere (routing/belief.py), and
weighed by how much parents and ratings vary here (routing/spread.py).

One query of the community's latest ratings, remembered for a few minutes: these move slowly,
and the query must not run per decision in a community of a million ratings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from core.models import Member, MemberSkill, Rating, WorkItem, WorkSkill
from core.uow import UnitOfWork
from routing.belief import DEFAULT_WORTH
from routing.spread import Spread, learned_spread

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


@dataclass(frozen=True)
class Scale:
    """What routing has learned of one community's ratings."""

    worth: dict[int, float]  # declared level -> the quality it promises here
    spread: Spread


async def learned_scale(uow: UnitOfWork, community_id: int) -> Scale:
    """Each level's worth in this community and its spreads, from its latest ratings of
    parents' work."""
    rater = aliased(Member)
    rows = (
        await uow.session.execute(
            select(
                Rating.ratee_member_id,
                WorkSkill.skill_code,
                MemberSkill.level,
                (Rating.stars - func.coalesce(rater.rating_offset, 0.0) - 1) / 4.0,
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
        )
    ).all()
    seen: dict[int, tuple[int, float]] = {}
    for _, _, level, quality in rows:
        count, total = seen.get(int(level), (0, 0.0))
        seen[int(level)] = (count + 1, total + float(quality))
    worth = {level: shrunk(*seen.get(level, (0, 0.0)), level=level) for level in DEFAULT_WORTH}
    spread = learned_spread(
        (ratee, skill, float(quality) - worth.get(int(level), worth[1]))
        for ratee, skill, level, quality in rows
    )
    return Scale(worth, spread)


class LearnedScales:
    """learned_scale per community, remembered for REMEMBER of the clock."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[datetime, Scale]] = {}

    async def of(self, uow: UnitOfWork, community_id: int, now: datetime) -> Scale:
        known = self._known.get(community_id)
        if known is None or now - known[0] >= REMEMBER or now < known[0]:
            known = (now, await learned_scale(uow, community_id))
            self._known[community_id] = known
        return known[1]
