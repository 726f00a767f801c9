"""Lookups and checks that several handlers share."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select

from core.actors import Actor
from core.errors import NotAllowed, NotFound
from core.language import _, formatting
from core.models import (
    OFFER_PENDING,
    Business,
    CommunityBusiness,
    Member,
    Offer,
    SkillRow,
    WorkItem,
)
from core.notices import Action, Notice
from core.parsing import parse_timezone
from core.skills import SkillCatalogue
from core.states import OfferStatus, WorkStatus
from core.uow import UnitOfWork

ACTIVE_JOB = (WorkStatus.ASSIGNED, WorkStatus.SUBMITTED)
# What holds a parent's slot: work accepted and not yet delivered. A delivery waiting for the
# business's approval doesn't keep them from the next offer.
IN_HAND = (WorkStatus.ASSIGNED,)
# What counts against a parent's capacity: work in hand, and a project they have taken on
# (its milestones waiting for funding are theirs too), each project once, whatever its
# milestones' state.
SLOT_HOLDING = (WorkStatus.ASSIGNED, WorkStatus.AWAITING_PAYMENT)
SLOTS = func.count(func.distinct(func.coalesce(-WorkItem.project_id, WorkItem.id)))


async def member_of(uow: UnitOfWork, actor: Actor) -> Member:
    member = await uow.session.get(Member, actor.member_id)
    if member is None:
        raise NotFound(_("I don't know you yet; type /start to join."))
    return member


def zone(member: Member) -> ZoneInfo:
    return parse_timezone(member.timezone)


def local_time_text(moment: datetime, member: Member) -> str:
    return formatting.local_moment(moment.astimezone(zone(member)))


async def catalogue(uow: UnitOfWork) -> SkillCatalogue:
    rows = (await uow.session.scalars(select(SkillRow))).all()
    return SkillCatalogue.from_rows((r.code, r.name, r.aliases) for r in rows)


async def business_of(uow: UnitOfWork, actor: Actor) -> Business:
    business = await uow.session.scalar(
        select(Business).where(Business.owner_member_id == actor.member_id)
    )
    if business is None:
        raise NotAllowed(_("Register your business first: type /business."))
    if actor.community_id is not None:
        here = await uow.session.get(CommunityBusiness, (actor.community_id, business.id))
        if here is not None and here.rejected_reason:
            raise NotAllowed(
                _(
                    "The moderators didn't approve {name} ({rejected_reason}); ask them in the community.",
                    name=business.name,
                    rejected_reason=here.rejected_reason,
                )
            )
    return business


async def owned_item(uow: UnitOfWork, actor: Actor, work_id: int) -> WorkItem:
    """The item, locked, if the actor's business owns it or the actor moderates its
    community."""
    if not actor.is_moderator:
        await business_of(uow, actor)  # "register first" or "not approved" before anything
    item = await uow.work_for_update(work_id)
    owner = await owner_member_id(uow, item)
    if owner == actor.member_id:
        return item
    if actor.is_moderator:
        actor.require_moderator_of(item.community_id)
        return item
    raise NotAllowed(_("Work item #{work_id} belongs to another business.", work_id=work_id))


async def owner_member_id(uow: UnitOfWork, item: WorkItem) -> int:
    business = await uow.session.get(Business, item.business_id)
    assert business is not None  # enforced by the foreign key
    return business.owner_member_id


async def active_jobs(uow: UnitOfWork, member_id: int) -> int:
    """Jobs holding their slots: accepted and not yet delivered (a project counts once)."""
    count = await uow.session.scalar(
        select(SLOTS).where(
            WorkItem.assignee_member_id == member_id, WorkItem.status.in_(SLOT_HOLDING)
        )
    )
    return int(count or 0)


async def pending_offers(uow: UnitOfWork, work_id: int) -> list[Offer]:
    return list((await uow.session.scalars(PENDING_OFFERS, {"work_id": work_id})).all())


async def awaiting_answer(uow: UnitOfWork, work_id: int) -> bool:
    """Whether an offer of the item is waiting on its parent's answer."""
    return (await uow.read(AWAITING_ANSWER, {"work_id": work_id})).first() is not None


# Routing asks this every decision and needs no offer loaded: one row of one index.
AWAITING_ANSWER = (
    select(Offer.id).where(Offer.work_id == bindparam("work_id"), OFFER_PENDING).limit(1)
)

PENDING_OFFERS = (  # built once: routing runs it every decision
    select(Offer)
    .where(Offer.work_id == bindparam("work_id"), Offer.status == OfferStatus.PENDING)
    .execution_options(populate_existing=True)
)


def offer_message(offer: Offer, body: str) -> Notice:
    """An offer as its parent reads it: what is offered (`body`), why them, how long they
    have, and Accept and Decline; edited in place once answered."""
    minutes = max(1, int((offer.expires_at - offer.made_at).total_seconds() // 60))
    return Notice(
        to=offer.member_id,
        text=body
        + (_("Why you: {why}\n", why=offer.why) if offer.why else "")
        + _("Please answer within {minutes} minutes.", minutes=minutes),
        actions=[
            Action(label=_("Accept"), token=f"oa:{offer.id}"),
            Action(label=_("Decline"), token=f"od:{offer.id}"),
        ],
        ref=f"offer:{offer.id}",
    )
