"""Notices into Telegram's shapes: text within 4096 characters, actions as an inline keyboard."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.notices import Action

MAX_TEXT = 4096


def keyboard(actions: Sequence[Action]) -> InlineKeyboardMarkup | None:
    if not actions:
        return None
    per_row = 5 if all(set(a.label) == {"★"} for a in actions) else 3
    buttons = [InlineKeyboardButton(a.label, callback_data=a.token) for a in actions]
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split at line breaks where possible so no piece exceeds Telegram's limit."""
    pieces: list[str] = []
    rest = text or "…"
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    pieces.append(rest)
    return pieces
