"""The audit trail: moderators' actions and reports (audit_log), and every money movement
(the ledger's transactions), read together, newest first, for /audit and its CSV export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from core.actors import Actor
from core.commands import Command
from core.models import AuditEntry, LedgerEntry, LedgerTransaction, WorkItem
from core.money import Money
from core.uow import UnitOfWork


def audit_entry(command: Command, now: datetime, action: str | None = None) -> AuditEntry:
    """The command as an audit row: who, what (its name unless `action` says), its fields."""
    actor = getattr(command, "actor", None)
    member_id = actor.member_id if actor is not None and actor.member_id > 0 else None
    return AuditEntry(
        at=now,
        actor_member_id=member_id,
        community_id=getattr(command, "community_id", None)
        or (actor.community_id if actor is not None else None),
        action=action or type(command).__name__,
        detail=command.model_dump_json(exclude={"actor", "platform_says_admin"}),
    )


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    who: str  # "member 12", "system" or "ledger"
    action: str
    detail: str

    def text(self) -> str:
        return f"{self.at:%d %b %H:%M} · {self.who} · {self.action} · {self.detail}"


async def audit_lines(
    uow: UnitOfWork, limit: int | None = None, community_id: int | None = None
) -> list[AuditLine]:
    """Moderator actions, reports and money movements, newest first: one community's, or
    (None) the whole deployment's."""
    s = uow.session
    actions = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    money = (
        select(
            LedgerTransaction,
            func.sum(func.abs(LedgerEntry.amount_minor)) / 2,
            func.min(LedgerEntry.currency),
        )
        .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
        .group_by(LedgerTransaction.id)
        .order_by(LedgerTransaction.created_at.desc(), LedgerTransaction.id.desc())
    )
    if community_id is not None:
        actions = actions.where(AuditEntry.community_id == community_id)
        money = money.join(WorkItem, WorkItem.id == LedgerTransaction.work_id).where(
            WorkItem.community_id == community_id
        )
    if limit is not None:
        actions, money = actions.limit(limit), money.limit(limit)
    lines = [
        AuditLine(
            row.at,
            f"member {row.actor_member_id}" if row.actor_member_id else "system",
            row.action,
            row.detail,
        )
        for row in (await s.scalars(actions)).all()
    ]
    for txn, moved, currency in (await s.execute(money)).all():
        where = f"item #{txn.work_id} " if txn.work_id else ""
        lines.append(
            AuditLine(
                txn.created_at,
                "ledger",
                txn.kind,
                f"{where}{Money(int(moved), currency)} {txn.memo}".strip(),
            )
        )
    lines.sort(key=lambda line: line.at, reverse=True)
    return lines[:limit] if limit is not None else lines


def as_csv(lines: list[AuditLine]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at_utc", "who", "action", "detail"])
    for line in lines:
        writer.writerow([line.at.isoformat(), line.who, line.action, line.detail])
    return out.getvalue()


async def audit_view(uow: UnitOfWork, actor: Actor, limit: int = 20) -> str:
    """/audit: the latest moderator actions, reports and money movements."""
    lines = await audit_lines(uow, limit, actor.moderated_community())
    if not lines:
        return "Nothing has been recorded yet."
    return (
        f"The latest {len(lines)}, newest first:\n"
        + "\n".join(line.text() for line in lines)
        + "\nThe whole log as CSV: run `parentbrain audit --csv` on the server."
    )
