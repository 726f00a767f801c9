"""/mydata exports what is stored about a person; /forgetme erases it, keeping the ledger whole.

The ledger names parents only by number (payable:member:<id>), so its amounts stay exactly as
they were; everything that says who the person is goes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, func, or_, select, update

from core.commands import ExportMyData, ForgetMe
from core.credentials.issuing import revoke_all
from core.errors import DomainError
from core.family.households import leave_quietly
from core.files import FileStore
from core.handlers.common import ACTIVE_JOB, member_of
from core.language import _
from core.models import (
    Account,
    AuditEntry,
    Availability,
    Base,
    Block,
    Business,
    CourseCompletion,
    DeliveredFile,
    Delivery,
    FamilySettings,
    HouseholdInvite,
    LearningAccount,
    LedgerEntry,
    LinkCode,
    Membership,
    MemberSkill,
    OpenSkill,
    OutboxNotice,
    PayeeAccount,
    Payout,
    PayoutDetails,
    Rating,
    Refund,
    WeeklyWindowRow,
    WorkItem,
    WorkRecordSettings,
)
from core.states import WorkStatus
from core.uow import UnitOfWork

ERASED = "[erased]"
UNFINISHED = (
    WorkStatus.DRAFT,
    WorkStatus.AWAITING_PAYMENT,
    WorkStatus.OPEN,
    WorkStatus.OFFERED,
    WorkStatus.ASSIGNED,
    WorkStatus.SUBMITTED,
    WorkStatus.APPROVED,
    WorkStatus.DISPUTED,
)


def _about_members(table: Table) -> list[Any]:
    """The columns of a table that point at a member."""
    return [
        column
        for column in table.columns
        if any(fk.column.table.name == "members" for fk in column.foreign_keys)
    ]


@dataclass(frozen=True)
class DataExport:
    """Everything stored about a person: a JSON file, and a sentence saying what it holds."""

    filename: str
    content: bytes
    summary: str


async def export_my_data(cmd: ExportMyData, uow: UnitOfWork) -> DataExport:
    member = await member_of(uow, cmd.actor)
    found: dict[str, list[dict[str, Any]]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name == "members":
            where = table.c.id == member.id
        elif columns := _about_members(table):
            where = or_(*(column == member.id for column in columns))
        else:
            continue
        rows = (await uow.session.execute(select(table).where(where))).mappings().all()
        if rows:
            found[table.name] = [dict(row) for row in rows]
    business = await uow.session.scalar(
        select(Business).where(Business.owner_member_id == member.id)
    )
    if business is not None:
        items = select(WorkItem.__table__).where(WorkItem.business_id == business.id)
        found["work_items_posted"] = [
            dict(r) for r in (await uow.session.execute(items)).mappings().all()
        ]
    money = select(LedgerEntry.__table__).where(
        LedgerEntry.account == f"payable:member:{member.id}"  # payments/ledger.py's name
    )
    found["ledger_entries"] = [dict(r) for r in (await uow.session.execute(money)).mappings()]
    files = (
        select(DeliveredFile.name, DeliveredFile.kind, DeliveredFile.size_bytes, Delivery.work_id)
        .join(Delivery, Delivery.id == DeliveredFile.delivery_id)
        .where(Delivery.member_id == member.id)
        .order_by(DeliveredFile.id)
    )
    found["delivered_files"] = [dict(r) for r in (await uow.session.execute(files)).mappings()]
    held = ", ".join(
        f"{len(rows)} {table.replace('_', ' ')}" for table, rows in sorted(found.items()) if rows
    )
    return DataExport(
        filename=f"parentbrain-my-data-{uow.now():%Y-%m-%d}.json",
        content=json.dumps(found, default=str, indent=1, sort_keys=True).encode(),
        summary=_(
            "Here is everything Parent Brain stores about you, as a JSON file ({held}). To erase it, type /forgetme.",
            held=held,
        ),
    )


async def forget_me(cmd: ForgetMe, uow: UnitOfWork, files: FileStore) -> str:
    member = await member_of(uow, cmd.actor)
    s = uow.session
    business = await s.scalar(select(Business).where(Business.owner_member_id == member.id))
    await _check_nothing_is_under_way(uow, member.id, business)
    if cmd.confirm.lower() != "yes":
        return _(
            "This erases your name, profile, skills, availability, messages and accounts here, and can't be undone; the amounts in the ledger stay, under a number. To go ahead, type: /forgetme yes"
        )
    names = {member.display_name}
    for account in (await s.scalars(select(Account).where(Account.member_id == member.id))).all():
        names |= {account.external_id, *([account.handle] if account.handle else [])}
    if business is not None:
        names |= {business.name, business.contact}
        business.name, business.contact = _("Former business {id}", id=business.id), ""
        await s.execute(
            update(WorkItem)
            .where(WorkItem.business_id == business.id)
            .values(title=ERASED, description=ERASED, checkout_url=None)
        )
    for table in (OpenSkill, Availability, MemberSkill, WeeklyWindowRow, LinkCode, Account):
        await s.execute(delete(table).where(table.member_id == member.id))
    await s.execute(delete(Block).where(Block.member_id == member.id))
    member.web_signed_out_at = uow.now()  # a web session of theirs ends with their data
    if business is not None:
        await s.execute(delete(Block).where(Block.business_id == business.id))
    await s.execute(delete(PayeeAccount).where(PayeeAccount.member_id == member.id))
    await s.execute(delete(PayoutDetails).where(PayoutDetails.member_id == member.id))
    await s.execute(
        update(Delivery).where(Delivery.member_id == member.id).values(body=ERASED, feedback=ERASED)
    )
    theirs = select(Delivery.id).where(Delivery.member_id == member.id)
    for key in (
        await s.scalars(
            select(DeliveredFile.stored_key).where(
                DeliveredFile.delivery_id.in_(theirs), DeliveredFile.stored_key.is_not(None)
            )
        )
    ).all():
        if key:
            await files.delete(key)
    await s.execute(
        update(DeliveredFile)
        .where(DeliveredFile.delivery_id.in_(theirs))
        .values(name=ERASED, file_ref=ERASED, stored_key=None)
    )
    await s.execute(
        update(Rating)
        .where(or_(Rating.rater_member_id == member.id, Rating.ratee_member_id == member.id))
        .values(comment="")
    )
    await s.execute(delete(OutboxNotice).where(OutboxNotice.member_id == member.id))
    # Messages to others and the audit trail may quote the name: the words go, the rows stay.
    for name in sorted(n for n in names if n and len(n) >= 2):
        await s.execute(
            update(OutboxNotice).values(text=func.replace(OutboxNotice.text, name, ERASED))
        )
        await s.execute(
            update(AuditEntry).values(detail=func.replace(AuditEntry.detail, name, ERASED))
        )
    member.display_name = _("Former member {id}", id=member.id)
    member.bio, member.preferred_skills = "", []
    member.quiet_start = member.quiet_end = None
    member.timezone, member.reachable = "UTC", False
    await s.execute(  # a suspension stays, without its words; they take part nowhere now
        update(Membership)
        .where(Membership.member_id == member.id)
        .values(ban_reason=None, active=False)
    )
    await s.execute(delete(OpenSkill).where(OpenSkill.member_id == member.id))
    # Their credentials read as revoked to any verifier; their record's address is gone.
    await revoke_all(uow, member.id)
    await s.execute(delete(WorkRecordSettings).where(WorkRecordSettings.member_id == member.id))
    for learning in (LearningAccount, CourseCompletion):
        await s.execute(delete(learning).where(learning.member_id == member.id))
    # Their calendar address stops, and their household goes on without them.
    await s.execute(delete(FamilySettings).where(FamilySettings.member_id == member.id))
    await s.execute(
        delete(HouseholdInvite).where(
            or_(
                HouseholdInvite.from_member_id == member.id,
                HouseholdInvite.to_member_id == member.id,
            )
        )
    )
    await leave_quietly(uow, member.id)
    return _(
        "Done: your personal details are erased. The ledger keeps its amounts under a number only. Thank you for being part of the community."
    )


async def _check_nothing_is_under_way(
    uow: UnitOfWork, member_id: int, business: Business | None
) -> None:
    s = uow.session
    jobs = await s.scalar(
        select(func.count()).where(
            WorkItem.assignee_member_id == member_id,
            WorkItem.status.in_((*ACTIVE_JOB, WorkStatus.DISPUTED)),
        )
    )
    if jobs:
        raise DomainError(
            _("You have work under way; finish it (or ask a moderator) before erasing your data.")
        )
    owed = await s.scalar(
        select(func.count()).where(Payout.member_id == member_id, Payout.status == "owed")
    )
    if owed:
        raise DomainError(
            _("We still owe you money; once it's paid (see /earnings) you can erase your data.")
        )
    if business is not None:
        refund_owed = await s.scalar(
            select(func.count())
            .select_from(Refund)
            .join(WorkItem, WorkItem.id == Refund.work_id)
            .where(WorkItem.business_id == business.id, Refund.status == "owed")
        )
        if refund_owed:
            raise DomainError(
                _(
                    "We still owe your business a refund; once the moderators have sent it (see /statement) you can erase your data."
                )
            )
        open_items = await s.scalar(
            select(func.count()).where(
                WorkItem.business_id == business.id, WorkItem.status.in_(UNFINISHED)
            )
        )
        if open_items:
            raise DomainError(
                _(
                    "Your business has items that aren't finished; cancel or complete them (see /myitems) before erasing your data."
                )
            )
