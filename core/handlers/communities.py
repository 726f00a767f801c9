"""Setting up a community, changing its settings, and people leaving it."""

from __future__ import annotations

from sqlalchemy import select

from core import communities
from core.commands import ChangeCommunitySetting, LeaveCommunity, SetCommunityChat, SetUpCommunity
from core.community_settings import describe_settings, read_setting, settings_for
from core.config import Settings
from core.errors import DomainError, NotAllowed
from core.events import OfferExpired
from core.handlers.availability import reindex_open_skills
from core.handlers.common import member_of
from core.language import N_, _
from core.language.people import speaking_to
from core.models import Account, Community, Offer, WorkItem
from core.notices import Notice
from core.projects import progress as projects
from core.states import OfferStatus
from core.uow import UnitOfWork

PLATFORM_WORDS = {"telegram": N_("group"), "discord": N_("server")}


async def set_up_community(cmd: SetUpCommunity, uow: UnitOfWork, settings: Settings) -> str:
    """The group or server becomes a community; the person who set it up takes part in it."""
    where = PLATFORM_WORDS.get(cmd.platform)
    if where is None:
        raise DomainError(_("Communities are Telegram groups or Discord servers."))
    if not cmd.platform_says_admin:
        raise NotAllowed(
            _(
                "Only an administrator of this {where} can set it up; ask one of them to type /setup.",
                where=_(where),
            )
        )
    existing = await communities.find_by_chat(uow, cmd.platform, cmd.chat)
    if existing is not None:
        raise DomainError(
            _(
                "This {where} is already set up as {title}; /settings shows its settings.",
                where=_(where),
                title=existing.title,
            )
        )
    member = await member_of(uow, cmd.actor)
    now = uow.now()
    row = Community(title=cmd.title, settings={}, created_by_member_id=member.id, created_at=now)
    if cmd.platform == "telegram":
        row.telegram_chat_id = cmd.chat
    else:
        row.discord_guild_id = cmd.chat
        row.discord_moderator_channel_id = cmd.moderator_chat
        row.discord_help_channel_id = cmd.help_chat
    uow.session.add(row)
    await uow.session.flush()
    await communities.join(uow, row.id, member, now)
    if cmd.platform == "telegram":
        chats = _(
            "Next, add me to your moderators' private group and type /setup moderators there; reviews, disputes and payments owed are posted in it."
        )
    elif cmd.moderator_chat is None:
        chats = _("Next, run /setup again with a moderators' channel, where reviews are posted.")
    else:
        chats = _("Reviews, disputes and payments owed will be posted in the moderators' channel.")
    return _(
        "{title} is set up on Parent Brain (community #{id}). Members can now type /start to offer their skills, and businesses /business to post work. {chats} Type /settings to see or change the fee, currency, timezone and moderation.",
        title=cmd.title,
        id=row.id,
        chats=chats,
    )


async def set_community_chat(cmd: SetCommunityChat, uow: UnitOfWork) -> str:
    if not cmd.platform_says_admin:
        cmd.actor.require_moderator_of(cmd.community_id)
    row = await communities.community_row(uow, cmd.community_id)
    if cmd.platform == "telegram":
        if cmd.chat == row.telegram_chat_id and cmd.purpose == "moderators":
            raise DomainError(
                _("The moderators' chat must be a separate private group, not the community's own.")
            )
        if cmd.purpose == "moderators":
            row.telegram_moderator_chat_id = cmd.chat
        else:
            row.telegram_help_chat_id = cmd.chat
    else:
        if cmd.purpose == "moderators":
            row.discord_moderator_channel_id = cmd.chat
        else:
            row.discord_help_channel_id = cmd.chat
    what = _("moderators' chat") if cmd.purpose == "moderators" else _("help chat")
    return _("This is now {title}'s {what}.", title=row.title, what=what)


async def change_community_setting(
    cmd: ChangeCommunitySetting, uow: UnitOfWork, settings: Settings
) -> str:
    community_id = cmd.actor.moderated_community()
    if community_id is None:
        raise DomainError(_("Type /settings in the community's group or server."))
    row = await communities.community_row(uow, community_id)
    if not cmd.name:
        shown = describe_settings(settings_for(settings, row))
        return (
            _("{title}'s settings:\n", title=row.title)
            + "\n".join(shown)
            + _("\nTo change one, type for example: /settings fee 12.5%")
        )
    changed = read_setting(cmd.name, cmd.value)
    row.settings = {**row.settings, **changed}  # a new dict, so the JSON column is saved
    [name] = changed
    [line] = [
        line
        for line in describe_settings(settings_for(settings, row))
        if line.startswith(f"{name}:")
    ]
    return _(
        "Changed. {line}. New posts and offers use it; work already posted keeps its terms.",
        line=line,
    )


async def leave_community(cmd: LeaveCommunity, uow: UnitOfWork) -> str:
    """Offers in that community's work are withdrawn; nothing more is offered there."""
    member_id = await uow.session.scalar(
        select(Account.member_id).where(
            Account.platform == cmd.platform, Account.external_id == cmd.external_id
        )
    )
    if member_id is None or not await communities.mark_left(
        uow, cmd.community_id, member_id, uow.now()
    ):
        return _("Nothing to do.")
    await withdraw_offers(uow, member_id, cmd.community_id, _("you left the community"))
    await projects.parent_gone(uow, cmd.community_id, member_id)
    await reindex_open_skills(uow, member_id)
    return _("They no longer take part.")


async def withdraw_offers(uow: UnitOfWork, member_id: int, community_id: int, why: str) -> int:
    """Rescind this member's open offers on the community's work, telling them once each."""
    rows = (
        await uow.session.execute(
            select(Offer, WorkItem.title)
            .join(WorkItem, WorkItem.id == Offer.work_id)
            .where(
                Offer.member_id == member_id,
                Offer.status == OfferStatus.PENDING,
                WorkItem.community_id == community_id,
            )
        )
    ).all()
    now = uow.now()
    for offer, title in rows:
        offer.status, offer.responded_at = OfferStatus.RESCINDED, now
        async with speaking_to(uow, member_id):
            await uow.notify(
                Notice(
                    to=member_id,
                    text=_(
                        '"{title}": this offer is withdrawn because {why}.', title=title, why=why
                    ),
                    replaces=f"offer:{offer.id}",
                )
            )
        # The cascade moves on exactly as after a time-out.
        uow.emit(OfferExpired(offer_id=offer.id, work_id=offer.work_id, member_id=member_id))
    return len(rows)
