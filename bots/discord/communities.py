"""/setup and /settings: a server's administrators make it a community and run it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.discord.catalogue import catalogued
from bots.discord.common import brain_of, respond
from bots.discord.language import translatable
from core import commands as c
from core import communities
from core.actors import Actor
from core.errors import DomainError
from core.language import _

if TYPE_CHECKING:
    from bots.discord.bot import ParentBrainBot


class CommunitySetup(commands.Cog):
    def __init__(self, bot: ParentBrainBot) -> None:
        self.bot = bot

    @catalogued
    @app_commands.describe(
        moderators=translatable(
            lambda: _("the private channel where reviews, disputes and payments owed are posted")
        ),
        help=translatable(lambda: _("where /ask questions are posted (optional)")),
    )
    async def setup(
        self,
        interaction: discord.Interaction[Any],
        moderators: app_commands.AppCommandChannel,
        help: app_commands.AppCommandChannel | None = None,
    ) -> None:
        guild = interaction.guild_id
        admin = interaction.permissions.manage_guild  # resolved by Discord for this member

        async def act(actor: Actor) -> str:
            if guild is None:
                raise DomainError(_("Type /setup in your community's server."))
            for channel in (moderators, help):
                if channel is not None and channel.type is not discord.ChannelType.text:
                    raise DomainError(
                        _("#{name} isn't a text channel; choose one that is.", name=channel.name)
                    )
            async with brain_of(interaction).uow() as uow:
                found = await communities.find_by_chat(uow, "discord", guild)
            if found is None:
                name = (
                    interaction.guild.name if interaction.guild is not None else _("Our community")
                )
                return str(
                    await brain_of(interaction).handle(
                        c.SetUpCommunity(
                            actor=actor,
                            platform="discord",
                            chat=guild,
                            title=(name or "Our community")[:120],
                            platform_says_admin=admin,
                            moderator_chat=moderators.id,
                            help_chat=help.id if help is not None else None,
                        )
                    )
                )
            # Set up already: the channels may be changed by its administrators.
            replies = [
                await brain_of(interaction).handle(
                    c.SetCommunityChat(
                        actor=actor,
                        purpose=purpose,
                        platform="discord",
                        chat=channel.id,
                        community_id=found.id,
                        platform_says_admin=admin,
                    )
                )
                for purpose, channel in (("moderators", moderators), ("help", help))
                if channel is not None
            ]
            return _("{title} was set up already. ", title=found.title) + " ".join(
                reply.replace("This is now", "That channel is now") for reply in replies
            )

        await respond(interaction, act)

    @catalogued
    async def settings(
        self, interaction: discord.Interaction[Any], name: str = "", value: str = ""
    ) -> None:
        await respond(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.ChangeCommunitySetting(actor=a, name=name, value=value)
            ),
            check_moderator=True,
        )
