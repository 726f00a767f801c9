"""Money in and back out: a business's payment held in escrow, refunds, expired checkouts."""

from __future__ import annotations

from core.commands import (
    CheckoutExpired,
    ConfirmFunding,
)
from core.errors import StaleAction
from core.events import WorkCancelled, WorkExpired, WorkFunded
from core.handlers.common import owner_member_id
from core.money import Money
from core.notices import Notice
from core.ports import PaymentGateway, RefundRequest
from core.states import WorkStatus, check_work_move
from core.uow import UnitOfWork
from payments import ledger


async def confirm_funding(cmd: ConfirmFunding, uow: UnitOfWork) -> str:
    """The business's money arrived: hold it in escrow and open the item to parents."""
    cmd.actor.require_moderator()
    item = await uow.work_for_update(cmd.work_id)
    cmd.actor.require_moderator_of(item.community_id)
    if item.funded_at is not None:
        raise StaleAction(f'"{item.title}" (#{item.id}) is already funded.')
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
    await uow.notify(
        Notice(
            to=await owner_member_id(uow, item),
            text=f'Payment of {budget} received for "{item.title}". We\'re finding a parent now.',
        )
    )
    uow.emit(WorkFunded(work_id=item.id))
    return f'Funding of {budget} recorded for #{item.id} "{item.title}".'


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
    reference = await gateway.refund(
        RefundRequest(item.id, held, item.currency, charge=item.charge_ref)
    )
    await ledger.post(
        uow.session,
        key=f"refund:{item.id}",
        kind="refund",
        currency=item.currency,
        legs=[(ledger.escrow(item.id), held), (ledger.CASH, -held)],
        now=uow.now(),
        work_id=item.id,
        memo=reference or "refund by hand",
    )
    item.status = WorkStatus.REFUNDED
    how = "" if reference else " The moderators will send it back by bank transfer."
    await uow.notify(
        Notice(
            to=await owner_member_id(uow, item),
            text=f'{Money(held, item.currency)} for "{item.title}" is being refunded.{how}',
        )
    )


async def checkout_expired(cmd: CheckoutExpired, uow: UnitOfWork) -> None:
    """Nobody paid within a day: the item closes, with nothing to refund."""
    item = await uow.work_for_update(cmd.work_id)
    if item.status != WorkStatus.AWAITING_PAYMENT:
        return
    item.status = WorkStatus.CANCELLED
    await uow.notify(
        Notice(
            to=await owner_member_id(uow, item),
            text=f'The payment link for "{item.title}" expired, so it was closed. Type /post to post it again.',
        )
    )
