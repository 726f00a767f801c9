"""Skill checks: /learn lists them, /quiz runs one with buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.discord.common import brain_of, respond
from bots.discord.parents import skill_choices
from core import commands as c
from core import skill_checks
from core.actors import Actor

if TYPE_CHECKING:
    from bots.discord.bot import ParentBrainBot


class Upskilling(commands.Cog):
    def __init__(self, bot: ParentBrainBot) -> None:
        self.bot = bot

    @app_commands.command(description="Skill checks and their courses")
    @app_commands.describe(skill="one skill, or leave empty for all")
    @app_commands.autocomplete(skill=skill_choices)
    async def learn(self, interaction: discord.Interaction[Any], skill: str = "") -> None:
        async def act(actor: Actor) -> str:
            brain = brain_of(interaction)
            async with brain.uow() as uow:
                return await skill_checks.learn(uow, brain.settings, skill, actor.community_id)

        await respond(interaction, act)

    @app_commands.command(description="Take a skill check to get a verified badge")
    @app_commands.describe(skill="which skill")
    @app_commands.autocomplete(skill=skill_choices)
    async def quiz(self, interaction: discord.Interaction[Any], skill: str) -> None:
        await respond(
            interaction,
            lambda a: brain_of(interaction).handle(c.StartQuiz(actor=a, skill=skill)),
        )
