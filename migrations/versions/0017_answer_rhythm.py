"""answer rhythm: how each parent answered offers by local hour of the week, so routing can
offer work first to good parents likely to answer soon; filled from the offers answered so far

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 07:00:00
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANSWERS = ("accepted", "declined", "expired")


def hour_of_week(moment: datetime, timezone: str | None) -> int:
    """As core/rhythm.py counts it then (a migration keeps its own copy of what it ran)."""
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = moment.astimezone(zone)
    return local.weekday() * 24 + local.hour


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def upgrade() -> None:
    rhythm = op.create_table(
        "answer_rhythm",
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), primary_key=True),
        sa.Column("hour_of_week", sa.Integer(), primary_key=True),
        sa.Column("accepted", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("declined", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("expired", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("answer_seconds", sa.Integer(), nullable=False, server_default="0"),
    )
    # The offers already answered, counted as new answers will be: by the hour each reached
    # its parent, in the parent's timezone.
    offers = sa.table(
        "offers",
        sa.column("member_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("made_at", sa.DateTime(timezone=True)),
        sa.column("responded_at", sa.DateTime(timezone=True)),
    )
    members = sa.table("members", sa.column("id", sa.Integer), sa.column("timezone", sa.String))
    found: dict[tuple[int, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys((*ANSWERS, "answer_seconds"), 0)
    )
    rows = op.get_bind().execute(
        sa.select(
            offers.c.member_id,
            offers.c.status,
            offers.c.made_at,
            offers.c.responded_at,
            members.c.timezone,
        )
        .join(members, members.c.id == offers.c.member_id)
        .where(offers.c.status.in_(ANSWERS))
    )
    for member_id, status, made_at, responded_at, timezone in rows:
        made_at = aware(made_at)
        counts = found[(member_id, hour_of_week(made_at, timezone))]
        counts[status] += 1
        if status != "expired" and responded_at is not None:
            waited = aware(responded_at) - made_at
            counts["answer_seconds"] += max(0, int(waited.total_seconds()))
    if found:
        op.bulk_insert(
            rhythm,
            [
                {"member_id": member_id, "hour_of_week": hour, **counts}
                for (member_id, hour), counts in found.items()
            ],
        )


def downgrade() -> None:
    op.drop_table("answer_rhythm")
