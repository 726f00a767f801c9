"""The audit trail: moderators' actions and reports (audit_log), and every money movement
(the ledger's transactions), read together, newest first, for /audit and its CSV export."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from core.actors import Actor
from core.commands import Command
from core.language import N_, _, formatting
from core.models import AuditEntry, LedgerEntry, LedgerTransaction, Member, WorkItem
from core.money import Money
from core.uow import UnitOfWork


def audit_entry(
    command: Command, now: datetime, action: str | None = None, community_id: int | None = None
) -> AuditEntry:
    """The command as an audit row: who, what (its name unless `action` says), its fields;
    in `community_id`'s audit where the command's place isn't where it belongs."""
    actor = getattr(command, "actor", None)
    member_id = actor.member_id if actor is not None and actor.member_id > 0 else None
    return AuditEntry(
        at=now,
        actor_member_id=member_id,
        community_id=community_id
        or getattr(command, "community_id", None)
        or (actor.community_id if actor is not None else None),
        action=action or type(command).__name__,
        detail=command.model_dump_json(exclude={"actor", "platform_says_admin"}),
    )


# What each audited action reads as, for people; the CSV keeps the names.
ACTION_WORDS = {
    "VerifyBusiness": N_("verified a business"),
    "RejectBusiness": N_("rejected a business"),
    "AddSkill": N_("added a skill"),
    "ApprovePost": N_("approved a post"),
    "RejectPost": N_("rejected a post"),
    "BanMember": N_("suspended a member"),
    "UnbanMember": N_("lifted a suspension"),
    "ConfirmFunding": N_("confirmed a payment arrived"),
    "ConfirmPayout": N_("recorded a payout as paid"),
    "ResolveDispute": N_("decided a dispute"),
    "SetUpCommunity": N_("set up the community"),
    "SetCommunityChat": N_("named a chat"),
    "ChangeCommunitySetting": N_("looked at or changed the settings"),
    "Report": "reported",
    "PostProject": N_("posted a project"),
    "CancelProject": N_("cancelled a project"),
    "ReofferProject": N_("offered a project's remaining milestones again"),
    # The ledger's own movements
    "fund": N_("recorded money paid in for"),
    "settle": N_("split a payment between the parent and the fee for"),
    "split": N_("split a disputed payment for"),
    "payout": N_("recorded a payout for"),
    "refund": N_("recorded a refund for"),
}


def plain_detail(detail: str) -> str:
    """A command's fields as words: 'item #3, reference: BACS 1'."""
    try:
        fields = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(fields, dict):
        return detail
    parts = []
    for name, value in fields.items():
        if value in (None, "", False, [], {}):
            continue
        if name.endswith("_id") and isinstance(value, int):
            parts.append(f"{name[:-3].replace('work', 'item').replace('_', ' ')} #{value}")
        else:
            parts.append(f"{name.replace('_', ' ')}: {value}")
    return ", ".join(parts)


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    who: str  # "Kate (member 12)", "system" or "ledger"
    action: str  # the command's name, or the ledger's kind
    detail: str

    def text(self) -> str:
        said = _(ACTION_WORDS.get(self.action, self.action))
        return f"{formatting.dated(self.at, '%d %b %H:%M')} · {self.who} {said} · {plain_detail(self.detail)}"


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
    rows = (await s.scalars(actions)).all()
    ids = {row.actor_member_id for row in rows if row.actor_member_id}
    names = dict(
        (await s.execute(select(Member.id, Member.display_name).where(Member.id.in_(ids)))).all()
        if ids
        else []
    )
    lines = [
        AuditLine(
            row.at,
            _(
                "{names} (member {actor_member_id})",
                names=names.get(row.actor_member_id, "someone"),
                actor_member_id=row.actor_member_id,
            )
            if row.actor_member_id
            else "system",
            row.action,
            row.detail,
        )
        for row in rows
    ]
    for txn, moved, currency in (await s.execute(money)).all():
        where = _("item #{work_id} ", work_id=txn.work_id) if txn.work_id else ""
        lines.append(
            AuditLine(
                txn.created_at,
                _("the ledger"),
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
        return _("Nothing has been recorded yet.")
    return (
        _("The latest {count}, newest first:\n", count=len(lines))
        + "\n".join(line.text() for line in lines)
        + _("\nThe whole log as CSV: run `parentbrain audit --csv` on the server.")
    )
