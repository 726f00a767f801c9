"""Each parent's rhythm of answering offers, by hour of the week in their own timezone.

A parent on the school run at 15:00 lets offers time out; the same parent answers within a
minute at 20:30. Every answered or timed-out offer adds to one row per (parent, local hour of
the week): accepted, declined, timed out, and the seconds taken to answer. Routing reads it
(routing/rhythm.py) to offer work first to good parents likely to answer soon. An offer
withdrawn by the platform says nothing about the parent and is not counted.

The row is updated by one atomic upsert in the same transaction as the answer, so two
answers at once from the same parent both count, and a crash counts neither or both with
the answer itself.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite

from core.errors import DomainError
from core.models import AnswerRhythm, Offer
from core.parsing import parse_timezone
from core.uow import UnitOfWork

HOURS_OF_WEEK = 7 * 24


class Answer(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


def zone(name: str | None) -> ZoneInfo:
    """The parent's timezone as the rest of core reads it; UTC if what is stored no longer
    names one, so one odd profile can't stop an answer being counted or an item routed."""
    try:
        return parse_timezone(name or "UTC")
    except DomainError:
        return ZoneInfo("UTC")


def hour_of_week(moment: datetime, timezone: str | None) -> int:
    """The hour of the week at `moment` where the parent lives: Monday 00:00-00:59 is 0."""
    local = moment.astimezone(zone(timezone))
    return local.weekday() * 24 + local.hour


async def remember_answer(uow: UnitOfWork, offer: Offer, timezone: str, answer: Answer) -> None:
    """Count how this offer was answered at the hour it reached the parent."""
    seconds = 0
    if answer != Answer.EXPIRED and offer.responded_at is not None:
        seconds = max(0, int((offer.responded_at - offer.made_at).total_seconds()))
    counts = {
        "accepted": int(answer == Answer.ACCEPTED),
        "declined": int(answer == Answer.DECLINED),
        "expired": int(answer == Answer.EXPIRED),
        "answer_seconds": seconds,
    }
    key = {"member_id": offer.member_id, "hour_of_week": hour_of_week(offer.made_at, timezone)}
    dialect = uow.session.get_bind().dialect.name
    insert: Any = (postgresql if dialect == "postgresql" else sqlite).insert(AnswerRhythm)
    table = AnswerRhythm.__table__.c
    statement = insert.values(**key, **counts).on_conflict_do_update(
        index_elements=[table.member_id, table.hour_of_week],
        set_={name: table[name] + value for name, value in counts.items()},
    )
    await uow.session.execute(statement)
