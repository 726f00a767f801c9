"""Blocks, reports and a person's own data: /block, /unblock, /report, /mydata, /forgetme."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.discord.common import brain_of, respond
from core import commands as c
from core.actors import Actor
from core.parsing import parse_number

if TYPE_CHECKING:
    from bots.discord.bot import ParentBrainBot


class Trust(commands.Cog):
    def __init__(self, bot: ParentBrainBot) -> None:
        self.bot = bot

    async def _block(self, interaction: discord.Interaction[Any], item: str, undo: bool) -> None:
        example = "/unblock 12" if undo else "/block 12"
        await respond(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.BlockOtherSide(actor=a, work_id=parse_number(item, "item", example), undo=undo)
            ),
        )

    @app_commands.command(description="Never be matched again with the other side of an item")
    @app_commands.describe(item="the work item's number")
    async def block(self, interaction: discord.Interaction[Any], item: str) -> None:
        await self._block(interaction, item, undo=False)

    @app_commands.command(description="Undo a block")
    @app_commands.describe(item="the work item's number")
    async def unblock(self, interaction: discord.Interaction[Any], item: str) -> None:
        await self._block(interaction, item, undo=True)

    @app_commands.command(description="Tell the moderators about a message or a person")
    @app_commands.describe(
        what="what happened", message_link="the message's link (right click, Copy Message Link)"
    )
    async def report(
        self, interaction: discord.Interaction[Any], what: str, message_link: str = ""
    ) -> None:
        await respond(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.ReportMessage(actor=a, reason=what, where=message_link)
            ),
        )

    @app_commands.command(description="Ask the community's help channel")
    @app_commands.describe(question="your question", anonymous="leave your name out")
    async def ask(
        self, interaction: discord.Interaction[Any], question: str, anonymous: bool = False
    ) -> None:
        await respond(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.AskCommunity(actor=a, question=question, anonymous=anonymous)
            ),
        )

    @app_commands.command(description="Everything stored about you, as a JSON file")
    async def mydata(self, interaction: discord.Interaction[Any]) -> None:
        async def act(actor: Actor) -> str:
            export = await brain_of(interaction).handle(c.ExportMyData(actor=actor))
            await interaction.followup.send(
                file=discord.File(io.BytesIO(export.content), filename=export.filename),
                ephemeral=interaction.guild_id is not None,
            )
            return str(export.summary)

        await respond(interaction, act)

    @app_commands.command(description="Erase your personal data (asks you to confirm)")
    @app_commands.describe(confirm="type yes to go ahead")
    async def forgetme(self, interaction: discord.Interaction[Any], confirm: str = "") -> None:
        await respond(
            interaction,
            lambda a: brain_of(interaction).handle(c.ForgetMe(actor=a, confirm=confirm)),
        )
