"""The work record's public address: none until the parent asks, a new unguessable one each
time, gone at once when they stop sharing or erase their data."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from core.commands import (
    NameBusinessInRecords,
    ShareRecord,
    ShowEarningsOnRecord,
    StopSharingRecord,
)
from core.config import Settings
from core.credentials.issuing import record_settings
from core.credentials.keys import base_url
from core.handlers.common import business_of, member_of
from core.language import _
from core.models import WorkRecordSettings
from core.uow import UnitOfWork


def share_url(settings: Settings, token: str) -> str:
    return f"{base_url(settings)}/r/{token}"


async def shared_record(uow: UnitOfWork, token: str) -> int | None:
    """Whose record this address shows, or None (never made, stopped, or erased)."""
    if not token or len(token) > 60:
        return None
    return await uow.session.scalar(
        select(WorkRecordSettings.member_id).where(WorkRecordSettings.share_token == token)
    )


async def share_record(cmd: ShareRecord, uow: UnitOfWork, settings: Settings) -> str:
    member = await member_of(uow, cmd.actor)
    mine = await record_settings(uow, member.id)
    if mine.share_token is None:
        mine.share_token = secrets.token_urlsafe(24)
        mine.shared_at = uow.now()
        said = _("Your work record is shared at")
    else:
        said = _("Your work record is already shared at")
    return _(
        "{said} {share_url}\nAnyone with the address can see it and check your credentials. Type /record stop to take it down at once.",
        said=said,
        share_url=share_url(settings, mine.share_token),
    )


async def stop_sharing_record(cmd: StopSharingRecord, uow: UnitOfWork) -> str:
    member = await member_of(uow, cmd.actor)
    mine = await record_settings(uow, member.id)
    if mine.share_token is None:
        return _("Your work record isn't shared, so there's nothing to stop.")
    mine.share_token, mine.shared_at = None, None
    return _(
        "Done: that address no longer shows your record. Your credentials stay valid; /record share makes a new address when you want one."
    )


async def show_earnings_on_record(cmd: ShowEarningsOnRecord, uow: UnitOfWork) -> str:
    member = await member_of(uow, cmd.actor)
    mine = await record_settings(uow, member.id)
    mine.shows_earnings = cmd.show
    if cmd.show:
        return _("Your work record now shows what you've earned, to anyone you share it with.")
    return _("Your earnings are private again: your work record doesn't show them.")


async def name_business_in_records(cmd: NameBusinessInRecords, uow: UnitOfWork) -> str:
    business = await business_of(uow, cmd.actor)
    business.named_in_records = cmd.named
    if cmd.named:
        return _(
            "Parents' work records and new credentials will name {name} and the titles of its items. /showname off stops that for what comes next.",
            name=business.name,
        )
    return _(
        "Parents' work records will say \"a business\" instead of {name}, and new credentials won't name it.",
        name=business.name,
    )
