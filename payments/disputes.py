"""A moderator's decision on a dispute, and the money that follows it."""

from __future__ import annotations

from core.commands import (
    ResolveDispute,
)
from core.config import Settings
from core.errors import DomainError, StaleAction
from core.events import DeliveryApproved, WorkCancelled
from core.handlers.common import owner_member_id
from core.language import _
from core.language.people import speaking_to
from core.models import Payout
from core.money import Money, platform_fee
from core.notices import Notice
from core.parsing import parse_money
from core.ports import PaymentGateway
from core.states import WorkStatus, check_work_move
from core.uow import UnitOfWork
from payments import ledger
from payments.payouts import (
    assignee_of,
    lock_payee,
    mark_paid,
    tell_moderators_payout_owed,
    transfer_request,
)
from payments.refunds import refund_to_business


async def resolve_dispute(
    cmd: ResolveDispute, uow: UnitOfWork, settings: Settings, gateway: PaymentGateway
) -> str:
    """Pay in full, refund in full, or split: the parent's part bears the fee, the rest goes back."""
    cmd.actor.require_moderator()
    outcome = cmd.outcome.strip().lower()
    if outcome not in ("pay", "refund", "split"):
        raise DomainError(
            _("Say how to decide: /resolve {work_id} pay, refund or split £10", work_id=cmd.work_id)
        )
    assignee = await assignee_of(uow, cmd.work_id)
    account = await lock_payee(uow, assignee, gateway.name) if assignee else None  # then item
    item = await uow.work_for_update(cmd.work_id)
    cmd.actor.require_moderator_of(item.community_id)
    if item.status != WorkStatus.DISPUTED or item.assignee_member_id is None:
        raise StaleAction(_('"{title}" (#{id}) is not in dispute.', title=item.title, id=item.id))
    parent, owner = item.assignee_member_id, await owner_member_id(uow, item)
    budget = Money(item.budget_minor, item.currency)
    if outcome == "pay":
        check_work_move(item.status, WorkStatus.APPROVED, item.title)
        item.status = WorkStatus.APPROVED
        uow.emit(DeliveryApproved(work_id=item.id, member_id=parent))
        async with speaking_to(uow, owner):
            await uow.notify(
                Notice(
                    to=owner,
                    text=_(
                        'The moderators decided "{title}" for the parent; they are paid in full.',
                        title=item.title,
                    ),
                )
            )
        return _(
            "Decided for the parent: #{id} is approved and {budget} is being settled.",
            id=item.id,
            budget=budget,
        )
    if outcome == "refund":
        check_work_move(item.status, WorkStatus.CANCELLED, item.title)
        item.status = WorkStatus.CANCELLED
        uow.emit(WorkCancelled(work_id=item.id, was_funded=True))
        async with speaking_to(uow, parent):
            await uow.notify(
                Notice(
                    to=parent,
                    text=_(
                        'The moderators decided "{title}" for the business; it is refunded.',
                        title=item.title,
                    ),
                )
            )
        return _(
            "Decided for the business: {budget} for #{id} is being refunded.",
            budget=budget,
            id=item.id,
        )
    gross = parse_money(cmd.parent_amount, item.currency) if cmd.parent_amount else None
    if gross is None or gross.currency != item.currency or not 0 < gross.minor < item.budget_minor:
        raise DomainError(
            _(
                "For a split, give the parent's part of the {budget} budget, like: split £10",
                budget=budget,
            )
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
            (ledger.escrow(item.id), gross.minor),
            (ledger.payable(parent), -(gross.minor - fee)),
            (ledger.REVENUE, -fee),
        ],
        memo=_("dispute split; {back} goes back", back=back),
    )
    share = Money(gross.minor - fee, item.currency)
    await refund_to_business(
        uow,
        item,
        back,
        gateway,
        why=_(
            'The moderators split "{title}": the parent receives {share}. ',
            title=item.title,
            share=share,
        ),
    )
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
    reference = await gateway.transfer(transfer_request(item, payout, account))
    async with speaking_to(uow, parent):
        await uow.notify(
            Notice(
                to=parent,
                text=_(
                    'The moderators split "{title}": you receive {share}.',
                    title=item.title,
                    share=share,
                ),
            )
        )
    if reference is not None:
        await mark_paid(uow, item, payout, reference)
    elif gateway.confirms_by_hand:
        await tell_moderators_payout_owed(uow, item, payout)
    return _(
        "Split #{id}: {share} to the parent, {money} back to the business.",
        id=item.id,
        share=share,
        money=Money(back, item.currency),
    )
