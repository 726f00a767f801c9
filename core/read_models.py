"""Reads that return data, for front ends that lay it out themselves (the web's pages).

Each is a plain frozen dataclass of what a person sees, read in one unit of work; the front
ends never reach the ORM. The chats' sentences (core/views.py) read the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core import views
from core.actors import Actor
from core.files import listed
from core.handlers.common import local_time_text, member_of
from core.handlers.delivery import delivered_files, latest_delivery
from core.models import Business, Dialog, MemberSkill, PayoutDetails, WorkItem
from core.money import Money, parent_share
from core.states import WorkStatus
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
    description: str


@dataclass(frozen=True)
class JobShown:
    id: int
    title: str
    due: str
    delivered: bool


@dataclass(frozen=True)
class ParentDay:
    """A parent's day: availability, offers, jobs, earnings, how they're paid, their hours."""

    name: str
    status: str
    offers: list[OfferShown]
    jobs: list[JobShown]
    earnings: str
    payout_details: str
    hours: str


async def parent_day(uow: UnitOfWork, actor: Actor) -> ParentDay:
    member = await member_of(uow, actor)
    offers = [
        OfferShown(
            id=offer.id,
            title=item.title,
            pay=Money(parent_share(item.budget_minor, item.fee_bps), item.currency),
            due=local_time_text(item.deadline, member),
            answer_by=local_time_text(offer.expires_at, member),
            description=item.description,
        )
        for offer, item in await views.pending_offers(uow, actor.member_id)
    ]
    jobs = [
        JobShown(
            id=job.id,
            title=job.title,
            due=local_time_text(job.deadline, member),
            delivered=job.status == WorkStatus.SUBMITTED,
        )
        for job in await views.current_jobs(uow, actor.member_id)
    ]
    details = await uow.session.get(PayoutDetails, actor.member_id)
    return ParentDay(
        name=member.display_name,
        status=await views.status(uow, actor),
        offers=offers,
        jobs=jobs,
        earnings=await views.earnings(uow, actor),
        payout_details=(
            f"Now: {details.holder}, {masked(details.account)}. Send new ones to change them."
            if details is not None
            else "Not given yet: the moderators need them to pay you."
        ),
        hours=await views.schedule_text(uow, actor),
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
    shown = []
    for item in rows.all():
        delivered = ""
        if item.status == WorkStatus.SUBMITTED:
            delivery = await latest_delivery(uow, item.id)
            if delivery is not None:
                files = listed(await delivered_files(uow, delivery))
                delivered = "\n".join(p for p in (delivery.body, files) if p)
        shown.append(
            ItemShown(
                id=item.id,
                title=item.title,
                budget=Money(item.budget_minor, item.currency),
                status=views.STATUS_WORDS[WorkStatus(item.status)],
                code=item.status,
                pay=item.checkout_url if item.status == WorkStatus.AWAITING_PAYMENT else None,
                delivered=delivered,
            )
        )
    return BusinessItems(int(business), shown)


@dataclass(frozen=True)
class ProfileShown:
    summary: str  # the chats' /profile, less its last line (how to change it by command)
    timezone: str
    bio: str


async def profile_shown(uow: UnitOfWork, actor: Actor, currency: str) -> ProfileShown:
    member = await member_of(uow, actor)
    summary = await views.profile(uow, actor, currency)
    return ProfileShown(summary.rsplit("\n", 1)[0], member.timezone, member.bio or "")


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
