"""Inline buttons: every press is answered at once, then turned into a command by core.tokens."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bots.telegram.common import (
    actor_of,
    brain,
    counted,
    dialog_touched,
    dialog_went_stale,
    send,
)
from bots.telegram.deliveries import ATTACHMENTS, files_in
from core import tokens
from core.answers import answer

WAITING_FOR_TEXT = 0
TOKEN_PATTERN = r"^(oa|od|wa|wc|wx|ws|wl|wn|pa|pr|dp|dr|bv|bx|r[1-5]|q[1-4]):"


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A pressed button: run its command, or ask for the words it needs."""
    query = update.callback_query
    assert query is not None and query.message is not None and context.user_data is not None
    await query.answer()
    chat_id = query.message.chat.id
    user_data = context.user_data
    needs: list[tokens.NeedsText] = []

    async def press() -> object:
        actor = await actor_of(
            update, context, check_moderator=tokens.needs_moderator(query.data or "")
        )
        action = tokens.read(query.data or "", actor)
        if isinstance(action, tokens.NeedsText):
            needs.append(action)
            return action.prompt + " (or /stop)"
        return await brain(context).handle(action)

    answered = await answer(press, nothing="Done.", who=f"telegram chat {chat_id}")
    counted(context, answered)
    if needs:
        user_data["needs"] = needs[0]
        dialog_touched(context)
    await send(context, chat_id, answered.text, answered.actions)
    return WAITING_FOR_TEXT if needs else ConversationHandler.END


async def on_words(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The words (or file) a button asked for."""
    message = update.effective_message
    assert message is not None and context.user_data is not None
    need: tokens.NeedsText = context.user_data.pop("needs")
    if dialog_went_stale(context):
        minutes = brain(context).settings.dialog_timeout_minutes
        await message.reply_text(
            f"That question waited more than {minutes:g} minutes, so I put it aside and "
            "nothing was sent; press the button again if you still want to."
        )
        return ConversationHandler.END
    body = message.text or message.caption or ""

    async def words() -> object:
        actor = await actor_of(update, context, check_moderator=need.kind in tokens.MODERATOR_KINDS)
        files = await files_in(message, context) if need.kind == "ws" else []
        return await brain(context).handle(tokens.with_text(need, actor, body, files))

    answered = await answer(words, who=f"telegram chat {message.chat_id}")
    counted(context, answered)
    await message.reply_text(answered.text)
    return ConversationHandler.END


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Leave a question unanswered."""
    assert update.effective_message is not None and context.user_data is not None
    context.user_data.pop("needs", None)
    await update.effective_message.reply_text("OK, nothing was sent.")
    return ConversationHandler.END


def button_conversation() -> ConversationHandler:
    words = (filters.TEXT & ~filters.COMMAND) | ATTACHMENTS
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(on_button, pattern=TOKEN_PATTERN)],
        states={WAITING_FOR_TEXT: [MessageHandler(words, on_words)]},
        fallbacks=[CommandHandler("stop", stop)],
        name="buttons",
    )


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button from an old keyboard or a forged one."""
    query = update.callback_query
    assert query is not None
    await query.answer("That button is no longer valid.", show_alert=False)
