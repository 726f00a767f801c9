"""a new notice rings the outbox's doorbell from a trigger: on PostgreSQL, every insert into
the outbox NOTIFYs the processes listening as its transaction commits, so a command's commit
no longer sends a NOTIFY statement of its own (core/models.py, RING_ON_NOTICE)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 02:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As core/models.py's RING_ON_NOTICE says today; a migration keeps what it did then.
RING_ON_NOTICE = (
    """CREATE OR REPLACE FUNCTION outbox_ring() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NOTIFY parentbrain_outbox; RETURN NULL; END $$""",
    "CREATE TRIGGER outbox_rings AFTER INSERT ON outbox "
    "FOR EACH STATEMENT EXECUTE FUNCTION outbox_ring()",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in RING_ON_NOTICE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS outbox_rings ON outbox")
        op.execute("DROP FUNCTION IF EXISTS outbox_ring()")
