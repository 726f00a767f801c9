"""Money back to a business: sent by the gateway at once, or owed until a moderator sends it.

A refund by hand is a real debt. The ledger moves it from the item's escrow into
`refund_owed:work:<id>` and only into cash when a moderator confirms it with /refunded, so
`/owed`, `parentbrain payouts` and `parentbrain ledger check` all see what is still owed.
"""

from __future__ import annotations

from sqlalchemy import select

from core.commands import ConfirmRefund
from core.errors import NotFound, StaleAction
from core.models import Business, LedgerTransaction, Refund, WorkItem
from core.money import Money
from core.notices import MODERATORS, Notice
from core.ports import PaymentGateway, RefundRequest
from core.uow import UnitOfWork
from payments import ledger


async def refund_to_business(
    uow: UnitOfWork,
    item: WorkItem,
    amount_minor: int,
    gateway: PaymentGateway,
    *,
    why: str = "",
) -> Refund | None:
    """Take `amount_minor` out of the item's escrow back to its business, once per item.

    The business hears how it comes back, after `why` if given; with no gateway reference the moderators are asked
    to send it and confirm it. Returns None if this item was refunded already.
    """
    if await uow.session.scalar(select(Refund.id).where(Refund.work_id == item.id)):
        return None
    now = uow.now()
    reference = await gateway.refund(
        RefundRequest(item.id, amount_minor, item.currency, charge=item.charge_ref)
    )
    refund = Refund(
        work_id=item.id,
        amount_minor=amount_minor,
        currency=item.currency,
        status="sent" if reference else "owed",
        gateway_ref=reference,
        created_at=now,
        sent_at=now if reference else None,
    )
    uow.session.add(refund)
    await ledger.post(
        uow.session,
        key=f"refund:{item.id}",
        kind="refund" if reference else "refund_owed",
        currency=item.currency,
        legs=[
            (ledger.escrow(item.id), amount_minor),
            (ledger.CASH if reference else ledger.refund_owed(item.id), -amount_minor),
        ],
        now=now,
        work_id=item.id,
        memo=reference or "owed by hand",
    )
    await uow.session.flush()
    business = await uow.session.get_one(Business, item.business_id)
    money = Money(amount_minor, item.currency)
    if reference:
        how = "It's on its way back to the card or account you paid with."
    else:
        how = (
            "The moderators will send it back by bank transfer to the account you paid from, "
            "and you'll hear here when it's sent."
        )
    await uow.notify(
        Notice(
            to=business.owner_member_id,
            text=f'{why}{money} for "{item.title}" (#{item.id}) is being refunded to you. {how}',
        )
    )
    if not reference:
        paid_with = await _funding_reference(uow, item.id)
        await uow.notify(
            Notice(
                to=MODERATORS,
                community_id=item.community_id,
                text=f'Refund owed for item #{item.id} "{item.title}": {money} back to '
                f"{business.name}{paid_with}. Send it by bank transfer, then type "
                f"/refunded {item.id} followed by your bank reference.",
            )
        )
    return refund


async def _funding_reference(uow: UnitOfWork, work_id: int) -> str:
    memo = await uow.session.scalar(
        select(LedgerTransaction.memo).where(LedgerTransaction.key == f"fund:{work_id}")
    )
    return f" (they paid with reference {memo!r})" if memo else ""


async def confirm_refund(cmd: ConfirmRefund, uow: UnitOfWork) -> str:
    """A moderator sent a refund by hand: /refunded <item#> [bank reference]."""
    cmd.actor.require_moderator()
    item = await uow.session.get(WorkItem, cmd.work_id)
    if item is None:
        raise NotFound(f"There is no work item #{cmd.work_id}.")
    item = await uow.work_for_update(cmd.work_id)  # the item's lock orders confirmations
    cmd.actor.require_moderator_of(item.community_id)
    refund = await uow.session.scalar(
        select(Refund).where(Refund.work_id == item.id).execution_options(populate_existing=True)
    )
    if refund is None:
        raise NotFound(
            f'Nothing is owed back to the business for #{item.id} "{item.title}"; '
            "type /owed to see what is."
        )
    money = Money(refund.amount_minor, refund.currency)
    if refund.status == "sent":
        raise StaleAction(f"The {money} refund for #{item.id} was already confirmed.")
    now = uow.now()
    reference = cmd.reference or f"manual refund:{refund.id}"
    await ledger.post(
        uow.session,
        key=f"refund_sent:{item.id}",
        kind="refund",
        currency=refund.currency,
        legs=[
            (ledger.refund_owed(item.id), refund.amount_minor),
            (ledger.CASH, -refund.amount_minor),
        ],
        now=now,
        work_id=item.id,
        memo=reference,
    )
    refund.status, refund.gateway_ref, refund.sent_at = "sent", reference, now
    business = await uow.session.get_one(Business, item.business_id)
    await uow.notify(
        Notice(
            to=business.owner_member_id,
            text=f'The moderators have sent back {money} for "{item.title}" (#{item.id}) '
            "by bank transfer. It may take a day to show in your account.",
        )
    )
    return f'Recorded the {money} refund to {business.name} for #{item.id} "{item.title}".'
