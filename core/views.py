"""What people can look up: status, offers, jobs, earnings, items, stats. Read only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core import read_models
from core.actors import Actor
from core.errors import NotFound
from core.files import listed
from core.handlers.common import catalogue, member_of
from core.handlers.delivery import delivered_files
from core.language import _, ngettext
from core.models import (
    Business,
    Delivery,
    LedgerEntry,
    LedgerTransaction,
    MemberSkill,
    Offer,
    PayoutDetails,
    WorkItem,
)
from core.money import Money
from core.notices import Action
from core.skills import describe
from core.states import WorkStatus
from core.stats import stats as stats  # /stats lives with the numbers /metrics shares
from core.uow import UnitOfWork


async def status(uow: UnitOfWork, actor: Actor) -> str:
    return status_text(await read_models.parent_status(uow, actor))


def status_text(now: read_models.ParentStatus) -> str:
    lines = [
        _("You're available until {available_until}.", available_until=now.available_until)
        if now.available_until is not None
        else _("You're not available right now; type /available 2h to start."),
        _(
            "Jobs on the go: {jobs}. Offers waiting for you: {offers}.",
            jobs=now.jobs,
            offers=now.offers,
        ),
    ]
    if now.regular_hours:
        lines.append(_("Regular hours: ") + "; ".join(now.regular_hours) + ".")
    return "\n".join(lines)


def hours_text(hours: list[str]) -> str:
    """Regular hours in words, or how to set some."""
    if not hours:
        return _("None yet: add the hours you're usually free, and offers come by themselves then.")
    return "; ".join(hours) + "."


async def profile(uow: UnitOfWork, actor: Actor, currency: str) -> str:
    member = await member_of(uow, actor)
    rows = (
        await uow.session.scalars(select(MemberSkill).where(MemberSkill.member_id == member.id))
    ).all()
    skills = describe({r.skill_code: r.level for r in rows}, await catalogue(uow)) or _("none yet")
    quiet = f"{member.quiet_start}-{member.quiet_end}" if member.quiet_start else _("none")
    floor = member.rate_floor_minor
    rate = _("{money} an hour", money=Money(floor, currency)) if floor else _("none")
    return ngettext(
        "{display_name}\nSkills: {skills}\nMinimum rate: {rate}\nTimezone: {timezone} · quiet hours: {quiet} · up to {n} job at once\nChange with /profile skills proofreading:expert, /profile rate £15, /profile timezone Europe/London, /profile quiet 22:00-07:00",
        "{display_name}\nSkills: {skills}\nMinimum rate: {rate}\nTimezone: {timezone} · quiet hours: {quiet} · up to {n} jobs at once\nChange with /profile skills proofreading:expert, /profile rate £15, /profile timezone Europe/London, /profile quiet 22:00-07:00",
        member.max_jobs,
        display_name=member.display_name,
        skills=skills,
        rate=rate,
        timezone=member.timezone,
        quiet=quiet,
    )


async def offers(uow: UnitOfWork, actor: Actor) -> tuple[str, list[Action]]:
    waiting = await read_models.offers_waiting(uow, actor)
    if not waiting:
        return _("No offers waiting. Type /available when you're free and they'll come here."), []
    lines, actions = [], []
    for offer in waiting:
        lines.append(
            _(
                '#{id} "{title}": you receive {pay}; answer within {minutes_left} min',
                id=offer.id,
                title=offer.title,
                pay=offer.pay,
                minutes_left=offer.minutes_left,
            )
        )
        actions += [
            Action(label=_("Accept #{id}", id=offer.id), token=f"oa:{offer.id}"),
            Action(label=_("Decline #{id}", id=offer.id), token=f"od:{offer.id}"),
        ]
    return "\n".join(lines), actions[:10]


async def jobs(uow: UnitOfWork, actor: Actor) -> str:
    current = await read_models.jobs_on_the_go(uow, actor)
    if not current:
        return _("No jobs on the go. Type /offers to see offers waiting for you.")
    return "\n".join(
        f'#{j.id} "{j.title}": '
        + (
            _("delivered, waiting for approval")
            if j.delivered
            else _("due {due}; send it with /submit {id}", due=j.due, id=j.id)
        )
        for j in current
    )


async def earnings(uow: UnitOfWork, actor: Actor) -> str:
    return earnings_text(await read_models.earnings(uow, actor))


def earnings_text(earned: read_models.Earnings | None) -> str:
    if earned is None:
        return _("No earnings yet. Your first paid job is one /available away.")
    lines = [_("Paid to you: {paid}. Owed to you: {owed}.", paid=earned.paid, owed=earned.owed)]
    for p in earned.latest:
        state = _("paid") if p.paid else _("owed")
        lines.append(f'#{p.work_id} "{p.title}": {p.amount} ({state})')
    return "\n".join(lines)


async def why(uow: UnitOfWork, actor: Actor, offer_id: int) -> str:
    offer = await uow.session.get(Offer, offer_id)
    if offer is None or offer.member_id != actor.member_id:
        raise NotFound(
            _("You have no offer #{offer_id}; type /offers to see yours.", offer_id=offer_id)
        )
    return _(
        "Why you got offer #{offer_id}: {value}.",
        offer_id=offer_id,
        value=offer.why or _("you were free and had the skills"),
    )


async def my_items(uow: UnitOfWork, actor: Actor) -> str:
    mine = await read_models.business_items(uow, actor, limit=15)
    if mine.business_id is None:
        return _("You haven't registered a business yet: type /business.")
    if not mine.items:
        return _("No work posted yet. Type /post to post your first item.")
    return "\n".join(f'#{i.id} "{i.title}" {i.budget}: {i.status}' for i in mine.items)


async def disputes(uow: UnitOfWork, actor: Actor) -> str:
    """Every open dispute with both sides' latest words, for the moderators to decide."""
    here = actor.moderated_community()
    query = select(WorkItem).where(WorkItem.status == WorkStatus.DISPUTED)
    if here is not None:
        query = query.where(WorkItem.community_id == here)
    items = (await uow.session.scalars(query)).all()
    if not items:
        return _("No disputes are open.")
    lines = []
    for item in items:
        delivery = await uow.session.scalar(
            select(Delivery)
            .where(Delivery.work_id == item.id)
            .order_by(Delivery.id.desc())
            .limit(1)
        )
        files = listed(await delivered_files(uow, delivery)) if delivery else ""
        shown = f"{delivery.body[:300]} {files}".strip() if delivery else _("nothing yet")
        lines.append(
            _(
                '#{id} "{title}" ({money})\n  Delivered: {shown}\n  Decide with /resolve {id} pay, /resolve {id} refund or /resolve {id} split £10',
                id=item.id,
                title=item.title,
                money=Money(item.budget_minor, item.currency),
                shown=shown,
            )
        )
    return "\n".join(lines)


async def statement(uow: UnitOfWork, actor: Actor) -> str:
    """A business's money, item by item, read from the ledger: paid in, paid out, refunded."""
    business = await uow.session.scalar(
        select(Business).where(Business.owner_member_id == actor.member_id)
    )
    if business is None:
        return _("You haven't registered a business yet: type /business.")
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
        return _("Nothing has been paid yet. Items appear here once their payment arrives.")
    # A refund by hand is owed (its own posting) until a moderator sends it (a cash posting).
    sent_back = {item.id for item, kind, _ in rows if kind == "refund"}
    lines, paid_in, back = [_("Statement for {name}:", name=business.name)], 0, 0
    for item, kind, amount in rows:
        if kind == "fund":
            paid_in += amount
            lines.append(
                _(
                    '#{id} "{title}": paid {money}',
                    id=item.id,
                    title=item.title,
                    money=Money(amount, item.currency),
                )
            )
        elif kind == "refund_owed" and item.id not in sent_back:
            lines.append(
                _(
                    '#{id} "{title}": {money} to be refunded (the moderators send it by bank transfer)',
                    id=item.id,
                    title=item.title,
                    money=Money(-amount, item.currency),
                )
            )
        elif kind in ("refund", "split") and amount < 0:
            back += -amount
            lines.append(
                _(
                    '#{id} "{title}": refunded {money}',
                    id=item.id,
                    title=item.title,
                    money=Money(-amount, item.currency),
                )
            )
    currency = rows[0][0].currency
    lines.append(
        _(
            "Total paid {money}, refunded {money2}.",
            money=Money(paid_in, currency),
            money2=Money(back, currency),
        )
    )
    return "\n".join(lines)


@dataclass(frozen=True)
class ParentDay:
    """A parent's day as the web shows it: the reads, with the chats' own sentences for where
    they are, what they've earned and their regular hours."""

    name: str
    status: str
    offers: list[read_models.OfferShown]
    jobs: list[read_models.JobShown]
    earnings: str
    payout_details: str
    hours: str


async def parent_day(uow: UnitOfWork, actor: Actor) -> ParentDay:
    member = await member_of(uow, actor)
    details = await uow.session.get(PayoutDetails, actor.member_id)
    return ParentDay(
        name=member.display_name,
        status=await status(uow, actor),
        offers=await read_models.offers_waiting(uow, actor),
        jobs=await read_models.jobs_on_the_go(uow, actor),
        earnings=await earnings(uow, actor),
        payout_details=(
            _(
                "Now: {holder}, {masked}. Send new ones to change them.",
                holder=details.holder,
                masked=read_models.masked(details.account),
            )
            if details is not None
            else _("Not given yet: the moderators need them to pay you.")
        ),
        hours=hours_text(await read_models.regular_hours(uow, actor)),
    )


@dataclass(frozen=True)
class ProfileShown:
    summary: str  # the chats' /profile, less its last line (how to change it by command)
    saved: dict[str, str]  # the profile form's fields as saved now, by name


async def profile_shown(uow: UnitOfWork, actor: Actor, currency: str) -> ProfileShown:
    member = await member_of(uow, actor)
    summary = await profile(uow, actor, currency)
    saved = {
        "timezone": member.timezone,
        "rate_floor": str(Money(member.rate_floor_minor, currency))
        if member.rate_floor_minor
        else "",
        "quiet_hours": f"{member.quiet_start}-{member.quiet_end}" if member.quiet_start else "",
        "bio": member.bio or "",
        "max_jobs": str(member.max_jobs),
    }
    return ProfileShown(summary.rsplit("\n", 1)[0], saved)
