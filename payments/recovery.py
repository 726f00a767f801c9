"""Money a crash left half-way is finished by a sweep, with the same idempotency keys.

Each movement's handler is safe to run again: it re-reads state under the same row locks and
calls the gateway with the key the first attempt used. So this sweep only has to find what
looks unfinished and hand it back to that handler; it can never move money twice.

- an approved item with no payout: the split never committed (the process died first);
- a payout owed to an account that is now ready: the transfer never went through;
- a funded item cancelled or expired but not refunded: the refund never committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from core.bus import MessageBus
from core.events import DeliveryApproved, Event, WorkCancelled
from core.models import PayeeAccount, Payout, WorkItem
from core.states import WorkStatus
from core.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
BATCH = 200


@dataclass
class Unfinished:
    settlements: int = 0
    transfers: int = 0
    refunds: int = 0

    @property
    def total(self) -> int:
        return self.settlements + self.transfers + self.refunds


async def finish_money(bus: MessageBus, uow: UnitOfWorkFactory, gateway_name: str) -> Unfinished:
    """Hand every unfinished money movement back to its handler; returns what was found."""
    async with uow() as unit:
        unsettled = (
            await unit.session.execute(
                select(WorkItem.id, WorkItem.assignee_member_id)
                .outerjoin(Payout, Payout.work_id == WorkItem.id)
                .where(WorkItem.status == WorkStatus.APPROVED, Payout.id.is_(None))
                .order_by(WorkItem.id)
                .limit(BATCH)
            )
        ).all()
        stuck = (
            await unit.session.execute(
                select(Payout.work_id, Payout.member_id)
                .join(
                    PayeeAccount,
                    (PayeeAccount.member_id == Payout.member_id)
                    & (PayeeAccount.gateway == gateway_name),
                )
                .where(Payout.status == "owed", PayeeAccount.ready.is_(True))
                .order_by(Payout.id)
                .limit(BATCH)
            )
        ).all()
        unrefunded = (
            await unit.session.scalars(
                select(WorkItem.id)
                .where(
                    WorkItem.status.in_([WorkStatus.CANCELLED, WorkStatus.EXPIRED]),
                    WorkItem.funded_at.is_not(None),
                )
                .order_by(WorkItem.id)
                .limit(BATCH)
            )
        ).all()
    found = Unfinished(len(unsettled), len(stuck), len(unrefunded))
    events: list[Event] = [
        *(DeliveryApproved(work_id=w, member_id=m) for w, m in unsettled if m is not None),
        *(DeliveryApproved(work_id=w, member_id=m) for w, m in stuck),
        *(WorkCancelled(work_id=w, was_funded=True) for w in unrefunded),
    ]
    if events:
        log.warning("finishing %s money movements left unfinished: %s", len(events), found)
    for event in events:
        await bus.publish(event)
    return found
