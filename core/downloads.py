"""Delivered files as the web offers them: only the business the work was for and the
community's moderators may download one, and only a copy kept in the file store (a file that
stayed on Telegram was sent to the business there)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.actors import Actor
from core.errors import NotAllowed, NotFound
from core.files import size_in_words
from core.language import _
from core.models import Business, DeliveredFile, Delivery, WorkItem
from core.uow import UnitOfWork


@dataclass(frozen=True)
class Download:
    file_id: int
    name: str
    size: str  # "1.2 MB"


@dataclass(frozen=True)
class Kept:
    name: str
    key: str  # where the copy is, in the file store


async def downloads(uow: UnitOfWork, delivery_id: int) -> list[Download]:
    rows = await uow.session.scalars(
        select(DeliveredFile)
        .where(DeliveredFile.delivery_id == delivery_id)
        .order_by(DeliveredFile.id)
    )
    return [Download(r.id, r.name, size_in_words(r.size_bytes)) for r in rows.all()]


async def downloadable(uow: UnitOfWork, actor: Actor, file_id: int) -> Kept:
    found = (
        await uow.session.execute(
            select(DeliveredFile, WorkItem.community_id, Business.owner_member_id)
            .join(Delivery, Delivery.id == DeliveredFile.delivery_id)
            .join(WorkItem, WorkItem.id == Delivery.work_id)
            .join(Business, Business.id == WorkItem.business_id)
            .where(DeliveredFile.id == file_id)
        )
    ).first()
    if found is None:
        raise NotFound(_("There is no such file."))
    file, community_id, owner = found
    if owner != actor.member_id:
        if not actor.is_moderator:
            raise NotAllowed(
                _("Only the business the work was for, and the moderators, can open it.")
            )
        actor.require_moderator_of(community_id)
    if file.stored_key is None:
        raise NotFound(
            _(
                "{name} stayed on {platform}, where it was sent to you; it can't be downloaded here.",
                name=file.name,
                platform=file.platform.title(),
            )
        )
    return Kept(file.name, file.stored_key)
