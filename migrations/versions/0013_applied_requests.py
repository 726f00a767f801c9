"""requests applied, by the platform's id for them: applied_requests

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "applied_requests",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_applied_requests")),
    )
    with op.batch_alter_table("applied_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applied_requests_applied_at"), ["applied_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("applied_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applied_requests_applied_at"))
    op.drop_table("applied_requests")
