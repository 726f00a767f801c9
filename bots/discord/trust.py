"""Blocks, reports and a person's own data: /block, /unblock, /report, /mydata, /forgetme."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.discord.catalogue import catalogued
from bots.discord.common import brain_of, respond
from bots.discord.language import translatable
from core import commands as c
from core.actors import Actor
from core.language import _

if TYPE_CHECKING:
    from bots.discord.bot import ParentBrainBot


class Trust(commands.Cog):
    def __init__(self, bot: ParentBrainBot) -> None:
        self.bot = bot

    @catalogued
    async def report(
        self, interaction: discord.Interaction[Any], what: str, message_link: str = ""
    ) -> None:
        await respond(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.ReportMessage(actor=a, reason=what, where=message_link)
            ),
        )

    @catalogued
    @app_commands.describe(anonymous=translatable(lambda: _("leave your name out")))
    async def ask(
        self, interaction: discord.Interaction[Any], question: str, anonymous: bool = False
    ) -> None:
        await respond(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.AskCommunity(actor=a, question=question, anonymous=anonymous)
            ),
        )

    @catalogued
    async def mydata(self, interaction: discord.Interaction[Any]) -> None:
        async def act(actor: Actor) -> str:
            export = await brain_of(interaction).handle(c.ExportMyData(actor=actor))
            await interaction.followup.send(
                file=discord.File(io.BytesIO(export.content), filename=export.filename),
                ephemeral=interaction.guild_id is not None,
            )
            return str(export.summary)

        await respond(interaction, act)
