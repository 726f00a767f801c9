"""How likely a parent is to answer an offer soon, at this hour of their week.

core/rhythm.py counts every answer by the local hour of the week it came at. A decision reads,
for the parents it scores, their whole record and the record near this hour: this hour and
the ones either side, today and on the other days like today (weekdays, or the weekend), the
nearer counting more. Near-hour evidence is shrunk toward their whole record, and that toward
the usual record, so one time-out at 15:00 doesn't bury anybody.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Float, Integer, bindparam, case, cast, func, select

from core.language import N_, _
from core.models import AnswerRhythm
from core.rhythm import hour_of_week, zone
from core.sql_lists import among
from core.uow import UnitOfWork

# Everyone starts where most parents are: accepting most of what they're offered, as if seen
# four times (so a newcomer isn't ranked below someone merely for having had offers), and
# answering in about three minutes, as if seen twice.
ACCEPTS = (2.8, 1.2)  # (accepted, refused) pseudo-counts
USUAL_MINUTES, USUAL_SEEN = 3.0, 2.0
NEAR = 3.0  # answers' worth of their whole record before the record near this hour
# An offer's time-out sets the scale of "soon": answering in 3 minutes is worth 10/13 of
# answering at once.
SOON_MINUTES = 10.0
WEEKEND = (5, 6)


@dataclass(frozen=True)
class Answers:
    """Answers to offers: counts (weighted, near an hour) and seconds taken over those
    answered."""

    accepted: float = 0.0
    declined: float = 0.0
    expired: float = 0.0
    seconds: float = 0.0

    @property
    def offers(self) -> float:
        return self.accepted + self.declined + self.expired

    @property
    def answered(self) -> float:
        return self.accepted + self.declined


@dataclass(frozen=True)
class Rhythm:
    """A parent's whole record, the record near the hour of the decision, and that hour."""

    overall: Answers = Answers()
    near: Answers = Answers()
    hour: int = 0  # of their week, local

    def accepts(self) -> float:
        """Chance they accept an offer made now."""
        whole = (ACCEPTS[0] + self.overall.accepted) / (sum(ACCEPTS) + self.overall.offers)
        return (NEAR * whole + self.near.accepted) / (NEAR + self.near.offers)

    def minutes(self) -> float:
        """Minutes they are likely to take to answer an offer made now."""
        seen = self.overall.answered
        whole = (USUAL_MINUTES * USUAL_SEEN + self.overall.seconds / 60) / (USUAL_SEEN + seen)
        return (NEAR * whole + self.near.seconds / 60) / (NEAR + self.near.answered)

    def soon(self) -> float:
        """Chance they take it, discounted by how long they'd take to say so (0..1)."""
        return self.accepts() * SOON_MINUTES / (SOON_MINUTES + self.minutes())

    def why(self) -> str | None:
        """ "you usually answer quickly on weekday evenings", when their record near this hour
        says so."""
        if self.near.answered < 2 or self.accepts() < 0.6 or self.minutes() > 3.0:
            return None
        day, hour = divmod(self.hour, 24)
        return _(QUICKLY[(day in WEEKEND, part_of_day(hour))])


def part_of_day(hour: int) -> str:
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


QUICKLY = {
    (False, "morning"): N_("you usually answer quickly on weekday mornings"),
    (False, "afternoon"): N_("you usually answer quickly on weekday afternoons"),
    (False, "evening"): N_("you usually answer quickly on weekday evenings"),
    (False, "night"): N_("you usually answer quickly on weekday nights"),
    (True, "morning"): N_("you usually answer quickly on weekend mornings"),
    (True, "afternoon"): N_("you usually answer quickly on weekend afternoons"),
    (True, "evening"): N_("you usually answer quickly on weekend evenings"),
    (True, "night"): N_("you usually answer quickly on weekend nights"),
}


def near(hour: int) -> dict[int, float]:
    """The hours of the week that speak for `hour`, and how much: this hour 1, the hours
    either side of it that day 1/2; the same hours on the other days like this one (weekdays,
    or the weekend) half as much. What `weights` computes in SQL, in Python."""
    day, at = divmod(hour, 24)
    found: dict[int, float] = {}
    for other in range(7):
        if (other in WEEKEND) != (day in WEEKEND):
            continue
        for step, weight in ((-1, 0.5), (0, 1.0), (1, 0.5)):
            found[other * 24 + (at + step) % 24] = weight * (1.0 if other == day else 0.5)
    return found


def weights() -> Any:
    """How much each row of answer_rhythm speaks for the hour in bind parameters `day`,
    `hour`, `before`, `after` (the hours either side) and `weekend` (1 or 0), as near()."""
    day = AnswerRhythm.hour_of_week // 24
    hour = AnswerRhythm.hour_of_week % 24
    alike = case((day >= WEEKEND[0], 1), else_=0) == bindparam("weekend", type_=Integer)
    on_day = case((day == bindparam("day", type_=Integer), 1.0), (alike, 0.5), else_=0.0)
    at_hour = case(
        (hour == bindparam("hour", type_=Integer), 1.0),
        (hour.in_([bindparam("before", type_=Integer), bindparam("after", type_=Integer)]), 0.5),
        else_=0.0,
    )
    return on_day * at_hour


@cache
def rhythm_query() -> Any:
    """Whole and near-the-hour sums for the members in bind parameter `members`.

    Each parent's rows are summed first by how much they speak for the hour, so that weight
    (a few CASEs) is worked out once per row rather than once per column summed: it took a
    third of the statement's time on PostgreSQL. The sums are of whole numbers and of them
    times a quarter, a half or one, so they come out exactly as summed row by row.
    """
    weight = weights().label("weight")
    columns = (
        AnswerRhythm.accepted,
        AnswerRhythm.declined,
        AnswerRhythm.expired,
        AnswerRhythm.answer_seconds,
    )
    by_weight = (
        select(
            AnswerRhythm.member_id,
            weight,
            *(func.sum(column).label(column.key) for column in columns),
        )
        .where(among(AnswerRhythm.member_id, "members"))
        .group_by(AnswerRhythm.member_id, weight)
        .subquery()
    )
    sums = [by_weight.c[column.key] for column in columns]
    return select(
        by_weight.c.member_id,
        # PostgreSQL sums bigints as NUMERIC: read as floats, not a Decimal per value.
        *(cast(func.sum(column), Float) for column in sums),
        *(func.sum(column * by_weight.c.weight) for column in sums),
    ).group_by(by_weight.c.member_id)


async def rhythms(
    uow: UnitOfWork, timezones: Mapping[int, str | None], now: datetime
) -> dict[int, Rhythm]:
    """Each parent's rhythm at `now`: one grouped query per timezone among them (usually
    one), reading only their rows of answer_rhythm (at most 168 each)."""
    by_zone: dict[str, list[int]] = defaultdict(list)
    for member_id, name in timezones.items():
        by_zone[zone(name).key].append(member_id)
    found: dict[int, Rhythm] = {}
    for name, members in by_zone.items():
        hour = hour_of_week(now, name)
        day, at = divmod(hour, 24)
        rows = await uow.read(
            rhythm_query(),
            {
                "members": members,
                "day": day,
                "hour": at,
                "before": (at - 1) % 24,
                "after": (at + 1) % 24,
                "weekend": int(day in WEEKEND),
            },
        )
        for member_id, *sums in rows:
            counts = [float(value or 0) for value in sums]
            found[member_id] = Rhythm(Answers(*counts[:4]), Answers(*counts[4:]), hour)
        for member_id in members:
            found.setdefault(member_id, Rhythm(hour=hour))
    return found
