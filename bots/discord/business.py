"""Businesses' slash commands: register, post (a form), see items, cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.discord.catalogue import catalogued
from bots.discord.common import actor_of, brain_of, respond
from bots.discord.language import translatable
from core import commands as c
from core.actors import Actor
from core.errors import DomainError
from core.forms import POST, PROJECT, Form
from core.language import _
from core.notices import Action

if TYPE_CHECKING:
    from bots.discord.bot import ParentBrainBot


def boxes_of(modal: discord.ui.Modal, form: Form) -> dict[str, discord.ui.TextInput[Any]]:
    """The form's text fields as the modal's boxes (as many as a modal holds), by name."""
    boxes: dict[str, discord.ui.TextInput[Any]] = {}
    for field in form.in_a_modal():
        box: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=field.label[:45],
            placeholder=field.example[:100],
            style=discord.TextStyle.paragraph if field.long else discord.TextStyle.short,
            max_length=min(field.max_length, 4000),
        )
        boxes[field.name] = box
        modal.add_item(box)
    return boxes


class PostModal(discord.ui.Modal):
    """The post form's text fields, as many as a modal holds (core/forms.py); the rest came
    as the /post command's options."""

    def __init__(self, deadline: str, urgent: bool) -> None:
        super().__init__(title=POST.title)
        self.deadline, self.urgent = deadline, urgent
        self.boxes = boxes_of(self, POST)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        typed = {name: box.value for name, box in self.boxes.items()}

        async def act(actor: Actor) -> str | tuple[str, list[Action]]:
            try:
                posted = await brain_of(interaction).handle(
                    c.PostWork(actor=actor, deadline=self.deadline, urgent=self.urgent, **typed)
                )
            except DomainError as err:
                # A form can't be reopened from its own answer, so give back what was typed.
                kept = "\n".join(f"{k}: {v}" for k, v in typed.items())
                raise DomainError(
                    _(
                        "{value} Nothing was posted; type /post again.\nYou typed:\n{kept}",
                        value=err.message,
                        kept=kept,
                    )
                ) from err
            return (str(posted.message), posted.actions) if posted.actions else str(posted.message)

        await respond(interaction, act)


class ProjectModal(discord.ui.Modal):
    """The project form (core/forms.py): its five boxes fill one modal."""

    def __init__(self) -> None:
        super().__init__(title=PROJECT.title)
        self.boxes = boxes_of(self, PROJECT)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        typed = {name: box.value for name, box in self.boxes.items()}

        async def act(actor: Actor) -> str | tuple[str, list[Action]]:
            try:
                posted = await brain_of(interaction).handle(c.PostProject(actor=actor, **typed))
            except DomainError as err:
                kept = "\n".join(f"{k}: {v}" for k, v in typed.items())
                raise DomainError(
                    _(
                        "{value} Nothing was posted; type /postproject again.\nYou typed:\n{kept}",
                        value=err.message,
                        kept=kept,
                    )
                ) from err
            return (str(posted.message), posted.actions) if posted.actions else str(posted.message)

        await respond(interaction, act)


class Businesses(commands.Cog):
    def __init__(self, bot: ParentBrainBot) -> None:
        self.bot = bot

    @catalogued
    @app_commands.describe(
        deadline=translatable(lambda: _("tomorrow 17:00, 48h or friday")),
        urgent=translatable(lambda: _("offer to several parents at once")),
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

    @catalogued
    async def postproject(self, interaction: discord.Interaction[Any]) -> None:
        actor = await actor_of(interaction)
        try:  # may this person post here at all, before the form is filled in
            await brain_of(interaction).handle(
                c.CheckProjectField(actor=actor, field="title", value="Checking")
            )
        except DomainError as err:
            await interaction.response.send_message(
                err.message, ephemeral=interaction.guild_id is not None
            )
            return
        await interaction.response.send_modal(ProjectModal())
