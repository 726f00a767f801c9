"""Parents' slash commands: availability, profile, offers, jobs, earnings, delivery, linking."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

import discord
from discord import app_commands
from discord.ext import commands

from bots.discord.catalogue import catalogued, skill_choices
from bots.discord.common import brain_of, respond
from bots.discord.deliveries import files_from
from bots.discord.language import translatable
from core import commands as c
from core.actors import Actor
from core.forms import PAYOUT_DETAILS, PROFILE
from core.language import _
from core.parsing import parse_number
from core.profiles import save_profile

if TYPE_CHECKING:
    from bots.discord.bot import ParentBrainBot

COMMON_ZONES = [
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Asia/Kolkata",
    "UTC",
]


@cache
def all_zones() -> list[str]:
    """Every IANA timezone, the commonest first."""
    rest = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return COMMON_ZONES + [z for z in rest if z not in COMMON_ZONES]


async def zone_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Timezones from the full IANA list: names that start with what was typed first (city or
    region), then those that contain it; Discord shows 25."""
    typed = current.strip().lower().replace(" ", "_")
    starts = [
        z
        for z in all_zones()
        if z.lower().startswith(typed) or z.lower().split("/")[-1].startswith(typed)
    ]
    contains = [z for z in all_zones() if typed in z.lower() and z not in starts]
    return [app_commands.Choice(name=z, value=z) for z in (starts + contains)[:25]]


class ProfileModal(discord.ui.Modal):
    """The profile form (core/forms.py), every box optional; saved as the web saves it."""

    def __init__(self) -> None:
        super().__init__(title=PROFILE.title)
        self.boxes: dict[str, discord.ui.TextInput[ProfileModal]] = {}
        for field in PROFILE.in_a_modal():
            box: discord.ui.TextInput[ProfileModal] = discord.ui.TextInput(
                label=field.label,
                placeholder=field.example[:100] or None,
                style=discord.TextStyle.paragraph if field.long else discord.TextStyle.short,
                max_length=field.max_length or None,
                required=False,
            )
            self.boxes[field.name] = box
            self.add_item(box)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        typed = {name: box.value for name, box in self.boxes.items()}
        await respond(interaction, lambda actor: save_profile(brain_of(interaction), actor, typed))


class PayoutDetailsModal(discord.ui.Modal):
    """The payout details form (core/forms.py), in one box."""

    def __init__(self) -> None:
        super().__init__(title=PAYOUT_DETAILS.title)
        field = PAYOUT_DETAILS.fields[0]
        self.details: discord.ui.TextInput[PayoutDetailsModal] = discord.ui.TextInput(
            label=field.label, placeholder=field.example, max_length=field.max_length
        )
        self.add_item(self.details)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await respond(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.SetPayoutDetails(actor=a, details=self.details.value)
            ),
        )


class Parents(commands.Cog):
    def __init__(self, bot: ParentBrainBot) -> None:
        self.bot = bot

    @catalogued
    @app_commands.autocomplete(skills=skill_choices)
    async def available(
        self, interaction: discord.Interaction[Any], when: str = "", skills: str = ""
    ) -> None:
        """Start getting offers."""
        actor = await respond(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.GoAvailable(actor=a, window=when, skills=skills)
            ),
        )
        if actor is not None and interaction.guild_id is not None:
            await self.bot.check_dms(interaction, actor)

    @catalogued
    @app_commands.autocomplete(timezone=zone_choices)
    async def profile(
        self,
        interaction: discord.Interaction[Any],
        timezone: str = "",
        rate: str = "",
        quiet: str = "",
        prefer: str = "",
        jobs: app_commands.Range[int, 1, 5] | None = None,
    ) -> None:
        given = {
            k: v
            for k, v in {
                "timezone": timezone,
                "rate_floor": rate,
                "quiet_hours": quiet,
                "preferred": prefer,
            }.items()
            if v
        }
        if not given and jobs is None:
            await interaction.response.send_modal(ProfileModal())
            return
        await respond(
            interaction,
            lambda a: brain_of(interaction).handle(
                c.UpdateProfile(actor=a, max_jobs=jobs, **given)
            ),
        )

    @catalogued
    @app_commands.describe(
        file=translatable(lambda: _("a file to deliver (a document, picture, recording or video)")),
    )
    async def submit(
        self,
        interaction: discord.Interaction[Any],
        item: str,
        work: str = "",
        file: discord.Attachment | None = None,
    ) -> None:
        async def act(actor: Actor) -> str:
            work_id = parse_number(item, "item", "/submit 12")
            files = await files_from([file] if file else [], brain_of(interaction).files)
            return str(
                await brain_of(interaction).handle(
                    c.SubmitDelivery(actor=actor, work_id=work_id, body=work, files=files)
                )
            )

        await respond(interaction, act)

    @catalogued
    @app_commands.describe(remove=translatable(lambda: _("erase the bank details you gave")))
    async def payoutdetails(
        self, interaction: discord.Interaction[Any], remove: bool = False
    ) -> None:
        if remove:
            await respond(
                interaction,
                lambda a: brain_of(interaction).handle(
                    c.SetPayoutDetails(actor=a, details="remove")
                ),
            )
            return
        await interaction.response.send_modal(PayoutDetailsModal())
