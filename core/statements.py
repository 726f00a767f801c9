"""A business's statement as a spreadsheet: every movement of its items' escrow, from the
ledger (the web's download; the chats' /statement is core.views.statement)."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from core.actors import Actor
from core.errors import NotAllowed
from core.language import _
from core.models import Business, LedgerEntry, LedgerTransaction, WorkItem
from core.uow import UnitOfWork

HEADINGS = ["date", "item", "title", "movement", "amount", "currency"]


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @, or a tab or return first) is
    kept as text, with a leading apostrophe (OWASP's advice for CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _decimal(minor: int) -> str:
    units, cents = divmod(abs(minor), 100)
    return f"{'-' if minor < 0 else ''}{units}.{cents:02d}"


async def statement_csv(uow: UnitOfWork, actor: Actor) -> str:
    business = await uow.session.scalar(
        select(Business.id).where(Business.owner_member_id == actor.member_id)
    )
    if business is None:
        raise NotAllowed(_("Register your business first: type /business in the chat."))
    rows = (
        await uow.session.execute(
            select(
                LedgerTransaction.created_at,
                WorkItem.id,
                WorkItem.title,
                LedgerTransaction.kind,
                LedgerEntry.amount_minor,
                LedgerEntry.currency,
            )
            .join(WorkItem, WorkItem.id == LedgerTransaction.work_id)
            .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
            .where(WorkItem.business_id == business, LedgerEntry.account.like("escrow:%"))
            .order_by(LedgerTransaction.id)
        )
    ).all()
    out = io.StringIO()
    sheet = csv.writer(out)
    sheet.writerow(HEADINGS)
    for at, work_id, title, kind, amount, currency in rows:
        # A credit to escrow is the business's money coming in; a debit, money going out.
        row = [f"{at:%Y-%m-%d %H:%M}", work_id, spreadsheet_safe(title), kind]
        sheet.writerow([*row, _decimal(-amount), currency])
    return out.getvalue()
