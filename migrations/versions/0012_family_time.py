"""family time: family_settings, households, household_members, household_invites

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 23:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "family_settings",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("calendar_token", sa.String(length=60), nullable=True),
        sa.Column("week_note", sa.Boolean(), nullable=False),
        sa.Column("week_note_sent_for", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_family_settings_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_family_settings")),
        sa.UniqueConstraint("calendar_token", name=op.f("uq_family_settings_calendar_token")),
    )
    op.create_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("one_at_a_time", sa.Boolean(), nullable=False),
        sa.Column("tells_offers", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
    )
    op.create_table(
        "household_members",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("shares_earnings", sa.Boolean(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_members_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_household_members_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_household_members")),
    )
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_household_members_household_id"), ["household_id"], unique=False
        )
    op.create_table(
        "household_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_member_id", sa.Integer(), nullable=False),
        sa.Column("to_member_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_member_id"],
            ["members.id"],
            name=op.f("fk_household_invites_from_member_id_members"),
        ),
        sa.ForeignKeyConstraint(
            ["to_member_id"],
            ["members.id"],
            name=op.f("fk_household_invites_to_member_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_invites")),
    )
    with op.batch_alter_table("household_invites", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_household_invites_from_member_id"), ["from_member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_household_invites_to_member_id"), ["to_member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("household_invites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_invites_to_member_id"))
        batch_op.drop_index(batch_op.f("ix_household_invites_from_member_id"))
    op.drop_table("household_invites")
    with op.batch_alter_table("household_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_members_household_id"))
    op.drop_table("household_members")
    op.drop_table("households")
    op.drop_table("family_settings")
