"""Reads that return data, for front ends that lay it out themselves (the web's pages).

Each is a plain frozen dataclass of what a person sees, read in one unit of work; the front
ends never reach the ORM. The chats' sentences (core/views.py) read the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.actors import Actor
from core.downloads import Download, downloads
from core.handlers.availability import as_window, live_availability, weekly_windows
from core.handlers.common import ACTIVE_JOB, local_time_text, member_of, zone
from core.handlers.delivery import latest_delivery
from core.language import _
from core.models import (
    Business,
    Dialog,
    Member,
    MemberSkill,
    Offer,
    Payout,
    Rating,
    WorkItem,
)
from core.money import Money, parent_share
from core.states import STATUS_WORDS, OfferStatus, WorkStatus
from core.uow import UnitOfWork


def masked(account: str) -> str:
    """The account with all but its last digits hidden, for a parent's own screen."""
    digits = [i for i, ch in enumerate(account) if ch.isdigit()]
    hide = set(digits[:-4]) if len(digits) > 4 else set()
    return "".join("•" if i in hide else ch for i, ch in enumerate(account))


@dataclass(frozen=True)
class OfferShown:
    id: int
    title: str
    pay: Money
    due: str
    answer_by: str
    minutes_left: int
    description: str


@dataclass(frozen=True)
class JobShown:
    id: int
    title: str
    due: str
    delivered: bool
    brief: str = ""  # what the business asked for
    business: str = ""  # who for


@dataclass(frozen=True)
class PayoutShown:
    work_id: int
    title: str
    amount: Money
    paid: bool


@dataclass(frozen=True)
class Earnings:
    paid: Money
    owed: Money
    latest: list[PayoutShown]  # the five newest


@dataclass(frozen=True)
class ParentStatus:
    available_until: str | None  # a local time, while they are available
    jobs: int
    offers: int
    regular_hours: list[str]


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


async def offers_waiting(uow: UnitOfWork, actor: Actor) -> list[OfferShown]:
    """Offers waiting for this parent's answer, soonest to expire first."""
    member = await member_of(uow, actor)
    return [
        OfferShown(
            id=offer.id,
            title=item.title,
            pay=Money(parent_share(item.budget_minor, item.fee_bps), item.currency),
            due=local_time_text(item.deadline, member),
            answer_by=local_time_text(offer.expires_at, member),
            minutes_left=max(0, int((offer.expires_at - uow.now()).total_seconds() // 60)),
            description=item.description,
        )
        for offer, item in await pending_offers(uow, member.id)
    ]


async def jobs_on_the_go(uow: UnitOfWork, actor: Actor) -> list[JobShown]:
    member = await member_of(uow, actor)
    jobs = await current_jobs(uow, member.id)
    rows = await uow.session.execute(
        select(Business.id, Business.name).where(Business.id.in_({j.business_id for j in jobs}))
    )
    names = {business_id: name for business_id, name in rows.all()}
    return [
        JobShown(
            id=job.id,
            title=job.title,
            due=local_time_text(job.deadline, member),
            delivered=job.status == WorkStatus.SUBMITTED,
            brief=job.description,
            business=names.get(job.business_id, ""),
        )
        for job in jobs
    ]


async def earnings(uow: UnitOfWork, actor: Actor) -> Earnings | None:
    """What this parent has been paid and is owed; None before their first payout."""
    payouts = (
        await uow.session.scalars(
            select(Payout).where(Payout.member_id == actor.member_id).order_by(Payout.id.desc())
        )
    ).all()
    if not payouts:
        return None
    currency = payouts[0].currency
    latest = []
    for payout in payouts[:5]:
        item = await uow.session.get_one(WorkItem, payout.work_id)
        amount = Money(payout.amount_minor, payout.currency)
        latest.append(PayoutShown(item.id, item.title, amount, payout.status == "sent"))
    return Earnings(
        paid=Money(sum(p.amount_minor for p in payouts if p.status == "sent"), currency),
        owed=Money(sum(p.amount_minor for p in payouts if p.status != "sent"), currency),
        latest=latest,
    )


async def regular_hours(uow: UnitOfWork, actor: Actor) -> list[str]:
    """Each of the parent's regular windows, in words."""
    return [as_window(w).describe() for w in await weekly_windows(uow, actor.member_id)]


async def parent_status(uow: UnitOfWork, actor: Actor) -> ParentStatus:
    member = await member_of(uow, actor)
    live = await live_availability(uow, member.id, uow.now())
    until = max(a.until for a in live).astimezone(zone(member)) if live else None
    return ParentStatus(
        available_until=f"{until:%H:%M}" if until is not None else None,
        jobs=len(await current_jobs(uow, member.id)),
        offers=len(await pending_offers(uow, member.id)),
        regular_hours=await regular_hours(uow, actor),
    )


@dataclass(frozen=True)
class ItemShown:
    id: int
    title: str
    budget: Money
    status: str  # in words
    code: str  # the state, for the page to choose what to offer
    pay: str | None  # where to pay, while it waits for payment
    delivered: str  # what was delivered, while it waits for approval
    rated: bool = False  # the business has rated the parent's work
    files: tuple[Download, ...] = ()  # the files delivered with it, to download


@dataclass(frozen=True)
class BusinessItems:
    business_id: int | None  # None: no business registered yet
    items: list[ItemShown]


async def business_items(uow: UnitOfWork, actor: Actor, limit: int = 50) -> BusinessItems:
    business = await uow.session.scalar(
        select(Business.id).where(Business.owner_member_id == actor.member_id)
    )
    if business is None:
        return BusinessItems(None, [])
    rows = await uow.session.scalars(
        select(WorkItem)
        .where(WorkItem.business_id == business)
        .order_by(WorkItem.id.desc())
        .limit(limit)
    )
    items = rows.all()
    rated = set(
        (
            await uow.session.scalars(
                select(Rating.work_id).where(
                    Rating.work_id.in_([i.id for i in items]),
                    Rating.rater_member_id == actor.member_id,
                )
            )
        ).all()
    )
    shown = []
    for item in items:
        delivered = ""
        files: tuple[Download, ...] = ()
        if item.status == WorkStatus.SUBMITTED:
            delivery = await latest_delivery(uow, item.id)
            if delivery is not None:
                delivered = delivery.body
                files = tuple(await downloads(uow, delivery.id))
        shown.append(
            ItemShown(
                id=item.id,
                title=item.title,
                budget=Money(item.budget_minor, item.currency),
                status=_(STATUS_WORDS[WorkStatus(item.status)]),
                code=item.status,
                pay=item.checkout_url if item.status == WorkStatus.AWAITING_PAYMENT else None,
                delivered=delivered,
                rated=item.id in rated,
                files=files,
            )
        )
    return BusinessItems(int(business), shown)


async def has_skills(uow: UnitOfWork, member_id: int) -> bool:
    """Whether a member has said what they can do (onboarding is done)."""
    found = await uow.session.scalar(
        select(MemberSkill.skill_code).where(MemberSkill.member_id == member_id).limit(1)
    )
    return found is not None


async def waiting_question(uow: UnitOfWork, member_id: int) -> str | None:
    """The kind of form whose question waits for this member's answer, if any."""
    dialog = await uow.session.get(Dialog, member_id)
    return dialog.kind if dialog is not None else None


async def web_sessions_ended_at(uow: UnitOfWork, member_id: int) -> datetime | None:
    """Web sessions this member began before this moment are over (signed out, forgotten,
    or banned)."""
    found: datetime | None = await uow.session.scalar(
        select(Member.web_signed_out_at).where(Member.id == member_id)
    )
    return found
