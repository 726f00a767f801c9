"""communities: many groups and servers in one deployment

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 02:30:00

A database from before communities becomes community #1: every member a member of it (their
ban moving with them), every business standing in it as it stood, every item posted to it.
Its chats are filled in from today's settings when the app starts
(core/communities.adopt_configured_community), so the deployment keeps working unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "communities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("telegram_moderator_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("telegram_help_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("discord_guild_id", sa.BigInteger(), nullable=True),
        sa.Column("discord_moderator_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("discord_help_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_by_member_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_member_id"],
            ["members.id"],
            name=op.f("fk_communities_created_by_member_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
        sa.UniqueConstraint("telegram_chat_id", name=op.f("uq_communities_telegram_chat_id")),
        sa.UniqueConstraint("discord_guild_id", name=op.f("uq_communities_discord_guild_id")),
    )
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_communities_telegram_moderator_chat_id"),
            ["telegram_moderator_chat_id"],
            unique=False,
        )
    op.create_table(
        "memberships",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("banned_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ban_reason", sa.String(length=300), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_memberships_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_memberships_member_id_members")
        ),
        sa.PrimaryKeyConstraint("community_id", "member_id", name=op.f("pk_memberships")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memberships_member_id"), ["member_id"], unique=False)
    op.create_table(
        "community_businesses",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("rejected_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.id"],
            name=op.f("fk_community_businesses_business_id_businesses"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_community_businesses_community_id_communities"),
        ),
        sa.PrimaryKeyConstraint(
            "community_id", "business_id", name=op.f("pk_community_businesses")
        ),
    )
    with op.batch_alter_table("community_businesses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_community_businesses_business_id"), ["business_id"], unique=False
        )

    existing = op.get_bind().scalar(sa.text("SELECT count(*) FROM members")) or 0
    if existing:
        op.execute(
            "INSERT INTO communities (id, title, settings, created_at) "
            "SELECT 1, 'Our community', '{}', min(created_at) FROM members"
        )
        if op.get_bind().dialect.name == "postgresql":  # the next community is #2
            op.execute("SELECT setval(pg_get_serial_sequence('communities', 'id'), 1)")
        op.execute(
            "INSERT INTO memberships (community_id, member_id, active, banned_until, ban_reason, "
            "joined_at) SELECT 1, id, true, banned_until, ban_reason, created_at FROM members"
        )
        op.execute(
            "INSERT INTO community_businesses (community_id, business_id, verified, "
            "rejected_reason, created_at) "
            "SELECT 1, id, verified, rejected_reason, created_at FROM businesses"
        )

    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("community_id", sa.Integer(), nullable=True))
    op.execute("UPDATE work_items SET community_id = 1")
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.alter_column("community_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_work_items_community_id_communities"),
            "communities",
            ["community_id"],
            ["id"],
        )
        batch_op.create_index(
            "ix_work_items_community_status",
            ["community_id", "status", "deadline"],
            unique=False,
        )

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("community_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_audit_log_community_id"), ["community_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_log_community_id_communities"),
            "communities",
            ["community_id"],
            ["id"],
        )
    if existing:
        op.execute("UPDATE audit_log SET community_id = 1")

    with op.batch_alter_table("businesses", schema=None) as batch_op:
        batch_op.drop_column("verified")
        batch_op.drop_column("rejected_reason")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("banned_until")
        batch_op.drop_column("ban_reason")

    # Routing's index now leads with the community: rebuilt, with a row per membership.
    with op.batch_alter_table("open_skills", schema=None) as batch_op:
        batch_op.drop_index("ix_open_skills_pick")
        batch_op.drop_index(batch_op.f("ix_open_skills_member_id"))
    op.drop_table("open_skills")
    op.create_table(
        "open_skills",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("availability_id", sa.Integer(), nullable=False),
        sa.Column("skill_code", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["availability_id"],
            ["availability.id"],
            name=op.f("fk_open_skills_availability_id_availability"),
        ),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_open_skills_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_open_skills_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["skill_code"], ["skills.code"], name=op.f("fk_open_skills_skill_code_skills")
        ),
        sa.PrimaryKeyConstraint(
            "community_id", "availability_id", "skill_code", name=op.f("pk_open_skills")
        ),
    )
    with op.batch_alter_table("open_skills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open_skills_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            "ix_open_skills_pick",
            ["community_id", "skill_code", "availability_id", "level", "member_id"],
            unique=False,
        )
    op.execute(
        "INSERT INTO open_skills (community_id, availability_id, skill_code, member_id, level) "
        "SELECT m.community_id, a.id, s.skill_code, a.member_id, s.level FROM availability a "
        "JOIN member_skills s ON s.member_id = a.member_id "
        "JOIN memberships m ON m.member_id = a.member_id AND m.active "
        "WHERE a.ended_at IS NULL"
    )


def downgrade() -> None:
    raise NotImplementedError(
        "Communities can't be folded back into one; restore the backup taken before upgrading."
    )
