"""when a round of offers asks one more parent, if nobody asked has taken the item by then

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "work_items", sa.Column("spare_due_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index("ix_work_items_spare_due_at", "work_items", ["spare_due_at"])


def downgrade() -> None:
    op.drop_index("ix_work_items_spare_due_at", table_name="work_items")
    op.drop_column("work_items", "spare_due_at")
