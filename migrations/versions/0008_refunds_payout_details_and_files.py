"""refunds owed, payout details, delivered files, offline payment reminders, dialogs

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("gateway_ref", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["work_id"], ["work_items.id"], name=op.f("fk_refunds_work_id_work_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sa.UniqueConstraint("work_id", name=op.f("uq_refunds_work_id")),
    )
    op.create_table(
        "dialogs",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_dialogs_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_dialogs")),
    )
    op.create_table(
        "payout_details",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("account", sa.String(length=60), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_payout_details_member_id_members")
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_payout_details")),
    )
    op.create_table(
        "delivered_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("file_ref", sa.String(length=600), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("stored_key", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_delivered_files_delivery_id_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivered_files")),
    )
    op.create_index(
        op.f("ix_delivered_files_delivery_id"), "delivered_files", ["delivery_id"], unique=False
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("files", sa.JSON(), nullable=True))
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rating_offset", sa.Float(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("payment_asked_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("payment_chased_at", sa.DateTime(timezone=True), nullable=True)
        )
    # Refunds the offline gateway booked as done before refunds could be owed (a refund by
    # hand, or the business's part of a split on an item paid without a gateway charge) were
    # never confirmed: they are owed now, and their ledger legs move from cash to owed.
    by_hand = """
        SELECT t.id FROM ledger_transactions t JOIN work_items w ON w.id = t.work_id
        WHERE (t.kind = 'refund' AND t.memo = 'refund by hand')
           OR (t.kind = 'split' AND w.charge_ref IS NULL)
    """
    op.execute(
        f"""
        INSERT INTO refunds (work_id, amount_minor, currency, status, created_at)
        SELECT t.work_id, -e.amount_minor, e.currency, 'owed', t.created_at
        FROM ledger_transactions t
        JOIN ledger_entries e ON e.transaction_id = t.id AND e.account = 'cash'
        WHERE t.id IN ({by_hand}) AND e.amount_minor < 0
        """
    )
    op.execute(
        f"""
        UPDATE ledger_entries SET account = 'refund_owed:work:' || (
            SELECT CAST(t.work_id AS VARCHAR(20)) FROM ledger_transactions t
            WHERE t.id = ledger_entries.transaction_id
        )
        WHERE account = 'cash' AND amount_minor < 0 AND transaction_id IN ({by_hand})
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("rating_offset")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("files")
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_column("payment_chased_at")
        batch_op.drop_column("payment_asked_at")
    op.drop_index(op.f("ix_delivered_files_delivery_id"), table_name="delivered_files")
    op.drop_table("delivered_files")
    op.drop_table("payout_details")
    op.drop_table("dialogs")
    op.drop_table("refunds")
