"""Each interaction is answered in its person's language: what they chose with /language,
else their Discord client's (`interaction.locale`), else the community's, else the
deployment's. Command descriptions reach Discord in every shipped language through an
`app_commands.Translator` that reads the same catalogues."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from core import communities
from core.language import ENGLISH, _, speak, speaking, supported
from core.language.people import language_of_account

SPOKEN = "parentbrain language"
log = logging.getLogger(__name__)  # interaction.extras: the language found for it


async def speak_their_language(interaction: discord.Interaction[Any]) -> str:
    """Write everything this interaction answers in its person's language (found once)."""
    known = interaction.extras.get(SPOKEN)
    if isinstance(known, str):
        return speak(known)
    try:
        language = await _language_of(interaction)
    except Exception:  # the store is unreachable: the answer says so; Discord's word will do
        log.warning("no language from the store for discord user %s", interaction.user.id)
        language = str(interaction.locale.value) if interaction.locale else ""
    interaction.extras[SPOKEN] = language
    return speak(language)


async def _language_of(interaction: discord.Interaction[Any]) -> str:
    from bots.discord.common import brain_of

    async with brain_of(interaction).uow() as uow:
        if interaction.guild_id is not None:
            community = await communities.find_by_chat(uow, "discord", interaction.guild_id)
        else:
            community = await communities.sole_community(uow, "discord")
        language = await language_of_account(
            uow,
            "discord",
            str(interaction.user.id),
            said=str(interaction.locale.value) if interaction.locale else None,
            community_id=community.id if community is not None else None,
        )
    return language


class SpeakingTree(app_commands.CommandTree[Any]):
    """Every app command runs in its person's language."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        await speak_their_language(interaction)
        return True


class CatalogueTranslator(app_commands.Translator):
    """Descriptions in each shipped language, from the catalogues. A string made with
    `translatable` says how to write itself; any other is looked up as it stands."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        language = supported(locale.value)
        if language is None or language == ENGLISH:
            return None
        write = string.extras.get("write")
        with speaking(language):
            said = write() if callable(write) else _(string.message)
        return said if said != string.message else None


def translatable(write: Any) -> app_commands.locale_str:
    """Words Discord shows in each person's language: `write()` writes them in the current
    one, so the English and every translation come from the same code."""
    with speaking(ENGLISH):
        english = str(write())
    return app_commands.locale_str(english, write=write)
