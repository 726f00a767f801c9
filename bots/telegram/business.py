"""Businesses: register, post work step by step, see their items, cancel."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bots.telegram.common import (
    Reply,
    actor_of,
    brain,
    respond,
    send,
    show,
)
from bots.telegram.render import keyboard
from core import commands as c
from core.actors import Actor
from core.errors import DomainError
from core.notices import Action


async def post_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start posting a piece of work, one question at a time (the steps live in core)."""

    async def act(actor: Actor) -> Reply:
        asked = await brain(context).handle(c.StartPostDialog(actor=actor))
        return asked.text, asked.actions

    await respond(update, context, act)


async def dialog_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Words typed in a DM: the answer to the dialog's question, if one is waiting."""
    message = update.effective_message
    assert message is not None
    actor = await actor_of(update, context)
    try:
        reply = await brain(context).handle(c.AnswerDialog(actor=actor, text=message.text or ""))
    except DomainError as err:
        await message.reply_text(err.message)
        return
    if reply is not None:
        await send(context, message.chat.id, reply.text, reply.actions)


async def post_urgency(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Normal or Urgent button: the last answer, then the post and how to pay."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    actor = await actor_of(update, context)
    actions: list[Action] = []
    try:
        reply = await brain(context).handle(
            c.AnswerDialog(actor=actor, text=(query.data or "").removeprefix("post:"))
        )
        text = reply.text if reply is not None else "That post is no longer open; type /post."
        actions = reply.actions if reply is not None else []
    except DomainError as err:
        text = err.message
    await show(update, context, text, keyboard(actions) if actions else None)


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave the post being written: /stop."""

    async def act(actor: Actor) -> Reply:
        stopped = await brain(context).handle(c.StopDialog(actor=actor))
        return stopped.text if stopped is not None else "There's nothing to stop."

    await respond(update, context, act)


async def post_in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Posting happens in a DM, where the questions don't fill the group."""

    async def act(actor: Actor) -> Reply:
        return "Type /post here to post your work, step by step."

    await respond(update, context, act)


def post_handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("post", post_start, filters=private),
        CommandHandler("post", post_in_group, filters=filters.ChatType.GROUPS),
        CallbackQueryHandler(post_urgency, pattern=r"^post:(normal|urgent)$"),
    ]


def dialog_handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """Plain words in a DM, and /stop; registered after every other conversation, so a
    button's open question or the payout details dialog hears its answer (and /stop) first."""
    words = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    return [MessageHandler(words, dialog_answer), CommandHandler("stop", stop)]
