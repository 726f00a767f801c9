"""What waits on a community's moderators, as rows a page can show: posts to review, payments
expected by bank transfer, payouts and refunds owed, and disputes with what was delivered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select

from core.actors import Actor
from core.downloads import Download, downloads
from core.handlers.delivery import latest_delivery
from core.language import _
from core.models import Business, CommunityBusiness, Member, Payout, Refund, WorkItem
from core.money import Money, payment_reference
from core.owed import pay_to
from core.states import WorkStatus
from core.uow import UnitOfWork


@dataclass(frozen=True)
class Waiting:
    """One thing to act on: the item (or payout) number, a line saying what it is, and the
    delivered work or bank details a moderator reads before deciding."""

    number: int
    line: str
    detail: str = ""
    files: list[Download] = field(default_factory=list)


@dataclass(frozen=True)
class ModeratorQueues:
    posts: list[Waiting]
    businesses: list[Waiting]  # new here, not yet verified or turned away
    payments: list[Waiting]
    payouts: list[Waiting]
    refunds: list[Waiting]
    disputes: list[Waiting]


async def moderator_queues(uow: UnitOfWork, actor: Actor, limit: int = 50) -> ModeratorQueues:
    here = actor.moderated_community()

    def items(status: WorkStatus) -> Select[Any]:
        query = select(WorkItem).where(WorkItem.status == status).order_by(WorkItem.id)
        return query if here is None else query.where(WorkItem.community_id == here)

    async def rows(status: WorkStatus) -> list[tuple[WorkItem, str]]:
        found = (
            await uow.session.execute(
                items(status)
                .add_columns(Business.name)
                .join(Business, Business.id == WorkItem.business_id)
                .limit(limit)
            )
        ).all()
        return [(item, name) for item, name in found]

    posts = [
        Waiting(
            i.id,
            _(
                '#{id} "{title}" from {b}, {money}',
                id=i.id,
                title=i.title,
                b=b,
                money=Money(i.budget_minor, i.currency),
            ),
            i.description,
        )
        for i, b in await rows(WorkStatus.DRAFT)
    ]
    newcomers = (
        select(Business)
        .join(CommunityBusiness, CommunityBusiness.business_id == Business.id)
        .where(CommunityBusiness.verified.is_(False), CommunityBusiness.rejected_reason.is_(None))
        .order_by(Business.id)
        .limit(limit)
    )
    if here is not None:
        newcomers = newcomers.where(CommunityBusiness.community_id == here)
    businesses = [
        Waiting(
            b.id,
            _("Business #{id}: {name}", id=b.id, name=b.name),
            _("Contact: {contact}", contact=b.contact),
        )
        for b in (await uow.session.scalars(newcomers)).all()
    ]
    payments = [
        Waiting(
            i.id,
            _(
                '#{id} "{title}": {money} from {b}, reference {payment_reference}',
                id=i.id,
                title=i.title,
                money=Money(i.budget_minor, i.currency),
                b=b,
                payment_reference=payment_reference(i.id),
            ),
        )
        for i, b in await rows(WorkStatus.AWAITING_PAYMENT)
    ]
    disputes = []
    for item, business in await rows(WorkStatus.DISPUTED):
        delivery = await latest_delivery(uow, item.id)
        disputes.append(
            Waiting(
                item.id,
                _(
                    '#{id} "{title}" ({money}) for {business}',
                    id=item.id,
                    title=item.title,
                    money=Money(item.budget_minor, item.currency),
                    business=business,
                ),
                delivery.body if delivery else _("Nothing was delivered."),
                await downloads(uow, delivery.id) if delivery else [],
            )
        )
    owed = (
        select(Payout, Member.display_name, WorkItem.id)
        .join(Member, Member.id == Payout.member_id)
        .join(WorkItem, WorkItem.id == Payout.work_id)
        .where(Payout.status == "owed")
        .order_by(Payout.id)
        .limit(limit)
    )
    refunds_owed = (
        select(Refund, WorkItem.title, Business.name)
        .join(WorkItem, WorkItem.id == Refund.work_id)
        .join(Business, Business.id == WorkItem.business_id)
        .where(Refund.status == "owed")
        .order_by(Refund.id)
        .limit(limit)
    )
    if here is not None:
        owed = owed.where(WorkItem.community_id == here)
        refunds_owed = refunds_owed.where(WorkItem.community_id == here)
    payouts = [
        Waiting(
            payout.id,
            _(
                "Payout #{id}: {money} to {name} for item #{work_id}",
                id=payout.id,
                money=Money(payout.amount_minor, payout.currency),
                name=name,
                work_id=work_id,
            ),
            await pay_to(uow, payout.member_id),
        )
        for payout, name, work_id in (await uow.session.execute(owed)).all()
    ]
    refunds = [
        Waiting(
            refund.work_id,
            _(
                'Item #{work_id} "{title}": {money} back to {business}',
                work_id=refund.work_id,
                title=title,
                money=Money(refund.amount_minor, refund.currency),
                business=business,
            ),
        )
        for refund, title, business in (await uow.session.execute(refunds_owed)).all()
    ]
    return ModeratorQueues(posts, businesses, payments, payouts, refunds, disputes)
