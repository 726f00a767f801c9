"""Inline buttons: every press is answered at once, then turned into a command by core.tokens."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ContextTypes,
)

from bots.telegram.common import (
    actor_of,
    brain,
    counted,
    send,
)
from core import commands as c
from core import tokens
from core.answers import answer
from core.language import _

TOKEN_PATTERN = rf"^({tokens.KINDS}):"


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A pressed button: run its command, or ask (and keep) the words it needs."""
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer()
    chat_id = query.message.chat.id
    token = query.data or ""

    async def press() -> object:
        actor = await actor_of(update, context, check_moderator=tokens.needs_moderator(token))
        action = tokens.read(token, actor)
        if isinstance(action, tokens.NeedsText):
            asked = await brain(context).handle(
                c.StartDialog(actor=actor, form="words", token=token)
            )
            return asked.text
        return await brain(context).handle(action)

    answered = await answer(press, nothing=_("Done."), who=f"telegram chat {chat_id}")
    counted(context, answered)
    await send(context, chat_id, answered.text, answered.actions)


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button from an old keyboard or a forged one."""
    query = update.callback_query
    assert query is not None
    await query.answer(_("That button is no longer valid."), show_alert=False)


def button_handlers() -> list[CallbackQueryHandler[ContextTypes.DEFAULT_TYPE, None]]:
    return [CallbackQueryHandler(on_button, pattern=TOKEN_PATTERN)]
