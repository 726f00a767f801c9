"""Delivering work, approving it or asking for changes, disputes, and ratings both ways."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from core.actors import Actor
from core.commands import ApproveDelivery, OpenDispute, RateWork, RequestChanges, SubmitDelivery
from core.config import Settings
from core.content import concerns
from core.errors import DomainError, NotAllowed, NotFound, StaleAction
from core.events import DeliveryApproved, DeliverySubmitted, RatingsShown, WorkRated
from core.files import FileRef, listed, why_it_cannot_reach
from core.handlers.common import owned_item, owner_member_id
from core.language import _, ngettext
from core.language.people import speaking_to
from core.models import DeliveredFile, Delivery, Member, Rating, WorkItem
from core.notices import MODERATORS, Action, Notice
from core.projects import progress as projects
from core.states import WorkStatus, check_work_move
from core.uow import UnitOfWork


def rating_actions(work_id: int) -> list[Action]:
    return [Action(label="★" * n, token=f"r{n}:{work_id}") for n in range(1, 6)]


async def latest_delivery(uow: UnitOfWork, work_id: int) -> Delivery | None:
    return await uow.session.scalar(
        select(Delivery).where(Delivery.work_id == work_id).order_by(Delivery.id.desc()).limit(1)
    )


async def delivered_files(uow: UnitOfWork, delivery: Delivery) -> list[FileRef]:
    rows = await uow.session.scalars(
        select(DeliveredFile)
        .where(DeliveredFile.delivery_id == delivery.id)
        .order_by(DeliveredFile.id)
    )
    return [
        FileRef(
            platform=r.platform,
            ref=r.file_ref,
            name=r.name,
            kind=r.kind,
            size_bytes=r.size_bytes,
            stored=r.stored_key is not None,
        )
        for r in rows.all()
    ]


def check_may_deliver(item: WorkItem, actor: Actor) -> None:
    """Only the parent doing the work delivers it, and only while it waits for delivery."""
    if item.assignee_member_id != actor.member_id:
        raise NotAllowed(_("Work item #{id} isn't assigned to you.", id=item.id))
    check_work_move(item.status, WorkStatus.SUBMITTED, item.title)


async def may_deliver(uow: UnitOfWork, actor: Actor, work_id: int) -> None:
    """The same check before anything is stored (a front end's uploads, say); raises the
    sentence that says why not."""
    item = await uow.session.get(WorkItem, work_id)
    if item is None:
        raise NotFound(_("There is no work item #{work_id}.", work_id=work_id))
    check_may_deliver(item, actor)


async def submit_delivery(cmd: SubmitDelivery, uow: UnitOfWork, settings: Settings) -> str:
    item = await uow.work_for_update(cmd.work_id)
    check_may_deliver(item, cmd.actor)
    owner = await uow.session.get_one(Member, await owner_member_id(uow, item))
    for file in cmd.files:  # every file must reach the business, or nothing is submitted
        if (why := why_it_cannot_reach(file, owner.last_platform)) is not None:
            raise DomainError(_("{why} Nothing was sent.", why=why))
    now = uow.now()
    delivery = Delivery(
        work_id=item.id,
        member_id=cmd.actor.member_id,
        body=cmd.body,
        submitted_at=now,
        auto_approve_at=now + timedelta(days=settings.auto_approve_days),
        on_time=now <= item.deadline,
    )
    uow.session.add(delivery)
    await uow.session.flush()
    uow.session.add_all(
        DeliveredFile(
            delivery_id=delivery.id,
            platform=f.platform,
            file_ref=f.ref,
            name=f.name,
            kind=f.kind,
            size_bytes=f.size_bytes,
            stored_key=f.key if f.stored else None,
        )
        for f in cmd.files
    )
    item.status = WorkStatus.SUBMITTED
    flagged = concerns(cmd.body)
    if flagged:
        async with speaking_to(uow, MODERATORS, item.community_id):
            await uow.notify(
                Notice(
                    to=MODERATORS,
                    community_id=item.community_id,
                    text=_(
                        'Flagged delivery for "{title}" (#{id}) from member #{member_id}: it seems to hold {describe}.\n{body}',
                        title=item.title,
                        id=item.id,
                        member_id=cmd.actor.member_id,
                        describe=flagged.describe(),
                        body=cmd.body[:1000],
                    ),
                )
            )
    words = "\n".join(part for part in (cmd.body[:3000], listed(cmd.files)) if part)
    async with speaking_to(uow, owner.id):
        await uow.notify(
            Notice(
                to=owner.id,
                text=_(
                    'Delivery for "{title}" (#{id}):\n{words}\n\nApprove it to pay the parent, or ask for changes. Without an answer it is approved automatically in {auto_approve_days} days.',
                    title=item.title,
                    id=item.id,
                    words=words,
                    auto_approve_days=settings.auto_approve_days,
                ),
                actions=[
                    Action(label=_("Approve"), token=f"wa:{item.id}"),
                    Action(label=_("Request changes"), token=f"wc:{item.id}"),
                    Action(label=_("Dispute"), token=f"wx:{item.id}"),
                ],
                files=cmd.files,
                ref=f"delivery:{item.id}",
            )
        )
    uow.emit(DeliverySubmitted(work_id=item.id))
    sent = ngettext(" with {n} file", " with {n} files", len(cmd.files)) if cmd.files else ""
    return _(
        'Sent your work for "{title}" to the business{sent}. You\'ll hear here when they approve.',
        title=item.title,
        sent=sent,
    )


async def approve_delivery(cmd: ApproveDelivery, uow: UnitOfWork) -> str:
    item = await owned_item(uow, cmd.actor, cmd.work_id)
    check_work_move(item.status, WorkStatus.APPROVED, item.title)
    if item.status == WorkStatus.DISPUTED:
        cmd.actor.require_moderator_of(item.community_id)
    if item.project_id is not None:
        await projects.check_in_order(uow, item)
    delivery = await latest_delivery(uow, item.id)
    if delivery is not None:
        delivery.status = "approved"
    item.status = WorkStatus.APPROVED
    assert item.assignee_member_id is not None  # only assigned work can be submitted
    owner = await owner_member_id(uow, item)
    automatic = cmd.actor.platform == "system"
    uow.emit(DeliveryApproved(work_id=item.id, member_id=item.assignee_member_id))
    if item.project_id is not None:
        await projects.after_approval(uow, item, automatic, rating_actions(item.id))
        return _(
            'Approved "{title}". The parent is being paid for this milestone.', title=item.title
        )
    async with speaking_to(uow, item.assignee_member_id):
        await uow.notify(
            Notice(
                to=item.assignee_member_id,
                text=(
                    _(
                        '"{title}" was approved automatically. How was working with this business?',
                        title=item.title,
                    )
                    if automatic
                    else _(
                        '"{title}" was approved. How was working with this business?',
                        title=item.title,
                    )
                ),
                actions=rating_actions(item.id),
                ref=f"rate:{item.id}",
            )
        )
    async with speaking_to(uow, owner):
        await uow.notify(
            Notice(
                to=owner,
                text=_('You approved "{title}". How did the parent do?', title=item.title),
                actions=rating_actions(item.id),
                ref=f"delivery:{item.id}" if not automatic else None,
                replaces=f"delivery:{item.id}",
            )
        )
    return _('Approved "{title}". The parent is being paid.', title=item.title)


async def request_changes(cmd: RequestChanges, uow: UnitOfWork) -> str:
    item = await owned_item(uow, cmd.actor, cmd.work_id)
    if item.status != WorkStatus.SUBMITTED:
        raise StaleAction(
            _('"{title}" has no delivery waiting for you to review.', title=item.title)
        )
    delivery = await latest_delivery(uow, item.id)
    if delivery is not None:
        delivery.status, delivery.feedback = "changes", cmd.note
    item.status = WorkStatus.ASSIGNED
    assert item.assignee_member_id is not None
    async with speaking_to(uow, item.assignee_member_id):
        await uow.notify(
            Notice(
                to=item.assignee_member_id,
                text=_(
                    'The business asked for changes to "{title}":\n{note}\nSend the new version with /submit {id}.',
                    title=item.title,
                    note=cmd.note,
                    id=item.id,
                ),
                actions=[Action(label=_("Submit work"), token=f"ws:{item.id}")],
            )
        )
    return _("Sent your notes to the parent.")


async def open_dispute(cmd: OpenDispute, uow: UnitOfWork) -> str:
    item = await uow.work_for_update(cmd.work_id)
    owner = await owner_member_id(uow, item)
    if cmd.actor.member_id not in (owner, item.assignee_member_id):
        raise NotAllowed(_("Only the business and the parent on #{id} can dispute it.", id=item.id))
    check_work_move(item.status, WorkStatus.DISPUTED, item.title)
    item.status = WorkStatus.DISPUTED
    other = item.assignee_member_id if cmd.actor.member_id == owner else owner
    async with speaking_to(uow, MODERATORS, item.community_id):
        delivery = await latest_delivery(uow, item.id)
        side = _("the business") if cmd.actor.member_id == owner else _("the parent")
        files = await delivered_files(uow, delivery) if delivery else []
        shown = (
            "\n".join(part for part in (delivery.body[:1500], listed(files)) if part)
            if delivery
            else ""
        )
        await uow.notify(
            Notice(
                to=MODERATORS,
                community_id=item.community_id,
                text=_(
                    'Dispute on "{title}" (#{id}), opened by {side}: {reason}\nDelivered: {value}\nFor a split, type /resolve {id} split £10',
                    title=item.title,
                    id=item.id,
                    side=side,
                    reason=cmd.reason,
                    value=shown or "nothing yet",
                ),
                actions=[
                    Action(label=_("Pay the parent"), token=f"dp:{item.id}"),
                    Action(label=_("Refund the business"), token=f"dr:{item.id}"),
                ],
                files=files,
            )
        )
    if other is not None:
        async with speaking_to(uow, other):
            await uow.notify(
                Notice(
                    to=other,
                    text=_(
                        '"{title}" is now in dispute: {reason}\nA moderator will look at both sides and decide.',
                        title=item.title,
                        reason=cmd.reason,
                    ),
                )
            )
    return _("The moderators have your dispute and will decide. Money stays held until then.")


async def rate_work(cmd: RateWork, uow: UnitOfWork) -> str:
    item = await uow.session.get(WorkItem, cmd.work_id)
    if item is None:
        raise StaleAction(_("There is no work item #{work_id}.", work_id=cmd.work_id))
    ratee = await _counterpart(uow, cmd.actor, item)
    if item.project_id is not None:  # a project is rated once, as a whole, at its end
        item = await projects.rated_milestone(uow, item)
    if item.status not in (WorkStatus.APPROVED, WorkStatus.PAID):
        raise StaleAction(_("You can rate once the work has been approved."))
    already = await uow.session.scalar(
        select(Rating).where(
            Rating.work_id == item.id, Rating.rater_member_id == cmd.actor.member_id
        )
    )
    if already is not None:
        raise StaleAction(_("You already rated this one. Thanks!"))
    uow.session.add(
        Rating(
            work_id=item.id,
            rater_member_id=cmd.actor.member_id,
            ratee_member_id=ratee,
            stars=cmd.stars,
            comment=cmd.comment,
            created_at=uow.now(),
        )
    )
    await uow.session.flush()
    both = (await uow.session.scalars(select(Rating).where(Rating.work_id == item.id))).all()
    if len(both) == 2:
        await reveal_ratings(uow, item)
    uow.emit(WorkRated(work_id=item.id, ratee_member_id=ratee, stars=cmd.stars))
    return _("Thanks! Ratings show once both sides have rated, or after a week.")


async def reveal_ratings(uow: UnitOfWork, item: WorkItem) -> None:
    await uow.session.execute(
        update(Rating)
        .where(Rating.work_id == item.id, Rating.visible.is_(False))
        .values(visible=True)
    )
    uow.emit(RatingsShown(work_id=item.id))
    for rating in (
        await uow.session.scalars(select(Rating).where(Rating.work_id == item.id))
    ).all():
        rater = await uow.session.get_one(Member, rating.rater_member_id)
        # A parent with a low rating is pointed to the skill checks, kindly.
        async with speaking_to(uow, rating.ratee_member_id):
            learn = (
                _(
                    "\nEveryone has an off day. Short skill checks with courses are a good way to grow and to show it: type /learn."
                )
                if rating.ratee_member_id == item.assignee_member_id and rating.stars <= 2
                else ""
            )
            await uow.notify(
                Notice(
                    to=rating.ratee_member_id,
                    text=_(
                        '{display_name} rated you {value} for "{title}".',
                        display_name=rater.display_name,
                        value="★" * rating.stars,
                        title=item.title,
                    )
                    + learn,
                )
            )


async def _counterpart(uow: UnitOfWork, actor: Actor, item: WorkItem) -> int:
    owner = await owner_member_id(uow, item)
    if actor.member_id == owner and item.assignee_member_id is not None:
        return item.assignee_member_id
    if actor.member_id == item.assignee_member_id:
        return owner
    raise NotAllowed(_("Only the business and the parent on this work can rate it."))


async def remind_before_auto_approval(uow: UnitOfWork) -> list[int]:
    """A day before silence approves a delivery, remind the business once."""
    now = uow.now()
    due = (
        await uow.session.scalars(
            select(Delivery).where(
                Delivery.status == "submitted",
                Delivery.reminded_at.is_(None),
                Delivery.auto_approve_at <= now + timedelta(days=1),
                Delivery.auto_approve_at > now,
            )
        )
    ).all()
    for delivery in due:
        item = await uow.session.get_one(WorkItem, delivery.work_id)
        if item.status != WorkStatus.SUBMITTED:
            continue
        delivery.reminded_at = now
        async with speaking_to(uow, await owner_member_id(uow, item)):
            await uow.notify(
                Notice(
                    to=await owner_member_id(uow, item),
                    text=_(
                        'Reminder: the delivery for "{title}" (#{id}) will be approved automatically in a day, and the parent paid. Approve it now or ask for changes.',
                        title=item.title,
                        id=item.id,
                    ),
                    actions=[
                        Action(label=_("Approve"), token=f"wa:{item.id}"),
                        Action(label=_("Request changes"), token=f"wc:{item.id}"),
                    ],
                )
            )
    return [d.work_id for d in due]
