"""projects: larger work paid milestone by milestone; work_items.project_id and milestone_no;
update_tickets: each person's updates in order across processes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 01:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("communities.id"), nullable=False),
        sa.Column("business_id", sa.Integer(), sa.ForeignKey("businesses.id"), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee_member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=True),
        sa.Column("lead_work_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "update_tickets",
        sa.Column("person", sa.String(length=40), primary_key=True),
        sa.Column("number", sa.BigInteger(), primary_key=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_projects_community_id", "projects", ["community_id"])
    op.create_index("ix_projects_business_id", "projects", ["business_id"])
    op.create_index("ix_projects_assignee_member_id", "projects", ["assignee_member_id"])
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("project_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("milestone_no", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_work_items_project_id_projects", "projects", ["project_id"], ["id"]
        )
        batch_op.create_index("ix_work_items_project_id", ["project_id"])


def downgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_index("ix_work_items_project_id")
        batch_op.drop_constraint("fk_work_items_project_id_projects", type_="foreignkey")
        batch_op.drop_column("milestone_no")
        batch_op.drop_column("project_id")
    op.drop_table("projects")
    op.drop_table("update_tickets")
