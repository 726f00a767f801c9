"""work records and credentials: work_records, issuer_keys, issued_credentials, and
businesses.named_in_records

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 22:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("businesses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("named_in_records", sa.Boolean(), server_default="0", nullable=False)
        )
    op.create_table(
        "work_records",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.String(length=60), nullable=False),
        sa.Column("share_token", sa.String(length=60), nullable=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shows_earnings", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_work_records_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_work_records")),
        sa.UniqueConstraint("share_token", name=op.f("uq_work_records_share_token")),
        sa.UniqueConstraint("subject_id", name=op.f("uq_work_records_subject_id")),
    )
    op.create_table(
        "issuer_keys",
        sa.Column("kid", sa.String(length=60), nullable=False),
        sa.Column("algorithm", sa.String(length=10), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_issuer_keys")),
    )
    op.create_table(
        "issued_credentials",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("achievement", sa.String(length=80), nullable=False),
        sa.Column("skill_code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("jwt", sa.Text(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_issued_credentials_community_id_communities"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_issued_credentials_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["skill_code"], ["skills.code"], name=op.f("fk_issued_credentials_skill_code_skills")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_credentials")),
        sa.UniqueConstraint(
            "community_id", "status_index", name=op.f("uq_issued_credentials_community_id")
        ),
        sa.UniqueConstraint(
            "member_id", "community_id", "achievement", name=op.f("uq_issued_credentials_member_id")
        ),
    )
    with op.batch_alter_table("issued_credentials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issued_credentials_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_credentials_member_id"))
    op.drop_table("issued_credentials")
    op.drop_table("issuer_keys")
    op.drop_table("work_records")
    with op.batch_alter_table("businesses", schema=None) as batch_op:
        batch_op.drop_column("named_in_records")
