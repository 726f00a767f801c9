"""Businesses post work and cancel it; items past their deadline expire."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from core import communities
from core.actors import Actor
from core.commands import (
    ApprovePost,
    CancelWork,
    CheckPostField,
    PostWork,
    RejectPost,
    WidenWork,
)
from core.config import Settings
from core.content import Concerns, banned_in, concerns
from core.errors import DomainError, StaleAction
from core.events import WorkCancelled, WorkExpired
from core.handlers.common import (
    business_of,
    catalogue,
    local_time_text,
    member_of,
    owned_item,
    owner_member_id,
    pending_offers,
    zone,
)
from core.language import _
from core.language.people import speaking_to
from core.models import (
    Business,
    CommunityBusiness,
    Member,
    Membership,
    MemberSkill,
    Project,
    WorkItem,
    WorkSkill,
)
from core.money import Money, parent_share, payment_reference, platform_fee
from core.notices import MODERATORS, Action, Notice
from core.parsing import format_duration, parse_deadline, parse_duration, parse_money
from core.ports import CheckoutRequest, PaymentGateway
from core.skills import describe
from core.states import WORK_STATE_SENTENCES, OfferStatus, WorkStatus, check_work_move
from core.uow import UnitOfWork

MIN_ESTIMATE = timedelta(minutes=5)
MAX_ESTIMATE = timedelta(hours=40)


@dataclass(frozen=True)
class Posted:
    work_id: int
    checkout: str
    message: str
    actions: list[Action] = field(default_factory=list)


async def read_field(
    uow: UnitOfWork, settings: Settings, owner: Member, field: str, value: str
) -> str:
    """Check one field as typed; returns how it was understood, or raises DomainError."""
    now = uow.now()
    text = value.strip()
    if field == "title":
        if not 3 <= len(text) <= 120:
            raise DomainError(_("A title is 3 to 120 characters, like: Proofread our spring menu."))
        return checked_words(text, settings)
    if field == "description":
        if len(text) < 3:
            raise DomainError(_("Please describe the work in a sentence or two."))
        return checked_words(text[:4000], settings)
    if field == "skills":
        skills = await catalogue(uow)
        return describe(skills.resolve_levelled_min(text), skills)
    if field == "budget":
        return str(checked_budget(text, settings))
    if field == "estimate":
        return format_duration(checked_estimate(text))
    if field == "deadline":
        return local_time_text(parse_deadline(text, now, zone(owner)), owner)
    raise DomainError(_("There is no field called {field}.", field=field))


def checked_budget(text: str, settings: Settings) -> Money:
    budget = parse_money(text, settings.currency)
    if budget.currency != settings.currency:
        raise DomainError(
            _(
                "This community pays in {currency}; give the budget in it.",
                currency=settings.currency,
            )
        )
    if budget.minor < settings.min_budget_minor:
        raise DomainError(
            _(
                "The smallest budget here is {money}.",
                money=Money(settings.min_budget_minor, budget.currency),
            )
        )
    if budget.minor > settings.max_budget_minor:
        raise DomainError(
            _(
                "Budgets above {money} need a moderator; split the work into smaller items or ask them.",
                money=Money(settings.max_budget_minor, budget.currency),
            )
        )
    return budget


def checked_words(text: str, settings: Settings) -> str:
    banned = banned_in(text, settings.banned_words)
    if banned:
        raise DomainError(
            _(
                'Posts here can\'t include "{banned}" (a community rule); please reword it.',
                banned=banned[0],
            )
        )
    return text


def checked_estimate(text: str) -> timedelta:
    estimate = parse_duration(text, limit=MAX_ESTIMATE)
    if estimate < MIN_ESTIMATE:
        raise DomainError(_("Estimates start at 5 minutes; try 15m or 1h."))
    return estimate


async def check_post_field(cmd: CheckPostField, uow: UnitOfWork, settings: Settings) -> str:
    business = await business_of(uow, cmd.actor)
    here = await posting_community(uow, cmd.actor, business)
    settings = await communities.community_settings(uow, settings, here.community_id)
    return await read_field(uow, settings, await member_of(uow, cmd.actor), cmd.field, cmd.value)


async def posting_community(uow: UnitOfWork, actor: Actor, business: Business) -> CommunityBusiness:
    """Where a post goes: the community the business acts from (or its only one), if the
    business stands there and its owner takes part."""
    community_id = actor.community_id
    if community_id is None:
        mine = (
            await uow.session.scalars(
                select(CommunityBusiness.community_id).where(
                    CommunityBusiness.business_id == business.id
                )
            )
        ).all()
        if len(mine) != 1:
            raise DomainError(
                _(
                    "You take part in several communities; type /post in the group or server of the one you're posting to."
                )
            )
        community_id = mine[0]
    await communities.ensure_taking_part(uow, community_id, actor.member_id)
    here = await uow.session.get(CommunityBusiness, (community_id, business.id))
    if here is None:
        raise DomainError(
            _(
                "{name} isn't registered in this community yet; type /business here first.",
                name=business.name,
            )
        )
    if here.rejected_reason:
        raise DomainError(
            _(
                "This community's moderators didn't approve {name} ({rejected_reason}); ask them in the community.",
                name=business.name,
                rejected_reason=here.rejected_reason,
            )
        )
    return here


async def poster(
    uow: UnitOfWork, actor: Actor, settings: Settings
) -> tuple[Business, Member, CommunityBusiness, Settings]:
    """Who posts (their business and themselves), where, and that community's settings."""
    business = await business_of(uow, actor)
    owner = await member_of(uow, actor)
    here = await posting_community(uow, actor, business)
    return (
        business,
        owner,
        here,
        await communities.community_settings(uow, settings, here.community_id),
    )


async def post_work(
    cmd: PostWork, uow: UnitOfWork, settings: Settings, gateway: PaymentGateway
) -> Posted:
    business, owner, here, settings = await poster(uow, cmd.actor, settings)
    now = uow.now()
    required = (await catalogue(uow)).resolve_levelled_min(cmd.skills)
    checked_words(f"{cmd.title}\n{cmd.description}", settings)
    budget = checked_budget(cmd.budget, settings)
    estimate = checked_estimate(cmd.estimate)
    deadline = parse_deadline(cmd.deadline, now, zone(owner))
    if deadline < now + estimate:
        raise DomainError(_("The deadline is sooner than the work would take; allow more time."))
    item = WorkItem(
        community_id=here.community_id,
        business_id=business.id,
        title=cmd.title,
        description=cmd.description,
        budget_minor=budget.minor,
        currency=budget.currency,
        fee_bps=settings.platform_fee_bps,
        estimated_minutes=int(estimate.total_seconds() // 60),
        deadline=deadline,
        urgent=cmd.urgent,
        status=WorkStatus.DRAFT,
        created_at=now,
        routed_at=now,
    )
    uow.session.add(item)
    await uow.session.flush()
    for code, level in required.items():
        uow.session.add(WorkSkill(work_id=item.id, skill_code=code, min_level=level))
    missing = await skills_nobody_here_has(uow, item, required, owner.id)
    heads_up = (
        _(
            "\nHeads-up: nobody in this community lists {listing} yet, so it may wait until its deadline (and be refunded in full). Ask for any level, or cancel it (/cancel {id}).",
            listing=" or ".join(missing),
            id=item.id,
        )
        if missing
        else ""
    )
    choices = (
        [
            Action(label=_("Ask any level"), token=f"wl:{item.id}"),
            Action(label=_("Cancel it"), token=f"wn:{item.id}"),
        ]
        if missing
        else []
    )
    flagged = concerns(item.title, item.description)
    if for_review(settings, here, flagged):
        await ask_moderators_to_review(
            uow,
            item,
            _(
                'New post to review from {name}: "{title}" (#{id}), budget {budget}{flagged_words}\n{description}',
                name=business.name,
                title=item.title,
                id=item.id,
                budget=budget,
                flagged_words=flagged_words(flagged),
                description=item.description[:1500],
            ),
        )
        because = (
            _(
                " because it seems to hold contact details or a payment arrangement outside Parent Brain (all contact and payment go through here)"
            )
            if flagged
            else ""
        )
        return Posted(
            item.id,
            "",
            _(
                "Thanks! \"{title}\" (#{id}) goes to a moderator first{because}; you'll get the payment link here as soon as it's approved.{heads_up}",
                title=item.title,
                id=item.id,
                because=because,
                heads_up=heads_up,
            ),
            choices,
        )
    checkout = await open_for_payment(uow, item, gateway)
    fee = Money(platform_fee(budget.minor, item.fee_bps), budget.currency)
    share = Money(parent_share(budget.minor, item.fee_bps), budget.currency)
    message = _(
        'Posted #{id} "{title}", due {local_time_text}. Budget {budget}: the parent receives {share} and the platform fee is {fee}.\nTo open it to parents, {checkout}.{heads_up}',
        id=item.id,
        title=item.title,
        local_time_text=local_time_text(deadline, owner),
        budget=budget,
        share=share,
        fee=fee,
        checkout=checkout,
        heads_up=heads_up,
    )
    return Posted(item.id, checkout, message, choices)


def for_review(settings: Settings, here: CommunityBusiness, flagged: Concerns) -> bool:
    """Whether a moderator reviews a post (an item or a project) before it is paid for."""
    return (
        bool(flagged)
        or settings.moderate_posts == "all"
        or (settings.moderate_posts == "first" and not here.verified)
    )


def flagged_words(flagged: Concerns) -> str:
    return (
        _("\nFlagged: it seems to hold {describe}.", describe=flagged.describe()) if flagged else ""
    )


async def ask_moderators_to_review(uow: UnitOfWork, item: WorkItem, text: str) -> None:
    """The moderators' review, with its buttons on the item (a project's first milestone)."""
    async with speaking_to(uow, MODERATORS, item.community_id):
        await uow.notify(
            Notice(
                to=MODERATORS,
                community_id=item.community_id,
                text=text,
                actions=[
                    Action(label=_("Approve post"), token=f"pa:{item.id}"),
                    Action(label=_("Reject post"), token=f"pr:{item.id}"),
                ],
            )
        )


def checkout_request(item: WorkItem, attempt: int = 0) -> CheckoutRequest:
    """What the gateway is asked for an item's payment (a later `attempt`: a new link)."""
    return CheckoutRequest(
        item.id,
        item.title,
        item.budget_minor,
        item.currency,
        item.business_id,
        project_id=item.project_id,
        attempt=attempt,
    )


async def widen_work(cmd: WidenWork, uow: UnitOfWork) -> str:
    """Any level of the item's skills will do from now on."""
    item = await owned_item(uow, cmd.actor, cmd.work_id)
    if item.status not in (
        WorkStatus.DRAFT,
        WorkStatus.AWAITING_PAYMENT,
        WorkStatus.OPEN,
        WorkStatus.OFFERED,
    ):
        raise StaleAction(
            _(
                '"{title}" (#{id}) {WORK_STATE_SENTENCES}, so its skills can\'t change now.',
                title=item.title,
                id=item.id,
                WORK_STATE_SENTENCES=_(WORK_STATE_SENTENCES[item.status]),
            )
        )
    asked = (await uow.session.scalars(select(WorkSkill).where(WorkSkill.work_id == item.id))).all()
    for skill in asked:
        skill.min_level = 1
    uow.skills_changed(item.id)
    item.routed_version = None  # the item changed: the next sweep tries it, roster or not
    owner = await owner_member_id(uow, item)
    still = await skills_nobody_here_has(uow, item, {s.skill_code: 1 for s in asked}, owner)
    if still:
        return _(
            'Any level will do for "{title}" now, but nobody here lists {listing} at all yet, so it may still wait. To drop it, /cancel {id}.',
            title=item.title,
            listing=" or ".join(still),
            id=item.id,
        )
    return _(
        'Any level will do for "{title}" (#{id}) now; I\'ll offer it more widely.',
        title=item.title,
        id=item.id,
    )


async def skills_nobody_here_has(
    uow: UnitOfWork, item: WorkItem, required: dict[str, int], owner_id: int
) -> list[str]:
    """The skills asked (at the level asked) that no member of the item's community has."""
    skills = await catalogue(uow)
    missing = []
    for code, level in required.items():
        someone = await uow.session.scalar(
            select(MemberSkill.member_id)
            .join(
                Membership,
                (Membership.member_id == MemberSkill.member_id)
                & (Membership.community_id == item.community_id)
                & Membership.active.is_(True),
            )
            .where(
                MemberSkill.skill_code == code,
                MemberSkill.level >= level,
                MemberSkill.member_id != owner_id,
            )
            .limit(1)
        )
        if someone is None:
            missing.append(describe({code: level}, skills))
    return missing


async def open_for_payment(
    uow: UnitOfWork, item: WorkItem, gateway: PaymentGateway, *, tell_moderators: bool = True
) -> str:
    """Ask the gateway how the business pays, and wait for the money."""
    check_work_move(item.status, WorkStatus.AWAITING_PAYMENT, item.title)
    item.status = WorkStatus.AWAITING_PAYMENT
    item.checkout_url = await gateway.create_checkout(checkout_request(item))
    item.payment_asked_at = uow.now()
    if gateway.confirms_by_hand and tell_moderators:
        business = await uow.session.get_one(Business, item.business_id)
        async with speaking_to(uow, MODERATORS, item.community_id):
            await uow.notify(
                Notice(
                    to=MODERATORS,
                    community_id=item.community_id,
                    text=_(
                        'Item #{id} "{title}" awaits a bank transfer of {money} from {name}, quoting {payment_reference}. When it arrives, type /funded {id} followed by your bank reference.',
                        id=item.id,
                        title=item.title,
                        money=Money(item.budget_minor, item.currency),
                        name=business.name,
                        payment_reference=payment_reference(item.id),
                    ),
                )
            )
    return item.checkout_url


async def open_project_for_payment(
    uow: UnitOfWork, items: list[WorkItem], gateway: PaymentGateway
) -> None:
    """Each milestone of a project gets its own payment; offline, the moderators hear of
    every transfer to expect in one message rather than one each."""
    for item in items:
        await open_for_payment(uow, item, gateway, tell_moderators=False)
    if not gateway.confirms_by_hand or not items:
        return
    business = await uow.session.get_one(Business, items[0].business_id)
    async with speaking_to(uow, MODERATORS, items[0].community_id):
        expected = "\n".join(
            _(
                '• #{id} "{title}": {money}, quoting {payment_reference}',
                id=item.id,
                title=item.title,
                money=Money(item.budget_minor, item.currency),
                payment_reference=payment_reference(item.id),
            )
            for item in items
        )
        await uow.notify(
            Notice(
                to=MODERATORS,
                community_id=items[0].community_id,
                text=_(
                    "Project {project_id} from {name} is paid milestone by milestone, each by its own bank transfer, often weeks apart:\n{expected}\nWhen one arrives, type /funded followed by its item number and your bank reference.",
                    project_id=items[0].project_id,
                    name=business.name,
                    expected=expected,
                ),
            )
        )


async def approve_post(cmd: ApprovePost, uow: UnitOfWork, gateway: PaymentGateway) -> str:
    cmd.actor.require_moderator()
    item = await uow.work_for_update(cmd.work_id)
    cmd.actor.require_moderator_of(item.community_id)
    if item.status != WorkStatus.DRAFT:
        raise StaleAction(
            _(
                '"{title}" (#{id}) {WORK_STATE_SENTENCES}, so there is nothing to review.',
                title=item.title,
                id=item.id,
                WORK_STATE_SENTENCES=_(WORK_STATE_SENTENCES[item.status]),
            )
        )
    business = await uow.session.get_one(Business, item.business_id)
    here = await communities.standing(uow, item.community_id, business.id)
    here.verified = True  # a business whose post passed review here is trusted here from now on
    if item.project_id is not None:  # a project is reviewed once, through its first milestone
        await open_project_for_payment(uow, await drafts_of_project(uow, item.project_id), gateway)
        async with speaking_to(uow, business.owner_member_id):
            await uow.notify(
                Notice(
                    to=business.owner_member_id,
                    text=_(
                        "A moderator approved your project (project {project_id}). To open it to parents, fund milestone 1: {checkout_url}.\n/project {project_id} shows each milestone's payment.",
                        project_id=item.project_id,
                        checkout_url=item.checkout_url,
                    ),
                )
            )
        return _(
            "Approved project {project_id}; {name} has the payment links.",
            project_id=item.project_id,
            name=business.name,
        )
    checkout = await open_for_payment(uow, item, gateway)
    share = Money(parent_share(item.budget_minor, item.fee_bps), item.currency)
    async with speaking_to(uow, business.owner_member_id):
        await uow.notify(
            Notice(
                to=business.owner_member_id,
                text=_(
                    'A moderator approved "{title}" (#{id}); the parent will receive {share}.\nTo open it to parents, {checkout}.',
                    title=item.title,
                    id=item.id,
                    share=share,
                    checkout=checkout,
                ),
            )
        )
    return _(
        'Approved #{id} "{title}"; {name} has the payment link.',
        id=item.id,
        title=item.title,
        name=business.name,
    )


async def reject_post(cmd: RejectPost, uow: UnitOfWork) -> str:
    cmd.actor.require_moderator()
    item = await uow.work_for_update(cmd.work_id)
    cmd.actor.require_moderator_of(item.community_id)
    if item.status != WorkStatus.DRAFT:
        raise StaleAction(
            _(
                '"{title}" (#{id}) {WORK_STATE_SENTENCES}, so there is nothing to review.',
                title=item.title,
                id=item.id,
                WORK_STATE_SENTENCES=_(WORK_STATE_SENTENCES[item.status]),
            )
        )
    item.status = WorkStatus.CANCELLED
    if item.project_id is not None:
        for milestone in await drafts_of_project(uow, item.project_id):
            milestone.status = WorkStatus.CANCELLED
        project = await uow.session.get_one(Project, item.project_id)
        project.status, project.ended_at, project.lead_work_id = "cancelled", uow.now(), None
    async with speaking_to(uow, await owner_member_id(uow, item)):
        await uow.notify(
            Notice(
                to=await owner_member_id(uow, item),
                text=_(
                    'A moderator didn\'t approve "{title}": {reason}\nYou can change it and /post again.',
                    title=item.title,
                    reason=cmd.reason,
                ),
            )
        )
    return _(
        'Rejected #{id} "{title}"; the business has your reason.', id=item.id, title=item.title
    )


async def drafts_of_project(uow: UnitOfWork, project_id: int) -> list[WorkItem]:
    """A project's milestones still waiting for review, locked, in order."""
    ids = (
        await uow.session.scalars(
            select(WorkItem.id)
            .where(WorkItem.project_id == project_id, WorkItem.status == WorkStatus.DRAFT)
            .order_by(WorkItem.milestone_no)
        )
    ).all()
    return [await uow.work_for_update(work_id) for work_id in ids]


async def cancel_work(cmd: CancelWork, uow: UnitOfWork) -> str:
    item = await owned_item(uow, cmd.actor, cmd.work_id)
    if item.project_id is not None:
        raise DomainError(
            _(
                "#{id} is a milestone of project {project_id}; to cancel, type /project {project_id} cancel.",
                id=item.id,
                project_id=item.project_id,
            )
        )
    check_work_move(item.status, WorkStatus.CANCELLED, item.title)
    await rescind_pending(
        uow, item, _("The business cancelled this work, so the offer is withdrawn.")
    )
    was_funded = item.funded_at is not None
    item.status = WorkStatus.CANCELLED
    uow.emit(WorkCancelled(work_id=item.id, was_funded=was_funded))
    refund = _(" Your payment will be refunded.") if was_funded else ""
    return f'Cancelled "{item.title}".{refund}'


async def expire_item(uow: UnitOfWork, item: WorkItem, owner_id: int) -> None:
    """The deadline passed with nobody on the job."""
    was_funded = item.funded_at is not None
    check_work_move(item.status, WorkStatus.EXPIRED, item.title)
    await rescind_pending(uow, item, _("This work reached its deadline, so the offer is closed."))
    item.status = WorkStatus.EXPIRED
    async with speaking_to(uow, owner_id):
        said = _(
            'Nobody could take "{title}" before its deadline, so it has expired.', title=item.title
        )
        if item.project_id is not None and not was_funded:
            said = _(
                '"{title}" wasn\'t funded by its date, so this milestone was dropped. /project {project_id} shows the rest.',
                title=item.title,
                project_id=item.project_id,
            )
        await uow.notify(Notice(to=owner_id, text=said))  # a refund follows as its own message
    uow.emit(WorkExpired(work_id=item.id, was_funded=was_funded))


async def rescind_pending(uow: UnitOfWork, item: WorkItem, reason: str) -> None:
    now = uow.now()
    for offer in await pending_offers(uow, item.id):
        offer.status = OfferStatus.RESCINDED
        offer.responded_at = now
        async with speaking_to(uow, offer.member_id):
            await uow.notify(
                Notice(
                    to=offer.member_id,
                    text=f'"{item.title}": {reason}',
                    replaces=f"offer:{offer.id}",
                )
            )
