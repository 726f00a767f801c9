"""Notices into Telegram's shapes: text within 4096 characters, actions as an inline keyboard."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bots.text import split_text as split_by_limit
from core.notices import Action

MAX_TEXT = 4096


def keyboard(actions: Sequence[Action]) -> InlineKeyboardMarkup | None:
    if not actions:
        return None
    per_row = 5 if all(set(a.label) == {"★"} for a in actions) else 3
    buttons = [InlineKeyboardButton(a.label, callback_data=a.token) for a in actions]
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    return split_by_limit(text, limit)
