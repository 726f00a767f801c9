"""a community's learning system: lms_sites, lms_courses, lms_accounts, lms_completions

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 22:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lms_sites",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=300), nullable=False),
        sa.Column("sealed_token", sa.Text(), nullable=True),
        sa.Column("site_name", sa.String(length=200), nullable=False),
        sa.Column("connected_by_member_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sync_error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"], ["communities.id"], name=op.f("fk_lms_sites_community_id_communities")
        ),
        sa.ForeignKeyConstraint(
            ["connected_by_member_id"],
            ["members.id"],
            name=op.f("fk_lms_sites_connected_by_member_id_members"),
        ),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_lms_sites")),
    )
    op.create_table(
        "lms_courses",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("skill_code", sa.String(length=40), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_lms_courses_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["skill_code"], ["skills.code"], name=op.f("fk_lms_courses_skill_code_skills")
        ),
        sa.PrimaryKeyConstraint("community_id", "course_id", name=op.f("pk_lms_courses")),
    )
    op.create_table(
        "lms_accounts",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("lms_user_id", sa.BigInteger(), nullable=True),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("pending_user_id", sa.BigInteger(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wrong_codes", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_lms_accounts_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_lms_accounts_member_id_members")
        ),
        sa.PrimaryKeyConstraint("community_id", "member_id", name=op.f("pk_lms_accounts")),
        sa.UniqueConstraint(
            "community_id", "lms_user_id", name=op.f("uq_lms_accounts_community_id")
        ),
    )
    with op.batch_alter_table("lms_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lms_accounts_member_id"), ["member_id"], unique=False)
    op.create_table(
        "lms_completions",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.BigInteger(), nullable=False),
        sa.Column("course_name", sa.String(length=300), nullable=False),
        sa.Column("skill_code", sa.String(length=40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_lms_completions_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_lms_completions_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["skill_code"], ["skills.code"], name=op.f("fk_lms_completions_skill_code_skills")
        ),
        sa.PrimaryKeyConstraint(
            "community_id", "member_id", "course_id", name=op.f("pk_lms_completions")
        ),
    )
    with op.batch_alter_table("lms_completions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lms_completions_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lms_completions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_completions_member_id"))
    op.drop_table("lms_completions")
    with op.batch_alter_table("lms_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lms_accounts_member_id"))
    op.drop_table("lms_accounts")
    op.drop_table("lms_courses")
    op.drop_table("lms_sites")
