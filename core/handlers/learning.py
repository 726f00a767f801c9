"""What routing learns from a rating beyond the stars: how strictly the rater rates.

A business that gives 3 stars where others give the same parents 4 is strict; its 3 is worth
more than a lenient business's 3. Each rater's offset is the mean of (their stars minus the
same parent's mean from everyone else), shrunk toward nothing while they have rated little,
and kept on the member so routing reads it with the rating in one query.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from core.events import WorkRated
from core.models import Member, Rating
from core.uow import UnitOfWork

SHRINK = 2.0  # pseudo-ratings of "rates like everyone else" before a rater's own count


async def learn_rater_offset(event: WorkRated, uow: UnitOfWork) -> None:
    """Recompute the offset of every rater of this person: the new rating changes how each of
    them compares with the others."""
    raters = (
        await uow.session.scalars(
            select(Rating.rater_member_id)
            .where(Rating.ratee_member_id == event.ratee_member_id)
            .distinct()
        )
    ).all()
    for rater_id in raters:
        rater = await uow.session.get(Member, rater_id)
        if rater is not None:
            rater.rating_offset = await rater_offset(uow, rater_id)


async def rater_offset(uow: UnitOfWork, rater_id: int) -> float:
    others = aliased(Rating)
    others_mean = (
        select(func.avg(others.stars))
        .where(
            others.ratee_member_id == Rating.ratee_member_id,
            others.rater_member_id != Rating.rater_member_id,
        )
        .scalar_subquery()
    )
    differences = [
        float(stars) - float(mean)
        for stars, mean in (
            await uow.session.execute(
                select(Rating.stars, others_mean).where(Rating.rater_member_id == rater_id)
            )
        ).all()
        if mean is not None
    ]
    return sum(differences) / (len(differences) + SHRINK)
