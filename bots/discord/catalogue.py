"""The catalogue on Discord: an app command for every command core carries out by itself, and
the names, descriptions and places of every app command, read from the catalogue."""

from __future__ import annotations

import inspect
from typing import Any

import discord
from discord import app_commands

from bots.discord.common import brain_of, respond
from bots.discord.language import translatable
from core.actors import Role
from core.catalogue import Entry, Place, find
from core.handlers.common import catalogue as skill_catalogue
from core.language import _

IN_THE_SERVER = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)
IN_A_DM = app_commands.AppCommandContext(guild=False, dm_channel=True, private_channel=False)
IN_THE_SERVER_OR_DM = app_commands.AppCommandContext(
    guild=True, dm_channel=True, private_channel=False
)


async def skill_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Skills matching what is typed after the last comma."""
    async with brain_of(interaction).uow() as uow:
        skills = await skill_catalogue(uow)
    head, _, typed = current.rpartition(",")
    prefix = f"{head}, " if head else ""
    names = sorted(s.name.lower() for s in skills.skills.values())
    return [
        app_commands.Choice(name=f"{prefix}{n}"[:100], value=f"{prefix}{n}"[:100])
        for n in names
        if typed.strip().lower() in n
    ][:25]


SUGGESTIONS = {"skills": skill_choices}


def described(entry: Entry) -> str:
    """The command's description in the current language, within Discord's 100 characters."""
    summary = _(entry.summary)
    said = summary[:1].upper() + summary[1:]
    return _("Moderators: {said}", said=said)[:100] if entry.role is Role.MODERATOR else said[:100]


def description(entry: Entry) -> app_commands.locale_str:
    return translatable(lambda: described(entry))


def option_descriptions(entry: Entry, only: Any = None) -> dict[str, app_commands.locale_str]:
    """Each option's description, in every shipped language."""
    return {
        o.name: translatable(lambda o=o: _(o.describe)[:100])
        for o in entry.options
        if only is None or o.name in only
    }


def carried_out_by_core(entry: Entry) -> app_commands.Command[Any, ..., None]:
    """/name with the entry's options, each a string (a list where it has choices)."""
    run = entry.run
    assert run is not None, f"/{entry.name} has no runner in core"

    async def catalogue_command(interaction: discord.Interaction[Any], **typed: str) -> None:
        await respond(
            interaction,
            lambda actor: run(brain_of(interaction), actor, typed),
            check_moderator=entry.asks_platform_about_moderators,
        )

    # discord.py reads the options from the callback's signature: one per catalogue option.
    parameters = [
        inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        *(
            inspect.Parameter(
                option.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=str,
                default=inspect.Parameter.empty if option.required else "",
            )
            for option in sorted(entry.options, key=lambda o: not o.required)
        ),
    ]
    catalogue_command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback: Any = app_commands.describe(**option_descriptions(entry))(catalogue_command)
    listed = {
        o.name: [app_commands.Choice(name=choice, value=choice) for choice in o.choices]
        for o in entry.options
        if o.choices
    }
    if listed:
        callback = app_commands.choices(**listed)(callback)
    suggested = {
        o.name: SUGGESTIONS[o.suggests] for o in entry.options if o.suggests in SUGGESTIONS
    }
    if suggested:
        callback = app_commands.autocomplete(**suggested)(callback)
    return app_commands.Command(name=entry.name, description=description(entry), callback=callback)


def catalogued(callback: Any) -> Any:
    """@app_commands.command for a command Discord carries out itself: named after the method
    (less a trailing _command), described by its catalogue entry, and each option the
    catalogue knows described by it. Options only Discord has (a file, a channel, a member)
    are described where they are written."""
    name = callback.__name__.removesuffix("_command")
    entry = find(name)
    assert entry is not None, f"/{name} is not in the catalogue (core/catalogue)"
    own = inspect.signature(callback).parameters
    options = option_descriptions(entry, own)
    if options:
        callback = app_commands.describe(**options)(callback)
    return app_commands.command(name=name, description=description(entry))(callback)


def place(command: app_commands.Command[Any, ..., Any]) -> None:
    """Where a command can be typed: moderators' in the server only, shown by default to
    Manage Server (server admins can grant them to the moderator role under Integrations);
    everyone else's in the server and in DMs with the bot."""
    entry = find(command.name)
    assert entry is not None, f"/{command.name} is not in the catalogue (core/catalogue)"
    if entry.role is Role.MODERATOR:
        command.allowed_contexts = IN_THE_SERVER
        command.default_permissions = discord.Permissions(manage_guild=True)
    elif Place.GROUP not in entry.places:  # a secret, say: typed to the bot alone
        command.allowed_contexts = IN_A_DM
    else:
        command.allowed_contexts = IN_THE_SERVER_OR_DM
