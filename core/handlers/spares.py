"""Ask the spare parent a round was due (core/spares.py says when one is)."""

from __future__ import annotations

from core import communities
from core.commands import AskSpare
from core.config import Settings
from core.handlers.common import pending_offers
from core.handlers.offers import make_offer, offer_expiry
from core.ports import Router
from core.states import WorkStatus
from core.uow import UnitOfWork


async def ask_spare(
    cmd: AskSpare, uow: UnitOfWork, router: Router, settings: Settings
) -> int | None:
    """One more parent, in the same round, if nobody asked has taken or turned down the work
    yet; nothing if the round ended meanwhile or nobody else fits."""
    item = await uow.work_for_update(cmd.work_id)
    now = uow.now()
    if item.spare_due_at is None or item.spare_due_at > now:
        return None  # not due: another sweeper asked already, or the round started again
    item.spare_due_at = None  # asked once, whatever happens next
    if item.status != WorkStatus.OFFERED:
        return None
    if not await pending_offers(uow, item.id):
        return None  # everyone asked answered; the cascade has moved on
    with uow.session.no_autoflush:
        settings = await communities.community_settings(uow, settings, item.community_id)
        chosen = await router.candidates(uow, item, now, 1)
    if not chosen:
        return None
    return await make_offer(
        uow, item, chosen[0], now, offer_expiry(item, now, settings), asked_before=True
    )
