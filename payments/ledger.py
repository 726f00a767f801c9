"""A double-entry ledger. Debits are positive, credits negative; every transaction sums to zero.

Accounts:
  cash                     money the platform holds at its bank or processor (asset)
  escrow:work:<id>         a business's payment held for one work item (liability)
  payable:member:<id>      what the platform owes a parent (liability)
  refund_owed:work:<id>    money owed back to a business, until a moderator sends it (liability)
  revenue:platform         the platform's fees
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.models import LedgerEntry, LedgerTransaction, Refund, WorkItem
from core.states import WorkStatus

CASH = "cash"
REVENUE = "revenue:platform"


def escrow(work_id: int) -> str:
    return f"escrow:work:{work_id}"


def payable(member_id: int) -> str:
    return f"payable:member:{member_id}"


def refund_owed(work_id: int) -> str:
    return f"refund_owed:work:{work_id}"


class LedgerError(Exception):
    """A posting that would break the ledger; a bug, never a user's mistake."""


async def post(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    currency: str,
    legs: Sequence[tuple[str, int]],
    now: datetime,
    work_id: int | None = None,
    memo: str = "",
) -> bool:
    """Record one balanced transaction once per key; returns False if the key was already used."""
    if sum(amount for _, amount in legs) != 0:
        raise LedgerError(f"unbalanced transaction {key}: {legs}")
    if any(amount == 0 for _, amount in legs):
        legs = [(account, amount) for account, amount in legs if amount != 0]
    existing = await session.scalar(
        select(LedgerTransaction.id).where(LedgerTransaction.key == key)
    )
    if existing is not None:
        return False
    txn = LedgerTransaction(key=key, kind=kind, work_id=work_id, memo=memo, created_at=now)
    session.add(txn)
    await session.flush()
    session.add_all(
        LedgerEntry(transaction_id=txn.id, account=account, amount_minor=amount, currency=currency)
        for account, amount in legs
    )
    await session.flush()
    return True


async def balance(session: AsyncSession, account: str, currency: str) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(
            LedgerEntry.account == account, LedgerEntry.currency == currency
        )
    )
    return int(total or 0)


async def balances_like(session: AsyncSession, prefix: str) -> dict[tuple[str, str], int]:
    rows = await session.execute(
        select(LedgerEntry.account, LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
        .where(LedgerEntry.account.like(f"{prefix}%"))
        .group_by(LedgerEntry.account, LedgerEntry.currency)
    )
    return {(account, currency): int(total) for account, currency, total in rows.all()}


async def check(session: AsyncSession) -> list[str]:
    """Every breach of the ledger's invariants, as sentences; an empty list means all is well."""
    breaches: list[str] = []
    unbalanced = await session.execute(
        select(LedgerEntry.transaction_id, LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
        .group_by(LedgerEntry.transaction_id, LedgerEntry.currency)
        .having(func.sum(LedgerEntry.amount_minor) != 0)
    )
    for txn_id, currency, total in unbalanced.all():
        breaches.append(f"transaction {txn_id} does not sum to zero in {currency} ({total})")
    for (account, currency), total in (await balances_like(session, "escrow:")).items():
        if total > 0:
            breaches.append(f"{account} is overdrawn by {total} {currency}")
    for (account, currency), total in (await balances_like(session, "payable:")).items():
        if total > 0:
            breaches.append(f"{account} was paid {total} {currency} more than it earned")
    owed_back = await balances_like(session, "refund_owed:")
    for (account, currency), total in owed_back.items():
        if total > 0:
            breaches.append(f"{account} was sent {total} {currency} more than was owed")
    for refund in (await session.scalars(select(Refund))).all():
        held = -owed_back.get((refund_owed(refund.work_id), refund.currency), 0)
        expected = refund.amount_minor if refund.status == "owed" else 0
        if held != expected:
            breaches.append(
                f"refund {refund.id} for work item {refund.work_id} is {refund.status} but "
                f"{held} {refund.currency} is booked as owed back"
            )
    settled = (WorkStatus.PAID, WorkStatus.REFUNDED)
    items = (await session.execute(select(WorkItem.id, WorkItem.currency, WorkItem.status))).all()
    escrows = await balances_like(session, "escrow:")
    for work_id, currency, status in items:
        held = escrows.get((escrow(work_id), currency), 0)
        if status in settled and held != 0:
            breaches.append(
                f"work item {work_id} is {status} but {-held} {currency} is still in escrow"
            )
    return breaches
