"""A project from offer to end: one parent takes all of it, each milestone starts when it is
funded, milestones are approved in order, and the project ends approved, cancelled or
handed on when its parent leaves."""

from __future__ import annotations

from sqlalchemy import select

from core.actors import Actor
from core.audit import audit_entry
from core.commands import CancelProject, ReofferProject
from core.errors import DomainError, NotAllowed, NotFound, StaleAction
from core.events import WorkCancelled, WorkExpired, WorkFunded
from core.handlers.common import business_of, local_time_text, owner_member_id, pending_offers
from core.language import _, ngettext
from core.language.people import speaking_to
from core.models import Business, Member, Project, WorkItem
from core.money import Money, parent_share
from core.notices import Action, Notice
from core.projects.words import PROJECT_STATE
from core.states import OfferStatus, WorkStatus
from core.uow import UnitOfWork

W = WorkStatus
FINISHED = (W.APPROVED, W.PAID, W.CANCELLED, W.EXPIRED, W.REFUNDED)
UNSTARTED = (W.DRAFT, W.AWAITING_PAYMENT)  # nothing paid in
FUNDED_UNDELIVERED = (W.OPEN, W.OFFERED, W.ASSIGNED)


async def milestones(uow: UnitOfWork, project_id: int) -> list[WorkItem]:
    """The project's milestones in order, each locked as a single item's handlers lock it."""
    ids = (
        await uow.session.scalars(
            select(WorkItem.id)
            .where(WorkItem.project_id == project_id)
            .order_by(WorkItem.milestone_no)
        )
    ).all()
    return [await uow.work_for_update(work_id) for work_id in ids]


async def project_of(uow: UnitOfWork, item: WorkItem) -> Project:
    assert item.project_id is not None
    project = await uow.session.get(Project, item.project_id, with_for_update=True)
    assert project is not None  # enforced by the foreign key
    await uow.session.refresh(project)
    return project


async def owned_project(uow: UnitOfWork, actor: Actor, project_id: int) -> Project:
    """The project, locked, if the actor's business posted it or the actor moderates its
    community."""
    if not actor.is_moderator:
        await business_of(uow, actor)
    project = await uow.session.get(Project, project_id, with_for_update=True)
    if project is None:
        raise NotFound(
            _("There is no project {project_id}; /project lists yours.", project_id=project_id)
        )
    await uow.session.refresh(project)
    business = await uow.session.get_one(Business, project.business_id)
    if business.owner_member_id == actor.member_id:
        return project
    if actor.is_moderator:
        actor.require_moderator_of(project.community_id)
        return project
    raise NotAllowed(_("Project {project_id} belongs to another business.", project_id=project_id))


def _no(item: WorkItem) -> str:
    return _("milestone {milestone_no}", milestone_no=item.milestone_no)


def _share(item: WorkItem) -> Money:
    return Money(parent_share(item.budget_minor, item.fee_bps), item.currency)


async def take_on(uow: UnitOfWork, lead: WorkItem, member: Member, offer_id: int) -> str:
    """The parent accepted the project's offer: every milestone is theirs. Funded ones are
    assigned now; the others carry their name and start when the business funds them."""
    project = await project_of(uow, lead)
    now = uow.now()
    project.assignee_member_id, project.status, project.lead_work_id = member.id, "under_way", None
    parts = await milestones(uow, project.id)
    for item in parts:
        if item.id == lead.id or item.status in FINISHED:
            continue
        item.assignee_member_id = member.id
        if item.status in (W.OPEN, W.OFFERED):
            for offer in await pending_offers(uow, item.id):
                offer.status, offer.responded_at = OfferStatus.RESCINDED, now
            item.status, item.assigned_at = W.ASSIGNED, now
    async with speaking_to(uow, member.id):
        total = Money(
            sum(_share(i).minor for i in parts if i.status not in FINISHED), project.currency
        )
        waiting = [i for i in parts if i.status == W.AWAITING_PAYMENT]
        later = (
            ngettext(
                " {listing} is not funded yet; I'll tell you when it is.",
                " {listing} are not funded yet; I'll tell you as each one is.",
                len(waiting),
                listing=", ".join(_no(i).capitalize() for i in waiting),
            )
            if waiting
            else ""
        )
        due = local_time_text(lead.deadline, member)
        await uow.notify(
            Notice(
                to=member.id,
                text=_(
                    'You took on project {id} "{title}": {count} milestones, {total} for you in all. Start with {no}: deliver by {due} with /submit {id2}.{later}\n/project {id} shows where it stands.',
                    id=project.id,
                    title=project.title,
                    count=len(parts),
                    total=total,
                    no=_no(lead),
                    due=due,
                    id2=lead.id,
                    later=later,
                ),
                actions=[Action(label=_("Submit work"), token=f"ws:{lead.id}")],
                replaces=f"offer:{offer_id}",
            )
        )
    owner = await owner_member_id(uow, lead)
    async with speaking_to(uow, owner):
        to_fund = (
            _(
                " Fund {listing} when you're ready: /project {id}.",
                listing=", ".join(_no(i) for i in waiting),
                id=project.id,
            )
            if waiting
            else ""
        )
        await uow.notify(
            Notice(
                to=owner,
                text=_(
                    '{display_name} took on your project "{title}" and is working on {no}. You\'ll get each delivery here.{to_fund}',
                    display_name=member.display_name,
                    title=project.title,
                    no=_no(lead),
                    to_fund=to_fund,
                ),
            )
        )
    return _(
        'Project "{title}" is yours. Deliver {no} by {due} with /submit {id}.',
        title=project.title,
        no=_no(lead),
        due=due,
        id=lead.id,
    )


async def routes(uow: UnitOfWork, item: WorkItem) -> bool:
    """Whether routing offers this funded milestone now: only a project's lead, while
    nobody has the project. A milestone funded for a project under way goes straight to its
    parent instead."""
    project = await project_of(uow, item)
    if project.status == "under_way" and project.assignee_member_id is not None:
        if item.status == W.OPEN:
            await _start(uow, project, item, project.assignee_member_id)
        return False
    return project.status == "open" and item.id == project.lead_work_id


async def _start(uow: UnitOfWork, project: Project, item: WorkItem, member_id: int) -> None:
    item.status, item.assignee_member_id, item.assigned_at = W.ASSIGNED, member_id, uow.now()
    member = await uow.session.get_one(Member, member_id)
    async with speaking_to(uow, member_id):
        await uow.notify(
            Notice(
                to=member_id,
                text=_(
                    '{no} of "{title}" is funded: {share} for you. Deliver by {local_time_text} with /submit {id}.',
                    no=_no(item).capitalize(),
                    title=project.title,
                    share=_share(item),
                    local_time_text=local_time_text(item.deadline, member),
                    id=item.id,
                ),
                actions=[Action(label=_("Submit work"), token=f"ws:{item.id}")],
            )
        )


def funded_words(item: WorkItem, project: Project) -> str:
    """What the business reads when a milestone's payment arrives."""
    amount = Money(item.budget_minor, item.currency)
    if project.status == "under_way":
        return _(
            'Payment of {amount} received for {no} of "{title}"; its parent can start on it.',
            amount=amount,
            no=_no(item),
            title=project.title,
        )
    if item.id == project.lead_work_id:
        return _(
            'Payment of {amount} received for {no} of "{title}". We\'re finding a parent for the project now.',
            amount=amount,
            no=_no(item),
            title=project.title,
        )
    return _(
        'Payment of {amount} received for {no} of "{title}"; it is held until the project\'s parent reaches it.',
        amount=amount,
        no=_no(item),
        title=project.title,
    )


async def check_in_order(uow: UnitOfWork, item: WorkItem) -> None:
    """A project's milestones are approved in order."""
    earlier = await uow.session.scalar(
        select(WorkItem)
        .where(
            WorkItem.project_id == item.project_id,
            WorkItem.milestone_no < (item.milestone_no or 0),
            WorkItem.status.not_in(FINISHED),
        )
        .order_by(WorkItem.milestone_no)
        .limit(1)
    )
    if earlier is not None:
        raise DomainError(
            _(
                "Approve {no} (#{id}) first: a project's milestones are approved in order.",
                no=_no(earlier),
                id=earlier.id,
            )
        )


async def after_approval(
    uow: UnitOfWork, item: WorkItem, automatic: bool, rating: list[Action]
) -> None:
    """Both sides hear what an approved milestone means: paid, what comes next, and at the
    project's end, the one rating of the whole project."""
    project = await project_of(uow, item)
    parts = await milestones(uow, project.id)
    assert item.assignee_member_id is not None
    owner = await owner_member_id(uow, item)
    rest = [i for i in parts if i.status not in FINISHED]
    if not rest:
        project.status, project.ended_at = "done", uow.now()
        async with speaking_to(uow, item.assignee_member_id):
            await uow.notify(
                Notice(
                    to=item.assignee_member_id,
                    text=_(
                        '{no} of "{title}" was approved{how}: {share} is on its way to you, and the project is complete. How was working with this business?',
                        no=_no(item).capitalize(),
                        title=project.title,
                        how=_(" automatically") if automatic else "",
                        share=_share(item),
                    ),
                    actions=rating,
                    ref=f"rate:{item.id}",
                )
            )
        async with speaking_to(uow, owner):
            await uow.notify(
                Notice(
                    to=owner,
                    text=_(
                        'You approved the last milestone: project "{title}" is complete. How did the parent do?',
                        title=project.title,
                    ),
                    actions=rating,
                    ref=f"delivery:{item.id}" if not automatic else None,
                    replaces=f"delivery:{item.id}",
                )
            )
        return
    following = rest[0]
    unfunded = following.status == W.AWAITING_PAYMENT
    async with speaking_to(uow, item.assignee_member_id):
        await uow.notify(
            Notice(
                to=item.assignee_member_id,
                text=_(
                    '{no} of "{title}" was approved{how}: {share} is on its way to you.',
                    no=_no(item).capitalize(),
                    title=project.title,
                    how=_(" automatically") if automatic else "",
                    share=_share(item),
                )
                + (
                    _(
                        " {no} isn't funded yet; I'll tell you when it is.",
                        no=_no(following).capitalize(),
                    )
                    if unfunded
                    else ""
                ),
            )
        )
    async with speaking_to(uow, owner):
        next_step = (
            _(
                "Fund {no} ({money}) so the parent can start on it: {checkout_url}.",
                no=_no(following),
                money=Money(following.budget_minor, following.currency),
                checkout_url=following.checkout_url,
            )
            if unfunded
            else _("{no} is funded; the parent is on it.", no=_no(following).capitalize())
        )
        await uow.notify(
            Notice(
                to=owner,
                text=_(
                    'You approved {no} of "{title}"; the parent is being paid. ',
                    no=_no(item),
                    title=project.title,
                )
                + next_step,
                replaces=f"delivery:{item.id}",
            )
        )


async def rated_milestone(uow: UnitOfWork, item: WorkItem) -> WorkItem:
    """The milestone a project's one rating is kept on: its last approved, once it ended."""
    project = await uow.session.get_one(Project, item.project_id)
    if project.status not in ("done", "cancelled"):
        raise StaleAction(_("You can rate the project once it is complete."))
    last = await uow.session.scalar(
        select(WorkItem)
        .where(WorkItem.project_id == project.id, WorkItem.status.in_((W.APPROVED, W.PAID)))
        .order_by(WorkItem.milestone_no.desc())
        .limit(1)
    )
    if last is None:
        raise StaleAction(_("Nothing in this project was approved, so there is nothing to rate."))
    return last


async def cancel_project(cmd: CancelProject, uow: UnitOfWork) -> str:
    """Refund funded milestones not yet delivered, drop unfunded ones; nothing approved is
    taken back, and a delivery already made is still the business's to approve or dispute."""
    project = await owned_project(uow, cmd.actor, cmd.project_id)
    if project.status in ("done", "cancelled"):
        raise StaleAction(
            _(
                'Project {id} "{title}" is {PROJECT_STATE}, so there is nothing to cancel.',
                id=project.id,
                title=project.title,
                PROJECT_STATE=_(PROJECT_STATE[project.status]),
            )
        )
    now = uow.now()
    dropped, refunded, delivered = [], [], []
    for item in await milestones(uow, project.id):
        if item.status in UNSTARTED:
            item.status = W.CANCELLED
            dropped.append(item)
        elif item.status in FUNDED_UNDELIVERED:
            for offer in await pending_offers(uow, item.id):
                offer.status, offer.responded_at = OfferStatus.RESCINDED, now
                async with speaking_to(uow, offer.member_id):
                    await uow.notify(
                        Notice(
                            to=offer.member_id,
                            text=_(
                                '"{title}": the business cancelled the project, so the offer is withdrawn.',
                                title=project.title,
                            ),
                            replaces=f"offer:{offer.id}",
                        )
                    )
            item.status = W.CANCELLED
            uow.emit(WorkCancelled(work_id=item.id, was_funded=item.funded_at is not None))
            refunded.append(item)
        elif item.status in (W.SUBMITTED, W.DISPUTED):
            delivered.append(item)
    project.status, project.ended_at, project.lead_work_id = "cancelled", now, None
    uow.session.add(audit_entry(cmd, uow.now(), "CancelProject", project.community_id))
    back = Money(sum(i.budget_minor for i in refunded), project.currency)
    if project.assignee_member_id is not None:
        async with speaking_to(uow, project.assignee_member_id):
            await uow.notify(
                Notice(
                    to=project.assignee_member_id,
                    text=_(
                        'The business cancelled project "{title}". Milestones already approved stay paid',
                        title=project.title,
                    )
                    + (
                        _(
                            "; what you delivered and is waiting for approval is still theirs to approve."
                        )
                        if delivered
                        else "."
                    ),
                )
            )
    said = [_('Cancelled project {id} "{title}".', id=project.id, title=project.title)]
    if refunded:
        said.append(
            ngettext(
                "{back} for {n} funded milestone not yet delivered will be refunded.",
                "{back} for {n} funded milestones not yet delivered will be refunded.",
                len(refunded),
                back=back,
            )
        )
    if dropped:
        said.append(
            ngettext(
                "{n} unfunded milestone dropped.", "{n} unfunded milestones dropped.", len(dropped)
            )
        )
    if delivered:
        said.append(
            " ".join(f"{_no(i).capitalize()} (#{i.id})" for i in delivered)
            + _(" was delivered before you cancelled: approve it or open a dispute.")
        )
    said.append(_("Anything approved stays paid."))
    return " ".join(said)


async def parent_gone(uow: UnitOfWork, community_id: int, member_id: int) -> None:
    """The parent on a project left the community or was suspended there: the business
    chooses whether the milestones not yet delivered go to another parent."""
    projects = (
        await uow.session.scalars(
            select(Project).where(
                Project.community_id == community_id,
                Project.assignee_member_id == member_id,
                Project.status == "under_way",
            )
        )
    ).all()
    for project in projects:
        project.status = "parent_gone"
        member = await uow.session.get_one(Member, member_id)
        business = await uow.session.get_one(Business, project.business_id)
        async with speaking_to(uow, business.owner_member_id):
            await uow.notify(
                Notice(
                    to=business.owner_member_id,
                    text=_(
                        '{display_name} is no longer on your project "{title}" (they left the community or were suspended). Offer the milestones not yet delivered to another parent, or cancel them (funded ones are refunded)?',
                        display_name=member.display_name,
                        title=project.title,
                    ),
                    actions=[
                        Action(label=_("Offer them again"), token=f"jr:{project.id}"),
                        Action(label=_("Cancel the rest"), token=f"jc:{project.id}"),
                    ],
                )
            )


async def reoffer_project(cmd: ReofferProject, uow: UnitOfWork) -> str:
    project = await owned_project(uow, cmd.actor, cmd.project_id)
    if project.status != "parent_gone":
        raise StaleAction(
            _(
                'Project {id} "{title}" is {PROJECT_STATE}, so there is nothing to offer again.',
                id=project.id,
                title=project.title,
                PROJECT_STATE=_(PROJECT_STATE[project.status]),
            )
        )
    remaining = []
    for item in await milestones(uow, project.id):
        if item.status in (W.ASSIGNED, W.AWAITING_PAYMENT, W.OPEN):
            if item.status == W.ASSIGNED:
                item.status = W.OPEN
            item.assignee_member_id, item.assigned_at = None, None
            item.routed_version = None
            remaining.append(item)
    if not remaining:
        raise StaleAction(
            _(
                'Every milestone of "{title}" was delivered; approve or dispute them.',
                title=project.title,
            )
        )
    lead = remaining[0]
    project.status, project.assignee_member_id, project.lead_work_id = "open", None, lead.id
    uow.session.add(audit_entry(cmd, uow.now(), "ReofferProject", project.community_id))
    if lead.status == W.OPEN:
        uow.emit(WorkFunded(work_id=lead.id))
        return ngettext(
            'The {n} milestone of "{title}" not yet delivered is being offered to other parents now.',
            'The {n} milestones of "{title}" not yet delivered are being offered to other parents now.',
            len(remaining),
            title=project.title,
        )
    return ngettext(
        'The {n} milestone of "{title}" not yet delivered will be offered to other parents once {no} is funded: {checkout_url}.',
        'The {n} milestones of "{title}" not yet delivered will be offered to other parents once {no} is funded: {checkout_url}.',
        len(remaining),
        title=project.title,
        no=_no(lead),
        checkout_url=lead.checkout_url,
    )


async def lead_expired(uow: UnitOfWork, item: WorkItem) -> None:
    """Nobody took the project by its first milestone's date: the rest ends with it."""
    project = await project_of(uow, item)
    if project.status != "open":
        return
    project.status, project.ended_at, project.lead_work_id = "cancelled", uow.now(), None
    for other in await milestones(uow, project.id):
        if other.id == item.id:
            continue
        if other.status in UNSTARTED:
            other.status = W.CANCELLED
        elif other.status in (W.OPEN, W.OFFERED):
            other.status = W.EXPIRED
            uow.emit(WorkExpired(work_id=other.id, was_funded=other.funded_at is not None))
