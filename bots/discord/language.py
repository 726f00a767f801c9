"""Each interaction is answered in its person's language. Before anything else, their Discord
client's (`interaction.locale`); once core knows who they are, what they chose with /language,
else that, else their community's (`actor_of` in common.py). Command descriptions reach
Discord in every shipped language through an `app_commands.Translator` that reads the same
catalogues."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from core.language import ENGLISH, _, speak, speaking, supported


def client_language(interaction: discord.Interaction[Any]) -> str | None:
    """What the person's Discord client is set to ("es-ES"), as Discord said."""
    return str(interaction.locale.value) if interaction.locale else None


async def speak_their_language(interaction: discord.Interaction[Any]) -> str:
    """Write what this interaction answers in its person's client's language, until core
    says more."""
    return speak(client_language(interaction))


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
