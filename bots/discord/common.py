"""What every Discord handler needs: the brain, who is acting, and how to answer in time.

Every interaction is deferred first (Discord allows 3 seconds), then answered with a
follow-up. Answers in the server are ephemeral: only the person who asked sees them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import discord

from bots.app import ParentBrain
from bots.discord.language import client_language, speak_their_language
from bots.discord.render import split_text, view_for
from core import communities, requests
from core.actors import Actor
from core.answers import answer
from core.commands import RegisterAccount
from core.communities import CommunityRef
from core.language import N_, _, speak

if TYPE_CHECKING:
    from bots.discord.bot import ParentBrainBot

log = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 300
DMS_CLOSED = N_(
    "I can't send you direct messages, so offers can't reach you. In this server's menu open "
    "Privacy Settings, allow direct messages from server members, then type /available again."
)

Act = Callable[[Actor], Awaitable[Any]]


def bot_of(interaction: discord.Interaction[Any]) -> ParentBrainBot:
    return cast("ParentBrainBot", interaction.client)


def brain_of(interaction: discord.Interaction[Any]) -> ParentBrain:
    return bot_of(interaction).brain


async def community_here(interaction: discord.Interaction[Any]) -> CommunityRef | None:
    """The server's community; from a DM, the deployment's only one on Discord."""
    async with brain_of(interaction).uow() as uow:
        if interaction.guild_id is not None:
            return await communities.find_by_chat(uow, "discord", interaction.guild_id)
        return await communities.sole_community(uow, "discord")


async def standing_in(
    interaction: discord.Interaction[Any], guild_id: int
) -> tuple[bool, bool] | None:
    """(member, moderator) of that server, read from Discord; None when Discord can't say.

    In the server, Discord sends the member's roles and resolved permissions with the
    interaction itself, so nothing here depends on the gateway's cache of the server (which
    is an empty stub until GUILD_CREATE arrives). From a DM the member is fetched over REST,
    and the answer kept for a few minutes.
    """
    bot = bot_of(interaction)
    user = interaction.user
    if interaction.guild_id == guild_id and isinstance(user, discord.Member):
        moderator = interaction.permissions.manage_guild or await has_moderator_role(
            bot, guild_id, _role_ids(user)
        )
        return True, moderator
    return await member_standing(bot, guild_id, user.id)


async def moderates_on_discord(
    bot: ParentBrainBot, external_id: str, community_id: int
) -> bool | None:
    """Whether Discord says this account moderates the community's server; None when it
    can't say (no server, or Discord unreachable)."""
    async with bot.brain.uow() as uow:
        community = await communities.find_by_id(uow, community_id)
    if community is None or community.discord_guild_id is None or not external_id.isdigit():
        return None
    standing = await member_standing(bot, community.discord_guild_id, int(external_id))
    return None if standing is None else standing[1]


async def member_standing(
    bot: ParentBrainBot, guild_id: int, user_id: int
) -> tuple[bool, bool] | None:
    """(member, moderator) of a server for someone, fetched over REST and kept a few minutes;
    None when Discord can't say."""
    hit = bot.moderator_cache.get((guild_id, user_id))
    if hit is not None:
        return hit
    try:
        guild = await server_with_roles(bot, guild_id)
        member = await guild.fetch_member(user_id)
    except discord.NotFound:
        answer = (False, False)
    except discord.HTTPException:
        return None
    else:
        answer = (
            True,
            member.guild_permissions.manage_guild
            or await has_moderator_role(bot, guild_id, {role.id for role in member.roles}),
        )
    bot.moderator_cache[(guild_id, user_id)] = answer
    return answer


async def server_with_roles(bot: ParentBrainBot, guild_id: int) -> discord.Guild:
    """The server with its roles: the gateway's copy once GUILD_CREATE has filled it (kept
    current by role events), else fetched over REST and kept for five minutes."""
    cached = bot.get_guild(guild_id)
    if cached is not None and not cached.unavailable and len(cached.roles) > 0:
        return cached
    fetched = bot.fetched_servers.get(guild_id)
    if fetched is None:
        fetched = bot.fetched_servers[guild_id] = await bot.fetch_guild(guild_id)
    return fetched


def _role_ids(member: discord.Member) -> set[int]:
    """The role ids the interaction carried; discord.py resolves them to Role objects only
    when its copy of the server is loaded, so the ids are read as sent."""
    return set(member._roles)


async def has_moderator_role(bot: ParentBrainBot, guild_id: int, role_ids: set[int]) -> bool:
    """Whether one of these roles is the configured moderator role (by id, or by name)."""
    wanted = bot.brain.settings.discord_moderator_role
    if wanted is None or not role_ids:
        return False
    if wanted.isdigit():
        return int(wanted) in role_ids
    guild = await server_with_roles(bot, guild_id)
    return any(role.name == wanted and role.id in role_ids for role in guild.roles)


async def actor_of(
    interaction: discord.Interaction[Any], *, check_moderator: bool = False
) -> Actor:
    """Who is acting, where: membership and moderator status are Discord's answers about
    the community's server, never anything in the payload's options."""
    user = interaction.user
    community = await community_here(interaction)
    status = None
    if community is not None and community.discord_guild_id is not None:
        status = await standing_in(interaction, community.discord_guild_id)
    actor: Actor = await brain_of(interaction).handle(
        RegisterAccount(
            platform="discord",
            external_id=str(user.id),
            display_name=(user.display_name or user.name)[:100],
            handle=user.name,
            platform_says_moderator=check_moderator and status is not None and status[1],
            dm_open=True if interaction.guild_id is None else None,
            community_id=community.id if community is not None else None,
            platform_says_member=status[0] if status is not None else None,
            platform_language=client_language(interaction),
        )
    )
    speak(actor.language)  # from now on, what they chose over what their client says
    return actor


async def respond(
    interaction: discord.Interaction[Any], act: Act, *, check_moderator: bool = False
) -> Actor | None:
    """Defer, run `act` for the person, and follow up where only they can see it."""
    ephemeral = interaction.guild_id is not None
    await speak_their_language(interaction)
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    async with bot_of(interaction).turns.of(interaction.user.id):  # this person's, in order
        with requests.request(f"dc:{interaction.id}"):  # a repeated interaction, recognised
            return await _act_and_answer(interaction, act, ephemeral, check_moderator)


async def _act_and_answer(
    interaction: discord.Interaction[Any], act: Act, ephemeral: bool, check_moderator: bool
) -> Actor | None:
    acting: list[Actor] = []

    async def as_them() -> Any:
        acting.append(await actor_of(interaction, check_moderator=check_moderator))
        return await act(acting[0])

    answered = await answer(as_them, nothing=_("Done."), who=f"discord user {interaction.user.id}")
    if answered.error is not None:
        bot_of(interaction).errors.append(answered.error)
    actor = acting[0] if acting else None
    text, actions = answered.text, answered.actions
    pieces = split_text(text)
    for n, piece in enumerate(pieces):
        view = view_for(actions) if n == len(pieces) - 1 else None
        if view is not None:
            await interaction.followup.send(piece, ephemeral=ephemeral, view=view)
        else:
            await interaction.followup.send(piece, ephemeral=ephemeral)
    return actor
