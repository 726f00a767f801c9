"""What the platform owes and hasn't sent: payouts to parents and refunds to businesses.

The moderators' `/owed` shows their community's; the operator's `parentbrain payouts` shows
every community's, under its name. Each line says the number to confirm it with, and a
payout line says where to pay (the parent's bank details are shown only here).
"""

from __future__ import annotations

from sqlalchemy import select

from core.actors import Actor
from core.language import _
from core.models import Business, Community, Member, Payout, PayoutDetails, Refund, WorkItem
from core.money import Money
from core.uow import UnitOfWork


async def pay_to(uow: UnitOfWork, member_id: int) -> str:
    """Where a moderator pays this parent, or that they haven't said yet."""
    details = await uow.session.get(PayoutDetails, member_id)
    if details is None:
        return _(
            "They haven't given their bank details yet; they've been asked to type /payoutdetails, and you'll hear here when they do."
        )
    return _("Pay to: {holder}, {account}.", holder=details.holder, account=details.account)


async def money_owed(uow: UnitOfWork, actor: Actor) -> str:
    """Payouts and refunds owed, in the moderator's community or (for the operator) all."""
    here = actor.moderated_community()
    lines: list[tuple[int, str, str]] = []  # (community id, its title, the line)
    payouts = (
        select(Payout, Member, WorkItem.community_id, Community.title)
        .join(Member, Member.id == Payout.member_id)
        .join(WorkItem, WorkItem.id == Payout.work_id)
        .join(Community, Community.id == WorkItem.community_id)
        .where(Payout.status == "owed")
        .order_by(Payout.id)
    )
    refunds = (
        select(Refund, WorkItem, Business.name, Community.title)
        .join(WorkItem, WorkItem.id == Refund.work_id)
        .join(Business, Business.id == WorkItem.business_id)
        .join(Community, Community.id == WorkItem.community_id)
        .where(Refund.status == "owed")
        .order_by(Refund.id)
    )
    if here is not None:
        payouts = payouts.where(WorkItem.community_id == here)
        refunds = refunds.where(WorkItem.community_id == here)
    for payout, member, community_id, title in (await uow.session.execute(payouts)).all():
        lines.append(
            (
                community_id,
                title,
                _(
                    "Payout #{id}: {money} to {display_name} for item #{work_id}. {value} Confirm with /paid {id}",
                    id=payout.id,
                    money=Money(payout.amount_minor, payout.currency),
                    display_name=member.display_name,
                    work_id=payout.work_id,
                    value=await pay_to(uow, member.id),
                ),
            )
        )
    for refund, item, business, title in (await uow.session.execute(refunds)).all():
        lines.append(
            (
                item.community_id,
                title,
                _(
                    "Refund for item #{id}: {money} back to {business}. Confirm with /refunded {id}",
                    id=item.id,
                    money=Money(refund.amount_minor, refund.currency),
                    business=business,
                ),
            )
        )
    if not lines:
        return _("No payouts or refunds are owed.")
    said, heading = [], None
    for _order, title, line in sorted(lines, key=lambda row: row[0]):
        if here is None and title != heading:
            heading = title
            said.append(f"{title}:")
        said.append(line)
    return "\n".join(said)
