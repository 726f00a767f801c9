"""Businesses' slash commands: register, post (a form), see items, cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.discord.catalogue import catalogued
from bots.discord.common import actor_of, brain_of, respond
from core import commands as c
from core.actors import Actor
from core.errors import DomainError
from core.notices import Action

if TYPE_CHECKING:
    from bots.discord.bot import ParentBrainBot


class PostModal(discord.ui.Modal, title="Post a piece of work"):
    """Five boxes (Discord's most); the deadline and urgency come from the /post options."""

    work_title: discord.ui.TextInput[PostModal] = discord.ui.TextInput(
        label="Title", placeholder="Proofread our spring menu", min_length=3, max_length=120
    )
    description: discord.ui.TextInput[PostModal] = discord.ui.TextInput(
        label="What needs doing", style=discord.TextStyle.paragraph, min_length=3, max_length=4000
    )
    skills: discord.ui.TextInput[PostModal] = discord.ui.TextInput(
        label="Skills needed", placeholder="proofreading, or proofreading:expert", max_length=300
    )
    budget: discord.ui.TextInput[PostModal] = discord.ui.TextInput(
        label="Budget", placeholder="£25 (the parent receives it less the fee)", max_length=30
    )
    estimate: discord.ui.TextInput[PostModal] = discord.ui.TextInput(
        label="How long will it take?", placeholder="45m or 2h", max_length=30
    )

    def __init__(self, deadline: str, urgent: bool) -> None:
        super().__init__()
        self.deadline, self.urgent = deadline, urgent

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        typed = {
            "title": self.work_title.value,
            "description": self.description.value,
            "skills": self.skills.value,
            "budget": self.budget.value,
            "estimate": self.estimate.value,
        }

        async def act(actor: Actor) -> str | tuple[str, list[Action]]:
            try:
                posted = await brain_of(interaction).handle(
                    c.PostWork(actor=actor, deadline=self.deadline, urgent=self.urgent, **typed)
                )
            except DomainError as err:
                # A form can't be reopened from its own answer, so give back what was typed.
                kept = "\n".join(f"{k}: {v}" for k, v in typed.items())
                raise DomainError(
                    f"{err.message} Nothing was posted; type /post again.\nYou typed:\n{kept}"
                ) from err
            return (str(posted.message), posted.actions) if posted.actions else str(posted.message)

        await respond(interaction, act)


class Businesses(commands.Cog):
    def __init__(self, bot: ParentBrainBot) -> None:
        self.bot = bot

    @catalogued
    @app_commands.describe(
        deadline="tomorrow 17:00, 48h or friday", urgent="offer to several parents at once"
    )
    async def post(
        self, interaction: discord.Interaction[Any], deadline: str, urgent: bool = False
    ) -> None:
        actor = await actor_of(interaction)
        try:
            await brain_of(interaction).handle(
                c.CheckPostField(actor=actor, field="deadline", value=deadline)
            )
        except DomainError as err:
            await interaction.response.send_message(
                err.message, ephemeral=interaction.guild_id is not None
            )
            return
        await interaction.response.send_modal(PostModal(deadline, urgent))
