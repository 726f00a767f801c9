"""rosters: communities.roster_fingerprint and roster_version, work_items.routed_version

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 23:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("roster_fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("roster_version", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("routed_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_column("routed_version")
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_column("roster_version")
        batch_op.drop_column("roster_fingerprint")
