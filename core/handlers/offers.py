"""The offer cascade's mechanics: make offers, accept (one winner), decline, time out.

Who gets offered is the Router's business (routing/); how many and for how long come from
settings. Every handler here locks the work item's row first, so two accepts, or an accept
and a sweeper, take turns.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from core import communities, roster
from core.commands import AcceptOffer, DeclineOffer, ExpireOffer, MoveOffersOn, RouteWork
from core.config import Settings
from core.errors import DomainError, NotAllowed, StaleAction
from core.events import (
    DeliverySubmitted,
    FirstOfferMade,
    MemberAvailable,
    OfferDeclined,
    OfferExpired,
    OfferMade,
    WorkAssigned,
    WorkFunded,
)
from core.family.households import partner_busy, tell_partners_of_offer
from core.handlers.common import (
    active_jobs,
    awaiting_answer,
    local_time_text,
    member_of,
    offer_message,
    owner_member_id,
)
from core.handlers.work import expire_item, rescind_pending
from core.language import _, formatting, ngettext
from core.language.people import speaking_to
from core.models import Member, Offer, OutboxNotice, WorkItem
from core.money import Money, parent_share
from core.notices import MODERATORS, Action, Notice
from core.parsing import format_duration
from core.ports import Candidate, Router
from core.projects import progress as projects
from core.projects.offers import project_offer
from core.rhythm import Answer, remember_answer
from core.spares import spare_due
from core.states import OfferStatus, WorkStatus, check_offer_move, check_work_move
from core.uow import UnitOfWork

ROUTABLE = (WorkStatus.OPEN, WorkStatus.OFFERED)


async def route(uow: UnitOfWork, work_id: int, router: Router, settings: Settings) -> list[int]:
    """Offer the item to the next parents if none are pending; expire it past its deadline."""
    item = await uow.work_for_update(work_id)
    now = uow.now()
    if item.status == WorkStatus.AWAITING_PAYMENT and now >= item.deadline:
        await expire_item(uow, item, await owner_member_id(uow, item))
        return []
    if item.status not in ROUTABLE:
        return []
    if item.project_id is not None and not await projects.routes(uow, item):
        item.routed_version = await roster.current_version(uow, item.community_id)
        return []  # a milestone the project's lead stands for, or started for its parent
    # Read before either change, so both are written in one statement.
    version = await roster.current_version(uow, item.community_id)
    item.routed_at = now  # sweeps take the items waiting longest since their last try first
    item.routed_version = version
    if now >= item.deadline:
        await expire_item(uow, item, await owner_member_id(uow, item))
        if item.project_id is not None:
            await projects.lead_expired(uow, item)
        return []
    # Nothing read from here to the offers depends on the item's routed time, so it is
    # written with the offers' changes in one UPDATE rather than flushed before each read.
    with uow.session.no_autoflush:
        if await awaiting_answer(uow, item.id):
            return []
        settings = await communities.community_settings(uow, settings, item.community_id)
        k = settings.urgent_offers_per_round if item.urgent else settings.offers_per_round
        chosen = await router.candidates(uow, item, now, k)
    if not chosen:
        owner = await owner_member_id(uow, item)
        if item.status == WorkStatus.OFFERED:  # the last round ended and nobody is left
            async with speaking_to(uow, owner):
                await uow.notify(
                    Notice(
                        to=owner,
                        text=_(
                            'Everyone who fits "{title}" (#{id}) right now has been asked. I\'ll offer it again as soon as someone suitable is free, until {local_time_text}; if nobody takes it by then you get a full refund.',
                            title=item.title,
                            id=item.id,
                            local_time_text=local_time_text(
                                item.deadline, await uow.session.get_one(Member, owner)
                            ),
                        ),
                    )
                )
        elif item.rounds == 0:
            await tell_nobody_is_free_once(uow, item, owner)
        item.status = WorkStatus.OPEN
        return []
    if item.rounds == settings.widen_after_rounds:
        await tell_about_widening(uow, item, await owner_member_id(uow, item))
    expires = offer_expiry(item, now, settings)
    item.status = WorkStatus.OFFERED
    item.rounds += 1
    item.spare_due_at = spare_due(item, chosen, now, expires, settings)
    if item.rounds == 1 and item.funded_at is not None:
        waited = (now - item.funded_at).total_seconds()
        uow.emit(FirstOfferMade(work_id=item.id, seconds_since_funding=max(0.0, waited)))
    return [await make_offer(uow, item, candidate, now, expires) for candidate in chosen]


def offer_expiry(item: WorkItem, now: datetime, settings: Settings) -> datetime:
    """When an offer made now times out: the community's time-out, or the item's deadline."""
    minutes = (
        settings.urgent_offer_timeout_minutes if item.urgent else settings.offer_timeout_minutes
    )
    return min(now + timedelta(minutes=minutes), item.deadline)


async def make_offer(
    uow: UnitOfWork,
    item: WorkItem,
    candidate: Candidate,
    now: datetime,
    expires: datetime,
    asked_before: bool = False,
) -> int:
    """Offer the item to one parent, in their language, and say so on the bus."""
    parent = await uow.recipient(candidate.member_id)  # so speaking_to reads nothing more
    async with speaking_to(uow, candidate.member_id, item.community_id):
        offer = Offer(
            work_id=item.id,
            member_id=candidate.member_id,
            round=item.rounds,
            why=candidate.why[:300],
            made_at=now,
            expires_at=expires,
        )
        uow.session.add(offer)
        await uow.session.flush()
        uow.notify_recipient(parent, await offer_notice(uow, item, offer, asked_before))
    await tell_partners_of_offer(uow, item, parent)
    uow.emit(OfferMade(offer_id=offer.id, work_id=item.id, member_id=candidate.member_id))
    return offer.id


NOBODY_FREE = "nobody-free:{}"  # the ref of the one notice saying an item found nobody yet


async def tell_nobody_is_free_once(uow: UnitOfWork, item: WorkItem, owner: int) -> None:
    """The first try found nobody to ask: the business and the moderators hear it, once."""
    ref = NOBODY_FREE.format(item.id)
    told = await uow.session.scalar(select(OutboxNotice.id).where(OutboxNotice.ref == ref).limit(1))
    if told is not None:
        return
    due = local_time_text(item.deadline, await uow.session.get_one(Member, owner))
    async with speaking_to(uow, owner):
        await uow.notify(
            Notice(
                to=owner,
                ref=ref,
                text=_(
                    'Nobody who fits "{title}" (#{id}) is free right now. I\'ll offer it the moment someone suitable is, until {due}; if nobody takes it by then you get a full refund. To stop waiting, type /cancel {id}.',
                    title=item.title,
                    id=item.id,
                    due=due,
                ),
            )
        )
    async with speaking_to(uow, MODERATORS, item.community_id):
        await uow.notify(
            Notice(
                to=MODERATORS,
                community_id=item.community_id,
                ref=ref,
                text=_(
                    'Nobody is free for "{title}" (#{id}) yet; it waits for a parent with the skills asked until {deadline} UTC.',
                    title=item.title,
                    id=item.id,
                    deadline=formatting.dated(item.deadline, "%d %b %H:%M"),
                ),
            )
        )


async def tell_about_widening(uow: UnitOfWork, item: WorkItem, owner: int) -> None:
    """After several rounds without a taker: the business hears how it is going, moderators too."""
    declined = await uow.session.scalar(
        select(func.count()).where(Offer.work_id == item.id, Offer.status != OfferStatus.PENDING)
    )
    async with speaking_to(uow, owner):
        await uow.notify(
            Notice(
                to=owner,
                text=ngettext(
                    "\"{title}\" (#{id}): {n} parent was asked and didn't take it yet, so I'm now also asking parents with less experience in the skills you chose. You'll hear as soon as someone accepts.",
                    "\"{title}\" (#{id}): {n} parents were asked and none took it yet, so I'm now also asking parents with less experience in the skills you chose. You'll hear as soon as someone accepts.",
                    declined or 0,
                    title=item.title,
                    id=item.id,
                ),
            )
        )
    async with speaking_to(uow, MODERATORS, item.community_id):
        await uow.notify(
            Notice(
                to=MODERATORS,
                community_id=item.community_id,
                text=_(
                    'No taker for "{title}" (#{id}) after {rounds} rounds ({declined} asked); offering it more widely now. Due {deadline} UTC.',
                    title=item.title,
                    id=item.id,
                    rounds=item.rounds,
                    declined=declined,
                    deadline=formatting.dated(item.deadline, "%d %b %H:%M"),
                ),
            )
        )


async def offer_notice(
    uow: UnitOfWork, item: WorkItem, offer: Offer, asked_before: bool = False
) -> Notice:
    member = await uow.session.get_one(Member, offer.member_id)
    if item.project_id is not None:
        return await project_offer(uow, item, offer, member)
    needed = [name for _code, _level, name in await uow.skills_asked(item.id)]
    share = Money(parent_share(item.budget_minor, item.fee_bps), item.currency)
    return offer_message(
        offer,
        _(
            'New paid work: "{title}" (#{id})\n{listing} · about {duration} · due {local_time_text}\n{description}\nYou receive {share}.\n',
            title=item.title,
            id=item.id,
            listing=", ".join(_(name) for name in needed),
            duration=format_duration(timedelta(minutes=item.estimated_minutes)),
            local_time_text=local_time_text(item.deadline, member),
            description=item.description[:600],
            share=share,
        )
        + head_start(item, offer, asked_before),
    )


def head_start(item: WorkItem, offer: Offer, asked_before: bool) -> str:
    """What a round with a spare (core/spares.py) means for this parent, in one line."""
    if asked_before:
        return _(
            "Another parent was asked a few minutes ago and hasn't answered yet: the first of you to accept takes it.\n"
        )
    if item.spare_due_at is None:
        return ""
    minutes = max(1, round((item.spare_due_at - offer.made_at).total_seconds() / 60))
    return ngettext(
        "You have a head start: if nobody has accepted in {n} minute, another parent may be asked too, and the first to accept takes it.\n",
        "You have a head start: if nobody has accepted in {n} minutes, another parent may be asked too, and the first to accept takes it.\n",
        minutes,
    )


async def _own_offer(
    uow: UnitOfWork, actor_member_id: int, offer_id: int
) -> tuple[Offer, WorkItem]:
    offer = await uow.session.get(Offer, offer_id)
    if offer is None:
        raise StaleAction(_("This offer is no longer open."))
    if offer.member_id != actor_member_id:
        raise NotAllowed(_("This offer was sent to someone else, so only they can answer it."))
    item = await uow.work_for_update(offer.work_id)
    await uow.session.refresh(offer)
    return offer, item


async def accept_offer(cmd: AcceptOffer, uow: UnitOfWork) -> str:
    offer, item = await _own_offer(uow, cmd.actor.member_id, cmd.offer_id)
    member = await member_of(uow, cmd.actor)
    now = uow.now()
    check_offer_move(offer.status, OfferStatus.ACCEPTED)
    if now >= offer.expires_at:
        raise StaleAction(_("This offer has timed out, so it is no longer open."))
    await communities.ensure_taking_part(uow, item.community_id, member.id)
    check_work_move(item.status, WorkStatus.ASSIGNED, item.title)
    if await active_jobs(uow, member.id) >= member.max_jobs:
        raise DomainError(
            _("You already have as many jobs as your profile allows; finish one first.")
        )
    if (busy := await partner_busy(uow, member.id)) is not None:
        raise DomainError(busy)
    offer.status = OfferStatus.ACCEPTED
    offer.responded_at = now
    await remember_answer(uow, offer, member.timezone, Answer.ACCEPTED)
    item.status = WorkStatus.ASSIGNED
    item.assignee_member_id = member.id
    item.assigned_at = now
    item.spare_due_at = None
    await rescind_pending(uow, item, _("another parent took this one. Thanks, more will come!"))
    if item.project_id is not None:
        said = await projects.take_on(uow, item, member, offer.id)
        uow.emit(WorkAssigned(work_id=item.id, member_id=member.id))
        return said
    due = local_time_text(item.deadline, member)
    async with speaking_to(uow, member.id):
        await uow.notify(
            Notice(
                to=member.id,
                text=_(
                    'You accepted "{title}" (#{id}). Deliver by {due}: type /submit {id} followed by your work or a link.',
                    title=item.title,
                    id=item.id,
                    due=due,
                ),
                actions=[Action(label=_("Submit work"), token=f"ws:{item.id}")],
                replaces=f"offer:{offer.id}",
            )
        )
    async with speaking_to(uow, await owner_member_id(uow, item)):
        await uow.notify(
            Notice(
                to=await owner_member_id(uow, item),
                text=_(
                    '{display_name} is working on "{title}" (#{id}). You\'ll get the delivery here.',
                    display_name=member.display_name,
                    title=item.title,
                    id=item.id,
                ),
            )
        )
    uow.emit(WorkAssigned(work_id=item.id, member_id=member.id))
    return _(
        '"{title}" is yours. Deliver by {due} with /submit {id}.',
        title=item.title,
        due=due,
        id=item.id,
    )


async def decline_offer(cmd: DeclineOffer, uow: UnitOfWork) -> str:
    offer, item = await _own_offer(uow, cmd.actor.member_id, cmd.offer_id)
    check_offer_move(offer.status, OfferStatus.DECLINED)
    offer.status = OfferStatus.DECLINED
    offer.responded_at = uow.now()
    member = await uow.session.get_one(Member, offer.member_id)
    await remember_answer(uow, offer, member.timezone, Answer.DECLINED)
    async with speaking_to(uow, offer.member_id):
        await uow.notify(
            Notice(
                to=offer.member_id,
                text=_('You passed on "{title}". No problem!', title=item.title),
                replaces=f"offer:{offer.id}",
            )
        )
    uow.emit(OfferDeclined(offer_id=offer.id, work_id=item.id, member_id=offer.member_id))
    return _("Declined. We'll keep sending you work that fits.")


async def expire_offer(cmd: ExpireOffer, uow: UnitOfWork) -> bool:
    """Time an offer out; a no-op if it was answered or already handled by another sweeper."""
    offer = await uow.session.get(Offer, cmd.offer_id)
    if offer is None:
        return False
    item = await uow.work_for_update(offer.work_id)
    await uow.session.refresh(offer)
    if offer.status != OfferStatus.PENDING or offer.expires_at > uow.now():
        return False
    offer.status = OfferStatus.EXPIRED
    offer.responded_at = uow.now()
    member = await uow.session.get_one(Member, offer.member_id)
    await remember_answer(uow, offer, member.timezone, Answer.EXPIRED)
    async with speaking_to(uow, offer.member_id):
        await uow.notify(
            Notice(
                to=offer.member_id,
                text=_('"{title}": this offer timed out.', title=item.title),
                replaces=f"offer:{offer.id}",
            )
        )
    uow.emit(OfferExpired(offer_id=offer.id, work_id=item.id, member_id=offer.member_id))
    return True


async def move_offers_on(
    cmd: MoveOffersOn, uow: UnitOfWork, router: Router, settings: Settings
) -> int:
    """Offers to someone we can't reach are rescinded and their items offered again at once,
    rather than waiting out the time-out; nothing is sent to the unreachable member."""
    pending = (
        await uow.session.execute(
            select(Offer.id, Offer.work_id).where(
                Offer.member_id == cmd.member_id, Offer.status == OfferStatus.PENDING
            )
        )
    ).all()
    moved = 0
    for offer_id, work_id in pending:
        await uow.work_for_update(work_id)
        offer = await uow.session.get_one(Offer, offer_id)
        await uow.session.refresh(offer)
        if offer.status != OfferStatus.PENDING:
            continue  # answered meanwhile
        check_offer_move(offer.status, OfferStatus.RESCINDED)
        offer.status = OfferStatus.RESCINDED
        offer.responded_at = uow.now()
        await route(uow, work_id, router, settings)
        moved += 1
    return moved


async def route_work(
    cmd: RouteWork, uow: UnitOfWork, router: Router, settings: Settings
) -> list[int]:
    return await route(uow, cmd.work_id, router, settings)


async def route_after(
    event: WorkFunded | OfferDeclined | OfferExpired,
    uow: UnitOfWork,
    router: Router,
    settings: Settings,
) -> None:
    await route(uow, event.work_id, router, settings)


async def route_waiting_items(
    event: MemberAvailable, uow: UnitOfWork, router: Router, settings: Settings
) -> None:
    """Someone became free: the open items that fit them get another try, as many as they
    can take. One bounded query (the Router's), never a loop over every open item."""
    member = await uow.session.get_one(Member, event.member_id)
    asked = await uow.session.scalar(
        select(func.count()).where(
            Offer.member_id == member.id, Offer.status == OfferStatus.PENDING
        )
    )
    room = member.max_jobs - await active_jobs(uow, member.id) - int(asked or 0)
    for work_id in await router.waiting_for(uow, member.id, uow.now(), room):
        await route(uow, work_id, router, settings)


async def route_after_delivery(
    event: DeliverySubmitted, uow: UnitOfWork, router: Router, settings: Settings
) -> None:
    """A delivered job frees its slot while the business reviews it: open items that fit the
    parent get a try, as when they become available."""
    item = await uow.session.get(WorkItem, event.work_id)
    if item is None or item.assignee_member_id is None:
        return
    await route_waiting_items(
        MemberAvailable(member_id=item.assignee_member_id), uow, router, settings
    )
