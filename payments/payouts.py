"""Money to parents: the split on approval, transfers, held payouts and onboarding."""

from __future__ import annotations

from sqlalchemy import select

from core.commands import (
    ConfirmPayout,
    PayeeUpdated,
    SetUpPayouts,
)
from core.errors import NotFound, StaleAction
from core.events import DeliveryApproved, PayoutSent
from core.language import _
from core.language.people import speaking_to
from core.models import Member, PayeeAccount, Payout, PayoutDetails, WorkItem
from core.money import Money, parent_share, platform_fee
from core.notices import MODERATORS, Notice
from core.owed import pay_to
from core.ports import PaymentGateway, TransferRequest
from core.states import WorkStatus, check_work_move
from core.uow import UnitOfWork
from payments import ledger


async def settle_approved(
    event: DeliveryApproved, uow: UnitOfWork, gateway: PaymentGateway
) -> None:
    """Split the escrow into the parent's share and the platform fee, then pay the parent.

    Safe to run again for the same approval (the recovery sweep does): the split is made once,
    and a payout still owed is tried again with the same idempotency key.
    """
    # Lock order everywhere money reaches a parent: the payee account, then the item. So an
    # approval and the account becoming ready can't both decide before seeing the other.
    account = await lock_payee(uow, event.member_id, gateway.name)
    item = await uow.work_for_update(event.work_id)
    if item.status != WorkStatus.APPROVED:
        return
    payout = await uow.session.scalar(select(Payout).where(Payout.work_id == item.id))
    first_attempt = payout is None
    if payout is None:
        payout = await _split(uow, item, event.member_id)
    reference = await gateway.transfer(transfer_request(item, payout, account))
    if reference is not None:
        await mark_paid(uow, item, payout, reference)
        return
    if not first_attempt:
        return  # still waiting on the same blocker; the parent was told the first time
    share = Money(payout.amount_minor, payout.currency)
    async with speaking_to(uow, event.member_id):
        if not gateway.confirms_by_hand:
            how = _(
                "Type /payouts to set up how you're paid, and it will be sent as soon as you have."
            )
        elif await uow.session.get(PayoutDetails, event.member_id) is None:
            how = _(
                "The moderators pay it by bank transfer: to tell them where, type /payoutdetails followed by the account holder's name, sort code and account number (or IBAN)."
            )
        else:
            how = _(
                "The moderators pay it by bank transfer to the account you gave; you'll hear here when it's sent."
            )
        await uow.notify(
            Notice(
                to=event.member_id,
                text=_(
                    '{share} is owed to you for "{title}". {how}',
                    share=share,
                    title=item.title,
                    how=how,
                ),
            )
        )
    if gateway.confirms_by_hand:
        await tell_moderators_payout_owed(uow, item, payout)


async def tell_moderators_payout_owed(uow: UnitOfWork, item: WorkItem, payout: Payout) -> None:
    """The item's moderators pay by hand: where to, how much, and how to say it's done."""
    parent = await uow.session.get_one(Member, payout.member_id)
    share = Money(payout.amount_minor, payout.currency)
    async with speaking_to(uow, MODERATORS, item.community_id):
        await uow.notify(
            Notice(
                to=MODERATORS,
                community_id=item.community_id,
                text=_(
                    "Payout #{id} owed: {share} to {display_name} for item #{id2} \"{title}\".\n{value}\nPay it by bank transfer, then type /paid {id} followed by your bank reference (the payout's number, not the item's).",
                    id=payout.id,
                    share=share,
                    display_name=parent.display_name,
                    id2=item.id,
                    title=item.title,
                    value=await pay_to(uow, payout.member_id),
                ),
            )
        )


async def _split(uow: UnitOfWork, item: WorkItem, member_id: int) -> Payout:
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
            (ledger.payable(member_id), -share),
            (ledger.REVENUE, -fee),
        ],
        now=now,
        work_id=item.id,
    )
    payout = Payout(
        work_id=item.id,
        member_id=member_id,
        amount_minor=share,
        currency=item.currency,
        created_at=now,
    )
    uow.session.add(payout)
    await uow.session.flush()
    return payout


async def lock_payee(uow: UnitOfWork, member_id: int, gateway: str) -> PayeeAccount | None:
    """The member's payee account, row-locked and read fresh; None if they have none."""
    return await uow.session.scalar(
        select(PayeeAccount)
        .where(PayeeAccount.member_id == member_id, PayeeAccount.gateway == gateway)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def assignee_of(uow: UnitOfWork, work_id: int) -> int | None:
    return await uow.session.scalar(
        select(WorkItem.assignee_member_id).where(WorkItem.id == work_id)
    )


def transfer_request(
    item: WorkItem, payout: Payout, account: PayeeAccount | None
) -> TransferRequest:
    destination = account.account_ref if account is not None and account.ready else None
    return TransferRequest(
        payout.id,
        item.id,
        payout.member_id,
        payout.amount_minor,
        payout.currency,
        destination=destination,
        source=item.charge_ref,
        project_id=item.project_id,
    )


async def set_up_payouts(cmd: SetUpPayouts, uow: UnitOfWork, gateway: PaymentGateway) -> str:
    """The parent's link to set up how they are paid."""
    account = await uow.session.get(PayeeAccount, (cmd.actor.member_id, gateway.name))
    link = await gateway.onboard_payee(
        cmd.actor.member_id, account.account_ref if account else None
    )
    if link is None:
        return _(
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
        return _("You're all set up to be paid. Open this link to change your details: ") + link.url
    return _("Set up how you're paid here (it takes a few minutes): {url}", url=link.url)


async def payee_updated(cmd: PayeeUpdated, uow: UnitOfWork, gateway: PaymentGateway) -> int:
    """Record the payee account's state; when it becomes ready, pay everything held for them."""
    account = await uow.session.scalar(
        select(PayeeAccount)
        .where(PayeeAccount.account_ref == cmd.account_ref)
        .with_for_update()
        .execution_options(populate_existing=True)
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
        if payout.status != "owed":
            continue  # paid meanwhile, under the item's lock
        reference = await gateway.transfer(transfer_request(item, payout, account))
        if reference is not None:
            await mark_paid(uow, item, payout, reference)
            paid += 1
    return paid


async def confirm_payout(cmd: ConfirmPayout, uow: UnitOfWork) -> str:
    """A moderator paid a parent by hand (offline gateway)."""
    cmd.actor.require_moderator()
    payout = await uow.session.get(Payout, cmd.payout_id)
    if payout is None:
        raise NotFound(_("There is no payout #{payout_id}.", payout_id=cmd.payout_id))
    item = await uow.work_for_update(payout.work_id)
    cmd.actor.require_moderator_of(item.community_id)
    await uow.session.refresh(payout)
    if payout.status == "sent":
        raise StaleAction(_("Payout #{id} was already confirmed.", id=payout.id))
    await mark_paid(uow, item, payout, cmd.reference or f"manual:{payout.id}")
    return _(
        "Recorded payout #{id} of {money}.",
        id=payout.id,
        money=Money(payout.amount_minor, payout.currency),
    )


async def mark_paid(uow: UnitOfWork, item: WorkItem, payout: Payout, reference: str) -> None:
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
    async with speaking_to(uow, payout.member_id):
        await uow.notify(
            Notice(
                to=payout.member_id,
                text=_(
                    'You\'ve been paid {money} for "{title}". Thank you!',
                    money=Money(payout.amount_minor, payout.currency),
                    title=item.title,
                ),
            )
        )
    uow.emit(PayoutSent(payout_id=payout.id, work_id=item.id))
