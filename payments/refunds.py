"""Money back to a business: sent by the gateway at once, or owed until a moderator sends it.

A refund by hand is a real debt. The ledger moves it from the item's escrow into
`refund_owed:work:<id>` and only into cash when a moderator confirms it with /refunded, so
`/owed`, `parentbrain payouts` and `parentbrain ledger check` all see what is still owed.
"""

from __future__ import annotations

from sqlalchemy import select

from core.commands import ConfirmRefund
from core.errors import NotFound, StaleAction
from core.language import _
from core.language.people import speaking_to
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
        memo=reference or _("owed by hand"),
    )
    await uow.session.flush()
    business = await uow.session.get_one(Business, item.business_id)
    money = Money(amount_minor, item.currency)
    async with speaking_to(uow, business.owner_member_id):
        if reference:
            how = _("It's on its way back to the card or account you paid with.")
        else:
            how = _(
                "The moderators will send it back by bank transfer to the account you paid from, and you'll hear here when it's sent."
            )
        await uow.notify(
            Notice(
                to=business.owner_member_id,
                text=_(
                    '{why}{money} for "{title}" (#{id}) is being refunded to you. {how}',
                    why=why,
                    money=money,
                    title=item.title,
                    id=item.id,
                    how=how,
                ),
            )
        )
    if not reference:
        paid_with = await _funding_reference(uow, item.id)
        async with speaking_to(uow, MODERATORS, item.community_id):
            await uow.notify(
                Notice(
                    to=MODERATORS,
                    community_id=item.community_id,
                    text=_(
                        'Refund owed for item #{id} "{title}": {money} back to {name}{paid_with}. Send it by bank transfer, then type /refunded {id} followed by your bank reference.',
                        id=item.id,
                        title=item.title,
                        money=money,
                        name=business.name,
                        paid_with=paid_with,
                    ),
                )
            )
    return refund


async def _funding_reference(uow: UnitOfWork, work_id: int) -> str:
    memo = await uow.session.scalar(
        select(LedgerTransaction.memo).where(LedgerTransaction.key == f"fund:{work_id}")
    )
    return _(" (they paid with reference {memo!r})", memo=memo) if memo else ""


async def confirm_refund(cmd: ConfirmRefund, uow: UnitOfWork) -> str:
    """A moderator sent a refund by hand: /refunded <item#> [bank reference]."""
    cmd.actor.require_moderator()
    item = await uow.session.get(WorkItem, cmd.work_id)
    if item is None:
        raise NotFound(_("There is no work item #{work_id}.", work_id=cmd.work_id))
    item = await uow.work_for_update(cmd.work_id)  # the item's lock orders confirmations
    cmd.actor.require_moderator_of(item.community_id)
    refund = await uow.session.scalar(
        select(Refund).where(Refund.work_id == item.id).execution_options(populate_existing=True)
    )
    if refund is None:
        raise NotFound(
            _(
                'Nothing is owed back to the business for #{id} "{title}"; type /owed to see what is.',
                id=item.id,
                title=item.title,
            )
        )
    money = Money(refund.amount_minor, refund.currency)
    if refund.status == "sent":
        raise StaleAction(
            _("The {money} refund for #{id} was already confirmed.", money=money, id=item.id)
        )
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
    async with speaking_to(uow, business.owner_member_id):
        await uow.notify(
            Notice(
                to=business.owner_member_id,
                text=_(
                    'The moderators have sent back {money} for "{title}" (#{id}) by bank transfer. It may take a day to show in your account.',
                    money=money,
                    title=item.title,
                    id=item.id,
                ),
            )
        )
    return _(
        'Recorded the {money} refund to {name} for #{id} "{title}".',
        money=money,
        name=business.name,
        id=item.id,
        title=item.title,
    )
