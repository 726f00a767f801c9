"""Communities: which one a chat belongs to, and who takes part in it.

A community is a Telegram group or a Discord server (its settings: core/community_settings.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from core.community_settings import settings_for
from core.config import Settings
from core.errors import NotAllowed, NotFound
from core.language import _, choose, formatting
from core.language.people import community_language
from core.models import Community, CommunityBusiness, Member, Membership
from core.uow import UnitOfWork

# Lookups ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommunityRef:
    """What an adapter needs to know of a community to check people against the platform."""

    id: int
    title: str
    telegram_chat_id: int | None
    discord_guild_id: int | None
    language: str  # what everyone in its group reads (core/language)


def _ref(row: Community) -> CommunityRef:
    language = choose(chosen=None, community=community_language(row))
    return CommunityRef(row.id, row.title, row.telegram_chat_id, row.discord_guild_id, language)


async def find_by_chat(uow: UnitOfWork, platform: str, chat_id: int) -> CommunityRef | None:
    """The community whose group, moderators' chat or server this is."""
    if platform == "telegram":
        where: Any = (Community.telegram_chat_id == chat_id) | (
            Community.telegram_moderator_chat_id == chat_id
        )
    elif platform == "discord":
        where = Community.discord_guild_id == chat_id
    else:
        return None
    row = await uow.session.scalar(select(Community).where(where).order_by(Community.id).limit(1))
    return _ref(row) if row is not None else None


async def find_by_id(uow: UnitOfWork, community_id: int) -> CommunityRef | None:
    row = await uow.session.get(Community, community_id)
    return _ref(row) if row is not None else None


async def sole_community(uow: UnitOfWork, platform: str) -> CommunityRef | None:
    """The deployment's only community on this platform, if it has exactly one.

    A DM carries no community; in a deployment that serves one group, it is that group's.
    """
    column = Community.telegram_chat_id if platform == "telegram" else Community.discord_guild_id
    rows = (await uow.session.scalars(select(Community).where(column.is_not(None)).limit(2))).all()
    return _ref(rows[0]) if len(rows) == 1 else None


async def community_row(uow: UnitOfWork, community_id: int) -> Community:
    row = await uow.session.get(Community, community_id)
    if row is None:
        raise NotFound(_("There is no community #{community_id}.", community_id=community_id))
    return row


async def community_settings(
    uow: UnitOfWork, settings: Settings, community_id: int | None
) -> Settings:
    """The settings that hold in this community (the deployment's, with its own on top)."""
    if community_id is None:
        return settings
    return settings_for(settings, await uow.session.get(Community, community_id))


# Membership -------------------------------------------------------------------------------


async def membership(uow: UnitOfWork, community_id: int, member_id: int) -> Membership | None:
    found: Membership | None = await uow.session.get(Membership, (community_id, member_id))
    return found


async def active_communities(uow: UnitOfWork, member_id: int) -> list[int]:
    rows = await uow.session.scalars(
        select(Membership.community_id)
        .where(Membership.member_id == member_id, Membership.active.is_(True))
        .order_by(Membership.community_id)
    )
    return list(rows.all())


async def join(uow: UnitOfWork, community_id: int, member: Member, now: datetime) -> bool:
    """Record that the platform says this member belongs; True when that is news."""
    found = await membership(uow, community_id, member.id)
    if found is None:
        uow.session.add(
            Membership(community_id=community_id, member_id=member.id, active=True, joined_at=now)
        )
        return True
    if not found.active:
        found.active, found.left_at = True, None
        return True
    return False


async def mark_left(uow: UnitOfWork, community_id: int, member_id: int, now: datetime) -> bool:
    """The platform says they left or were removed; True if they had been taking part."""
    result = await uow.session.execute(
        update(Membership)
        .where(
            Membership.community_id == community_id,
            Membership.member_id == member_id,
            Membership.active.is_(True),
        )
        .values(active=False, left_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def banned(found: Membership | None, now: datetime) -> bool:
    return found is not None and found.banned_until is not None and found.banned_until > now


async def ensure_taking_part(uow: UnitOfWork, community_id: int, member_id: int) -> Membership:
    """A member of this community, and not suspended in it, or one sentence why not."""
    found = await membership(uow, community_id, member_id)
    if found is None or not found.active:
        title = (await community_row(uow, community_id)).title
        raise NotAllowed(
            _(
                "Only members of {title} take part there; join its group or server first.",
                title=title,
            )
        )
    if banned(found, uow.now()):
        assert found.banned_until is not None
        raise NotAllowed(
            _(
                "Your account is suspended in this community until {banned_until}; ask a moderator if you think this is a mistake.",
                banned_until=formatting.dated(found.banned_until, "%d %b %Y"),
            )
        )
    return found


async def standing(uow: UnitOfWork, community_id: int, business_id: int) -> CommunityBusiness:
    found = await uow.session.get(CommunityBusiness, (community_id, business_id))
    if found is None:
        raise NotFound(_("That business hasn't registered in this community."))
    return found


async def adopt_configured_community(uow: UnitOfWork, settings: Settings) -> int | None:
    """Today's settings name one group and one server: they are (or become) a community.

    A database upgraded from before communities has community #1 with no chats yet; it takes
    the configured ones, so an existing deployment keeps working unchanged. The settings win
    over what is stored, so changing them still moves the moderators' chat.
    """
    group, server = settings.telegram_community_chat_id, settings.discord_guild_id
    if group is None and server is None:
        return None
    row = None
    if group is not None:
        row = await uow.session.scalar(select(Community).where(Community.telegram_chat_id == group))
    if row is None and server is not None:
        row = await uow.session.scalar(
            select(Community).where(Community.discord_guild_id == server)
        )
    if row is None:
        row = await uow.session.scalar(
            select(Community)
            .where(Community.telegram_chat_id.is_(None), Community.discord_guild_id.is_(None))
            .order_by(Community.id)
            .limit(1)
        )
    if row is None:
        row = Community(title=_("Our community"), settings={}, created_at=uow.now())
        uow.session.add(row)
    chosen = {
        "telegram_chat_id": group,
        "telegram_moderator_chat_id": settings.telegram_moderator_chat_id,
        "telegram_help_chat_id": settings.telegram_help_chat_id,
        "discord_guild_id": server,
        "discord_moderator_channel_id": settings.discord_moderator_channel_id,
        "discord_help_channel_id": settings.discord_help_channel_id,
    }
    for column, value in chosen.items():
        if value is not None:
            setattr(row, column, value)
    await uow.session.flush()
    return row.id


async def moderator_chats(uow: UnitOfWork, limit: int = 1000) -> list[int]:
    """The moderators' chats of Telegram communities (for their command menus)."""
    rows = await uow.session.scalars(
        select(Community.telegram_moderator_chat_id)
        .where(Community.telegram_moderator_chat_id.is_not(None))
        .order_by(Community.id)
        .limit(limit)
    )
    return [int(chat) for chat in rows.all() if chat is not None]
