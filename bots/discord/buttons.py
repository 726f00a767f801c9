"""Persistent buttons: a DynamicItem whose custom_id carries the core's token, so a press works
after a restart; the handler re-checks everything in the store."""

from __future__ import annotations

import re
from typing import Any

import discord

from bots.discord.language import speak_their_language
from core import tokens
from core.actors import Actor
from core.errors import DomainError
from core.forms import WORDS

STYLES = {
    "oa": discord.ButtonStyle.success,
    "wa": discord.ButtonStyle.success,
    "od": discord.ButtonStyle.secondary,
    "wx": discord.ButtonStyle.danger,
}


class TokenButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"pb:(?P<token>[a-z0-9]{2}:[0-9]{1,12})",
):
    def __init__(self, token: str, label: str = "…") -> None:
        style = STYLES.get(token.split(":")[0], discord.ButtonStyle.primary)
        super().__init__(discord.ui.Button(label=label, custom_id=f"pb:{token}", style=style))
        self.token = token

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> TokenButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(match["token"], label or "…")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Turn the press into a command, or ask for the words it needs in a modal."""
        from bots.discord.common import actor_of, brain_of, respond

        await speak_their_language(interaction)
        actor = await actor_of(interaction, check_moderator=tokens.needs_moderator(self.token))
        try:
            action = tokens.read(self.token, actor)
        except DomainError as err:
            await interaction.response.send_message(err.message, ephemeral=True)
            return
        if isinstance(action, tokens.NeedsText):
            await interaction.response.send_modal(WordsModal(action))
            return
        await respond(
            interaction,
            lambda _actor: brain_of(interaction).handle(action),
            check_moderator=tokens.needs_moderator(self.token),
        )


class WordsModal(discord.ui.Modal):
    """One box for the words a button needs (changes to make, a dispute's reason, the work)."""

    def __init__(self, need: tokens.NeedsText) -> None:
        super().__init__(
            title=need.title,
            custom_id=f"pb-words:{need.kind}:{need.work_id}",
            timeout=None,
        )
        self.need = need
        self.words: discord.ui.TextInput[WordsModal] = discord.ui.TextInput(
            label=need.label,
            placeholder=need.prompt[:100],
            style=discord.TextStyle.paragraph,
            max_length=WORDS.fields[0].max_length,
            custom_id="words",
            required=not need.files_allowed,
        )
        self.add_item(self.words)
        self.files: discord.ui.FileUpload[WordsModal] | None = None
        if need.files_allowed:
            self.files = discord.ui.FileUpload(custom_id="files", required=False, max_values=10)
            self.add_item(discord.ui.Label(text="Files (optional)", component=self.files))

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        from bots.discord.common import brain_of, respond
        from bots.discord.deliveries import files_from

        async def act(actor: Actor) -> Any:
            attached = self.files.values if self.files is not None else []
            files = await files_from(attached, brain_of(interaction).files)
            return await brain_of(interaction).handle(
                tokens.with_text(self.need, actor, self.words.value, files)
            )

        await respond(interaction, act, check_moderator=self.need.kind in tokens.MODERATOR_KINDS)
