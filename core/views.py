"""What people can look up: status, offers, jobs, earnings, items, stats. Read only."""

from __future__ import annotations

from sqlalchemy import select

from core.actors import Actor
from core.errors import NotFound
from core.files import listed
from core.handlers.availability import as_window, live_availability, weekly_windows
from core.handlers.common import ACTIVE_JOB, catalogue, local_time_text, member_of, zone
from core.handlers.delivery import delivered_files
from core.models import (
    Business,
    Delivery,
    LedgerEntry,
    LedgerTransaction,
    MemberSkill,
    Offer,
    Payout,
    WorkItem,
)
from core.money import Money, parent_share
from core.notices import Action
from core.skills import describe
from core.states import OfferStatus, WorkStatus
from core.stats import stats as stats  # /stats lives with the numbers /metrics shares
from core.uow import UnitOfWork

STATUS_WORDS = {
    WorkStatus.AWAITING_PAYMENT: "waiting for payment",
    WorkStatus.OPEN: "looking for a parent",
    WorkStatus.OFFERED: "offered to a parent",
    WorkStatus.ASSIGNED: "being worked on",
    WorkStatus.SUBMITTED: "delivered: waiting for your approval",
    WorkStatus.APPROVED: "approved; parent being paid",
    WorkStatus.PAID: "done and paid",
    WorkStatus.CANCELLED: "cancelled",
    WorkStatus.EXPIRED: "expired",
    WorkStatus.REFUNDED: "refunded",
    WorkStatus.DISPUTED: "in dispute",
    WorkStatus.DRAFT: "draft",
}


async def status(uow: UnitOfWork, actor: Actor) -> str:
    member = await member_of(uow, actor)
    now = uow.now()
    lines = []
    live = await live_availability(uow, member.id, now)
    if live:
        until = max(a.until for a in live)
        lines.append(f"You're available until {until.astimezone(zone(member)):%H:%M}.")
    else:
        lines.append("You're not available right now; type /available 2h to start.")
    jobs = await current_jobs(uow, member.id)
    pending = await pending_offers(uow, member.id)
    lines.append(f"Jobs on the go: {len(jobs)}. Offers waiting for you: {len(pending)}.")
    windows = await weekly_windows(uow, member.id)
    if windows:
        lines.append("Regular hours: " + "; ".join(as_window(w).describe() for w in windows) + ".")
    return "\n".join(lines)


async def schedule_text(uow: UnitOfWork, actor: Actor) -> str:
    """Regular hours in words, or how to set some."""
    windows = await weekly_windows(uow, actor.member_id)
    if not windows:
        return "None yet: add the hours you're usually free, and offers come by themselves then."
    return "; ".join(as_window(w).describe() for w in windows) + "."


async def profile(uow: UnitOfWork, actor: Actor, currency: str) -> str:
    member = await member_of(uow, actor)
    rows = (
        await uow.session.scalars(select(MemberSkill).where(MemberSkill.member_id == member.id))
    ).all()
    skills = describe({r.skill_code: r.level for r in rows}, await catalogue(uow)) or "none yet"
    quiet = f"{member.quiet_start}-{member.quiet_end}" if member.quiet_start else "none"
    return (
        f"{member.display_name}\nSkills: {skills}\n"
        f"Minimum rate: {Money(member.rate_floor_minor, currency) if member.rate_floor_minor else 'none'} an hour\n"
        f"Timezone: {member.timezone} · quiet hours: {quiet} · up to {member.max_jobs} job(s) at once\n"
        "Change with /profile skills proofreading:expert, /profile rate £15, /profile timezone "
        "Europe/London, /profile quiet 22:00-07:00"
    )


async def pending_offers(uow: UnitOfWork, member_id: int) -> list[tuple[Offer, WorkItem]]:
    rows = await uow.session.execute(
        select(Offer, WorkItem)
        .join(WorkItem, WorkItem.id == Offer.work_id)
        .where(Offer.member_id == member_id, Offer.status == OfferStatus.PENDING)
        .order_by(Offer.expires_at)
    )
    return [(o, w) for o, w in rows.all()]


async def current_jobs(uow: UnitOfWork, member_id: int) -> list[WorkItem]:
    rows = await uow.session.scalars(
        select(WorkItem).where(
            WorkItem.assignee_member_id == member_id, WorkItem.status.in_(ACTIVE_JOB)
        )
    )
    return list(rows.all())


async def offers(uow: UnitOfWork, actor: Actor) -> tuple[str, list[Action]]:
    pending = await pending_offers(uow, actor.member_id)
    if not pending:
        return "No offers waiting. Type /available when you're free and they'll come here.", []
    lines, actions = [], []
    for offer, item in pending:
        minutes = max(0, int((offer.expires_at - uow.now()).total_seconds() // 60))
        share = Money(parent_share(item.budget_minor, item.fee_bps), item.currency)
        lines.append(
            f'#{offer.id} "{item.title}": you receive {share}; answer within {minutes} min'
        )
        actions += [
            Action(label=f"Accept #{offer.id}", token=f"oa:{offer.id}"),
            Action(label=f"Decline #{offer.id}", token=f"od:{offer.id}"),
        ]
    return "\n".join(lines), actions[:10]


async def jobs(uow: UnitOfWork, actor: Actor) -> str:
    member = await member_of(uow, actor)
    current = await current_jobs(uow, member.id)
    if not current:
        return "No jobs on the go. Type /offers to see offers waiting for you."
    return "\n".join(
        f'#{j.id} "{j.title}": {"delivered, waiting for approval" if j.status == WorkStatus.SUBMITTED else "due " + local_time_text(j.deadline, member) + f"; send it with /submit {j.id}"}'
        for j in current
    )


async def earnings(uow: UnitOfWork, actor: Actor) -> str:
    payouts = (
        await uow.session.scalars(
            select(Payout).where(Payout.member_id == actor.member_id).order_by(Payout.id.desc())
        )
    ).all()
    if not payouts:
        return "No earnings yet. Your first paid job is one /available away."
    currency = payouts[0].currency
    paid = sum(p.amount_minor for p in payouts if p.status == "sent")
    owed = sum(p.amount_minor for p in payouts if p.status != "sent")
    lines = [f"Paid to you: {Money(paid, currency)}. Owed to you: {Money(owed, currency)}."]
    for p in payouts[:5]:
        item = await uow.session.get_one(WorkItem, p.work_id)
        lines.append(
            f'#{item.id} "{item.title}": {Money(p.amount_minor, p.currency)} ({"paid" if p.status == "sent" else "owed"})'
        )
    return "\n".join(lines)


async def why(uow: UnitOfWork, actor: Actor, offer_id: int) -> str:
    offer = await uow.session.get(Offer, offer_id)
    if offer is None or offer.member_id != actor.member_id:
        raise NotFound(f"You have no offer #{offer_id}; type /offers to see yours.")
    return f"Why you got offer #{offer_id}: {offer.why or 'you were free and had the skills'}."


async def my_items(uow: UnitOfWork, actor: Actor) -> str:
    business = await uow.session.scalar(
        select(Business).where(Business.owner_member_id == actor.member_id)
    )
    if business is None:
        return "You haven't registered a business yet: type /business."
    items = (
        await uow.session.scalars(
            select(WorkItem)
            .where(WorkItem.business_id == business.id)
            .order_by(WorkItem.id.desc())
            .limit(15)
        )
    ).all()
    if not items:
        return "No work posted yet. Type /post to post your first item."
    return "\n".join(
        f'#{i.id} "{i.title}" {Money(i.budget_minor, i.currency)}: {STATUS_WORDS[WorkStatus(i.status)]}'
        for i in items
    )


async def disputes(uow: UnitOfWork, actor: Actor) -> str:
    """Every open dispute with both sides' latest words, for the moderators to decide."""
    here = actor.moderated_community()
    query = select(WorkItem).where(WorkItem.status == WorkStatus.DISPUTED)
    if here is not None:
        query = query.where(WorkItem.community_id == here)
    items = (await uow.session.scalars(query)).all()
    if not items:
        return "No disputes are open."
    lines = []
    for item in items:
        delivery = await uow.session.scalar(
            select(Delivery)
            .where(Delivery.work_id == item.id)
            .order_by(Delivery.id.desc())
            .limit(1)
        )
        files = listed(await delivered_files(uow, delivery)) if delivery else ""
        shown = f"{delivery.body[:300]} {files}".strip() if delivery else "nothing yet"
        lines.append(
            f'#{item.id} "{item.title}" ({Money(item.budget_minor, item.currency)})\n'
            f"  Delivered: {shown}\n"
            f"  Decide with /resolve {item.id} pay, /resolve {item.id} refund or /resolve {item.id} split £10"
        )
    return "\n".join(lines)


async def statement(uow: UnitOfWork, actor: Actor) -> str:
    """A business's money, item by item, read from the ledger: paid in, paid out, refunded."""
    business = await uow.session.scalar(
        select(Business).where(Business.owner_member_id == actor.member_id)
    )
    if business is None:
        return "You haven't registered a business yet: type /business."
    rows = (
        await uow.session.execute(
            select(WorkItem, LedgerTransaction.kind, LedgerEntry.amount_minor)
            .join(LedgerTransaction, LedgerTransaction.work_id == WorkItem.id)
            .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
            .where(
                WorkItem.business_id == business.id,
                (LedgerEntry.account == "cash")
                | ((LedgerTransaction.kind == "refund_owed") & (LedgerEntry.amount_minor < 0)),
            )
            .order_by(WorkItem.id, LedgerTransaction.id)
        )
    ).all()
    if not rows:
        return "Nothing has been paid yet. Items appear here once their payment arrives."
    # A refund by hand is owed (its own posting) until a moderator sends it (a cash posting).
    sent_back = {item.id for item, kind, _ in rows if kind == "refund"}
    lines, paid_in, back = [f"Statement for {business.name}:"], 0, 0
    for item, kind, amount in rows:
        if kind == "fund":
            paid_in += amount
            lines.append(f'#{item.id} "{item.title}": paid {Money(amount, item.currency)}')
        elif kind == "refund_owed" and item.id not in sent_back:
            lines.append(
                f'#{item.id} "{item.title}": {Money(-amount, item.currency)} to be refunded '
                "(the moderators send it by bank transfer)"
            )
        elif kind in ("refund", "split") and amount < 0:
            back += -amount
            lines.append(f'#{item.id} "{item.title}": refunded {Money(-amount, item.currency)}')
    currency = rows[0][0].currency
    lines.append(f"Total paid {Money(paid_in, currency)}, refunded {Money(back, currency)}.")
    return "\n".join(lines)
