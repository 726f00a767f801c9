"""Moderators' slash commands: the configured role or Manage Server, checked with Discord."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bots.discord.catalogue import catalogued
from bots.discord.common import brain_of, respond
from core import commands as c

if TYPE_CHECKING:
    from bots.discord.bot import ParentBrainBot


class Moderation(commands.Cog):
    def __init__(self, bot: ParentBrainBot) -> None:
        self.bot = bot

    async def _run(self, interaction: discord.Interaction[Any], act: Any) -> None:
        await respond(interaction, act, check_moderator=True)

    @catalogued
    async def ban(
        self,
        interaction: discord.Interaction[Any],
        member: discord.User,
        duration: str = "",
        reason: str = "",
    ) -> None:
        await self._run(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.BanMember(
                    actor=a,
                    platform="discord",
                    who=str(member.id),
                    duration=duration,
                    reason=reason,
                )
            ),
        )

    @catalogued
    async def unban(self, interaction: discord.Interaction[Any], member: discord.User) -> None:
        await self._run(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.UnbanMember(actor=a, platform="discord", who=str(member.id))
            ),
        )
