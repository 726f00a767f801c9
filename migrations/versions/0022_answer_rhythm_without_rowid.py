"""answer_rhythm kept in its primary key's order on SQLite (WITHOUT ROWID): a parent's rows,
up to 168, sit together, so routing's read of fifty parents' rhythms walks fifty runs of
the key instead of looking up each row by its rowid; about a quarter faster. PostgreSQL has
no such option and is unchanged.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 08:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "answer_rhythm", recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
    ):
        pass  # the copy is the change


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
