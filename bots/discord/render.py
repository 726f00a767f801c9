"""Notices into Discord's shapes: content within 2000 characters, actions as persistent buttons."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bots.text import split_text as split_by_limit
from core.notices import Action

MAX_TEXT = 2000
MAX_BUTTONS = 25  # five rows of five


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    return split_by_limit(text, limit)


def view_for(actions: Sequence[Action]) -> discord.ui.View | None:
    """A view of token buttons; it never times out, and the bot knows them after a restart."""
    if not actions:
        return None
    from bots.discord.buttons import TokenButton

    view = discord.ui.View(timeout=None)
    for action in actions[:MAX_BUTTONS]:
        view.add_item(TokenButton(action.token, action.label))
    return view
