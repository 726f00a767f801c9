"""Money in and back out: a business's payment held in escrow, refunds, expired checkouts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select

from core.commands import (
    CheckoutExpired,
    ConfirmFunding,
)
from core.errors import StaleAction
from core.events import WorkCancelled, WorkExpired, WorkFunded
from core.handlers.common import owner_member_id
from core.handlers.work import checkout_request
from core.language import _, formatting
from core.language.people import speaking_to
from core.models import Business, WorkItem
from core.money import Money, payment_reference
from core.notices import MODERATORS, Notice
from core.ports import PaymentGateway
from core.projects import progress as projects
from core.states import WorkStatus, check_work_move
from core.uow import UnitOfWork
from payments import ledger
from payments.refunds import refund_to_business


async def confirm_funding(cmd: ConfirmFunding, uow: UnitOfWork) -> str:
    """The business's money arrived: hold it in escrow and open the item to parents."""
    cmd.actor.require_moderator()
    item = await uow.work_for_update(cmd.work_id)
    cmd.actor.require_moderator_of(item.community_id)
    if item.funded_at is not None:
        raise StaleAction(_('"{title}" (#{id}) is already funded.', title=item.title, id=item.id))
    check_work_move(item.status, WorkStatus.OPEN, item.title)
    now = uow.now()
    await ledger.post(
        uow.session,
        key=f"fund:{item.id}",
        kind="fund",
        currency=item.currency,
        legs=[(ledger.CASH, item.budget_minor), (ledger.escrow(item.id), -item.budget_minor)],
        now=now,
        work_id=item.id,
        memo=cmd.reference,
    )
    item.status = WorkStatus.OPEN
    item.funded_at = now
    item.charge_ref = cmd.charge or item.charge_ref
    budget = Money(item.budget_minor, item.currency)
    owner = await owner_member_id(uow, item)
    async with speaking_to(uow, owner):
        said = _(
            'Payment of {budget} received for "{title}". We\'re finding a parent now.',
            budget=budget,
            title=item.title,
        )
        if item.project_id is not None:
            said = projects.funded_words(item, await projects.project_of(uow, item))
        await uow.notify(Notice(to=owner, text=said))
    uow.emit(WorkFunded(work_id=item.id))
    return _(
        'Funding of {budget} recorded for #{id} "{title}".',
        budget=budget,
        id=item.id,
        title=item.title,
    )


async def refund_unused(
    event: WorkCancelled | WorkExpired, uow: UnitOfWork, gateway: PaymentGateway
) -> None:
    """Return a cancelled or expired item's escrow to the business."""
    if not event.was_funded:
        return
    item = await uow.work_for_update(event.work_id)
    if item.status not in (WorkStatus.CANCELLED, WorkStatus.EXPIRED):
        return
    held = -await ledger.balance(uow.session, ledger.escrow(item.id), item.currency)
    if held > 0:
        await refund_to_business(uow, item, held, gateway)
    item.status = WorkStatus.REFUNDED


async def checkout_expired(cmd: CheckoutExpired, uow: UnitOfWork, gateway: PaymentGateway) -> None:
    """Nobody paid within a day: the item closes, with nothing to refund. A project's
    milestone is often funded weeks later, so it gets a fresh payment link instead."""
    item = await uow.work_for_update(cmd.work_id)
    if item.status != WorkStatus.AWAITING_PAYMENT:
        return
    if item.project_id is not None:
        project = await projects.project_of(uow, item)
        if project.status not in ("done", "cancelled"):
            asked = item.payment_asked_at or item.created_at
            item.checkout_url = await gateway.create_checkout(
                checkout_request(item, attempt=int(asked.timestamp()))
            )
            item.payment_asked_at = uow.now()
            return
    item.status = WorkStatus.CANCELLED
    async with speaking_to(uow, await owner_member_id(uow, item)):
        await uow.notify(
            Notice(
                to=await owner_member_id(uow, item),
                text=_(
                    'The payment link for "{title}" expired, so it was closed. Type /post to post it again.',
                    title=item.title,
                ),
            )
        )


async def chase_overdue_payments(uow: UnitOfWork, overdue: timedelta) -> list[int]:
    """Offline: items still unpaid `overdue` after the business was told how to pay. The
    moderators hear once, with what to type; the business is reminded how to pay."""
    cutoff = uow.now() - overdue
    items = (
        await uow.session.scalars(
            select(WorkItem)
            .where(
                WorkItem.status == WorkStatus.AWAITING_PAYMENT,
                WorkItem.payment_asked_at <= cutoff,
                WorkItem.payment_chased_at.is_(None),
                # A project's later milestones are funded as the work reaches them; the
                # business is reminded then (core/projects/progress.py), not chased now.
                or_(WorkItem.project_id.is_(None), WorkItem.milestone_no == 1),
            )
            .order_by(WorkItem.payment_asked_at)
            .limit(200)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for item in items:
        item.payment_chased_at = uow.now()
        business = await uow.session.get_one(Business, item.business_id)
        amount = Money(item.budget_minor, item.currency)
        async with speaking_to(uow, MODERATORS, item.community_id):
            await uow.notify(
                Notice(
                    to=MODERATORS,
                    community_id=item.community_id,
                    text=_(
                        'Payment overdue for item #{id} "{title}": {name} was asked for {amount} (reference {payment_reference}) on {payment_asked_at} UTC. If it has arrived, type /funded {id}; if not, it closes unpaid on {deadline} UTC.',
                        id=item.id,
                        title=item.title,
                        name=business.name,
                        amount=amount,
                        payment_reference=payment_reference(item.id),
                        payment_asked_at=formatting.dated(
                            item.payment_asked_at or item.created_at, "%d %b %H:%M"
                        ),
                        deadline=formatting.dated(item.deadline, "%d %b %H:%M"),
                    ),
                )
            )
        async with speaking_to(uow, business.owner_member_id):
            await uow.notify(
                Notice(
                    to=business.owner_member_id,
                    text=_(
                        'We haven\'t received your payment for "{title}" (#{id}) yet. To open it to parents, {checkout_url}.',
                        title=item.title,
                        id=item.id,
                        checkout_url=item.checkout_url,
                    ),
                )
            )
    return [item.id for item in items]
