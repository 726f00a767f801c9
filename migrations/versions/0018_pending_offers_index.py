"""pending offers by member: capacity counts each candidate's offers awaiting an answer, and
the status index walked every pending offer in the community for each candidate

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 09:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index(
        "ix_offers_pending_member",
        "offers",
        ["member_id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_offers_pending_member", table_name="offers")
