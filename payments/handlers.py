"""Money movements driven by the work item's life: fund, settle on approval, pay out, refund."""

from __future__ import annotations

from sqlalchemy import select

from core.bus import Handler
from core.commands import (
    CheckoutExpired,
    Command,
    ConfirmFunding,
    ConfirmPayout,
    PayeeUpdated,
    ResolveDispute,
    SetUpPayouts,
)
from core.config import Settings
from core.errors import DomainError, NotFound, StaleAction
from core.events import (
    DeliveryApproved,
    Event,
    PayoutSent,
    WorkCancelled,
    WorkExpired,
    WorkFunded,
)
from core.handlers.common import owner_member_id
from core.models import PayeeAccount, Payout, WorkItem
from core.money import Money, parent_share, platform_fee
from core.notices import Notice
from core.parsing import parse_money
from core.ports import PaymentGateway, RefundRequest, TransferRequest
from core.states import WorkStatus, check_work_move
from core.uow import UnitOfWork
from payments import ledger


async def confirm_funding(cmd: ConfirmFunding, uow: UnitOfWork) -> str:
    """The business's money arrived: hold it in escrow and open the item to parents."""
    cmd.actor.require_moderator()
    item = await uow.work_for_update(cmd.work_id)
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


async def settle_approved(
    event: DeliveryApproved, uow: UnitOfWork, gateway: PaymentGateway
) -> None:
    """Split the escrow into the parent's share and the platform fee, then pay the parent."""
    item = await uow.work_for_update(event.work_id)
    if item.status != WorkStatus.APPROVED:
        return
    share = parent_share(item.budget_minor, item.fee_bps)
    fee = platform_fee(item.budget_minor, item.fee_bps)
    now = uow.now()
    await ledger.post(
        uow.session,
        key=f"settle:{item.id}",
        kind="settle",
        currency=item.currency,
        legs=[
            (ledger.escrow(item.id), item.budget_minor),
            (ledger.payable(event.member_id), -share),
            (ledger.REVENUE, -fee),
        ],
        now=now,
        work_id=item.id,
    )
    payout = await uow.session.scalar(select(Payout).where(Payout.work_id == item.id))
    if payout is None:
        payout = Payout(
            work_id=item.id,
            member_id=event.member_id,
            amount_minor=share,
            currency=item.currency,
            created_at=now,
        )
        uow.session.add(payout)
        await uow.session.flush()
    reference = await gateway.transfer(await _transfer_request(uow, gateway, item, payout))
    if reference is not None:
        await _mark_paid(uow, item, payout, reference)
        return
    how = (
        "The moderators pay it by bank transfer and you'll hear here when it's sent."
        if gateway.confirms_by_hand
        else "Type /payouts to set up how you're paid, and it will be sent as soon as you have."
    )
    await uow.notify(
        Notice(
            to=event.member_id,
            text=f'{Money(share, item.currency)} is owed to you for "{item.title}". {how}',
        )
    )


async def _transfer_request(
    uow: UnitOfWork, gateway: PaymentGateway, item: WorkItem, payout: Payout
) -> TransferRequest:
    account = await uow.session.get(PayeeAccount, (payout.member_id, gateway.name))
    destination = account.account_ref if account is not None and account.ready else None
    return TransferRequest(
        payout.id,
        item.id,
        payout.member_id,
        payout.amount_minor,
        payout.currency,
        destination=destination,
        source=item.charge_ref,
    )


async def set_up_payouts(cmd: SetUpPayouts, uow: UnitOfWork, gateway: PaymentGateway) -> str:
    """The parent's link to set up how they are paid."""
    account = await uow.session.get(PayeeAccount, (cmd.actor.member_id, gateway.name))
    link = await gateway.onboard_payee(
        cmd.actor.member_id, account.account_ref if account else None
    )
    if link is None:
        return (
            "Payouts here are made by bank transfer by the moderators; there's nothing to set up."
        )
    if account is None:
        uow.session.add(
            PayeeAccount(
                member_id=cmd.actor.member_id,
                gateway=gateway.name,
                account_ref=link.account_ref,
                ready=False,
                created_at=uow.now(),
            )
        )
    elif account.ready:
        return "You're all set up to be paid. Open this link to change your details: " + link.url
    return f"Set up how you're paid here (it takes a few minutes): {link.url}"


async def payee_updated(cmd: PayeeUpdated, uow: UnitOfWork, gateway: PaymentGateway) -> int:
    """Record the payee account's state; when it becomes ready, pay everything held for them."""
    account = await uow.session.scalar(
        select(PayeeAccount).where(PayeeAccount.account_ref == cmd.account_ref)
    )
    if account is None or cmd.at < account.state_at:
        return 0  # not ours, or an older update arriving late
    account.state_at, account.ready = cmd.at, cmd.ready
    if not cmd.ready:
        return 0
    held = (
        await uow.session.scalars(
            select(Payout).where(Payout.member_id == account.member_id, Payout.status == "owed")
        )
    ).all()
    paid = 0
    for payout in held:
        item = await uow.work_for_update(payout.work_id)
        reference = await gateway.transfer(await _transfer_request(uow, gateway, item, payout))
        if reference is not None:
            await _mark_paid(uow, item, payout, reference)
            paid += 1
    return paid


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


async def confirm_payout(cmd: ConfirmPayout, uow: UnitOfWork) -> str:
    """A moderator paid a parent by hand (offline gateway)."""
    cmd.actor.require_moderator()
    payout = await uow.session.get(Payout, cmd.payout_id)
    if payout is None:
        raise NotFound(f"There is no payout #{cmd.payout_id}.")
    item = await uow.work_for_update(payout.work_id)
    await uow.session.refresh(payout)
    if payout.status == "sent":
        raise StaleAction(f"Payout #{payout.id} was already confirmed.")
    await _mark_paid(uow, item, payout, cmd.reference or f"manual:{payout.id}")
    return f"Recorded payout #{payout.id} of {Money(payout.amount_minor, payout.currency)}."


async def _mark_paid(uow: UnitOfWork, item: WorkItem, payout: Payout, reference: str) -> None:
    now = uow.now()
    await ledger.post(
        uow.session,
        key=f"payout:{payout.id}",
        kind="payout",
        currency=payout.currency,
        legs=[
            (ledger.payable(payout.member_id), payout.amount_minor),
            (ledger.CASH, -payout.amount_minor),
        ],
        now=now,
        work_id=item.id,
        memo=reference,
    )
    payout.status, payout.gateway_ref, payout.sent_at = "sent", reference, now
    check_work_move(item.status, WorkStatus.PAID, item.title)
    item.status = WorkStatus.PAID
    await uow.notify(
        Notice(
            to=payout.member_id,
            text=f'You\'ve been paid {Money(payout.amount_minor, payout.currency)} for "{item.title}". '
            "Thank you!",
        )
    )
    uow.emit(PayoutSent(payout_id=payout.id, work_id=item.id))


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


async def resolve_dispute(
    cmd: ResolveDispute, uow: UnitOfWork, settings: Settings, gateway: PaymentGateway
) -> str:
    """Pay in full, refund in full, or split: the parent's part bears the fee, the rest goes back."""
    cmd.actor.require_moderator()
    outcome = cmd.outcome.strip().lower()
    if outcome not in ("pay", "refund", "split"):
        raise DomainError(f"Say how to decide: /resolve {cmd.work_id} pay, refund or split £10")
    item = await uow.work_for_update(cmd.work_id)
    if item.status != WorkStatus.DISPUTED or item.assignee_member_id is None:
        raise StaleAction(f'"{item.title}" (#{item.id}) is not in dispute.')
    parent, owner = item.assignee_member_id, await owner_member_id(uow, item)
    budget = Money(item.budget_minor, item.currency)
    if outcome == "pay":
        check_work_move(item.status, WorkStatus.APPROVED, item.title)
        item.status = WorkStatus.APPROVED
        uow.emit(DeliveryApproved(work_id=item.id, member_id=parent))
        await uow.notify(
            Notice(
                to=owner,
                text=f'The moderators decided "{item.title}" for the parent; they are paid in full.',
            )
        )
        return f"Decided for the parent: #{item.id} is approved and {budget} is being settled."
    if outcome == "refund":
        check_work_move(item.status, WorkStatus.CANCELLED, item.title)
        item.status = WorkStatus.CANCELLED
        uow.emit(WorkCancelled(work_id=item.id, was_funded=True))
        await uow.notify(
            Notice(
                to=parent,
                text=f'The moderators decided "{item.title}" for the business; it is refunded.',
            )
        )
        return f"Decided for the business: {budget} for #{item.id} is being refunded."
    gross = parse_money(cmd.parent_amount, item.currency) if cmd.parent_amount else None
    if gross is None or gross.currency != item.currency or not 0 < gross.minor < item.budget_minor:
        raise DomainError(
            f"For a split, give the parent's part of the {budget} budget, like: split £10"
        )
    fee = platform_fee(gross.minor, item.fee_bps)
    back = item.budget_minor - gross.minor
    now = uow.now()
    await ledger.post(
        uow.session,
        key=f"settle:{item.id}",
        kind="split",
        currency=item.currency,
        now=now,
        work_id=item.id,
        legs=[
            (ledger.escrow(item.id), item.budget_minor),
            (ledger.payable(parent), -(gross.minor - fee)),
            (ledger.REVENUE, -fee),
            (ledger.CASH, -back),
        ],
        memo=f"dispute split; {back} refunded",
    )
    await gateway.refund(RefundRequest(item.id, back, item.currency, charge=item.charge_ref))
    item.status = WorkStatus.APPROVED
    payout = Payout(
        work_id=item.id,
        member_id=parent,
        amount_minor=gross.minor - fee,
        currency=item.currency,
        created_at=now,
    )
    uow.session.add(payout)
    await uow.session.flush()
    reference = await gateway.transfer(await _transfer_request(uow, gateway, item, payout))
    if reference is not None:
        await _mark_paid(uow, item, payout, reference)
    share = Money(gross.minor - fee, item.currency)
    await uow.notify(
        Notice(to=parent, text=f'The moderators split "{item.title}": you receive {share}.')
    )
    await uow.notify(
        Notice(
            to=owner,
            text=f'The moderators split "{item.title}": {Money(back, item.currency)} is refunded to you.',
        )
    )
    return f"Split #{item.id}: {share} to the parent, {Money(back, item.currency)} back to the business."


COMMAND_HANDLERS: dict[type[Command], Handler] = {
    ConfirmFunding: confirm_funding,
    ConfirmPayout: confirm_payout,
    ResolveDispute: resolve_dispute,
    SetUpPayouts: set_up_payouts,
    PayeeUpdated: payee_updated,
    CheckoutExpired: checkout_expired,
}
EVENT_HANDLERS: dict[type[Event], list[Handler]] = {
    DeliveryApproved: [settle_approved],
    WorkCancelled: [refund_unused],
    WorkExpired: [refund_unused],
}
