"""Businesses: register, post work step by step, see their items, cancel."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bots.telegram.common import (
    Reply,
    actor_of,
    brain,
    respond,
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
