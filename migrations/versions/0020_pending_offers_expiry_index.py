"""pending offers by expiry: the time-out sweep's index can serve only queries comparing
expires_at, so PostgreSQL's generic plan for the capacity count can no longer choose it and
walk every pending offer in the community for each candidate

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 15:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Naming expires_at keeps the capacity count (which doesn't compare it) off this index.
PENDING_TO_EXPIRE = sa.text("status = 'pending' AND expires_at IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_offers_pending_expires",
        "offers",
        ["expires_at"],
        postgresql_where=PENDING_TO_EXPIRE,
        sqlite_where=PENDING_TO_EXPIRE,
    )
    op.drop_index("ix_offers_status_expires", table_name="offers")


def downgrade() -> None:
    op.create_index("ix_offers_status_expires", "offers", ["status", "expires_at"])
    op.drop_index("ix_offers_pending_expires", table_name="offers")
