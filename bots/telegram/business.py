"""Businesses: register, post work step by step, see their items, cancel."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bots.telegram.common import (
    Reply,
    brain,
    respond,
)
from core import commands as c
from core.actors import Actor
from core.language import _


async def post_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start posting a piece of work, one question at a time (the steps live in core)."""

    async def act(actor: Actor) -> Reply:
        asked = await brain(context).handle(c.StartPostDialog(actor=actor))
        return asked.text, asked.actions

    await respond(update, context, act)


async def post_in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Posting happens in a DM, where the questions don't fill the group."""

    async def act(actor: Actor) -> Reply:
        return _("Type /post here to post your work, step by step.")

    await respond(update, context, act)


async def project_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start posting a project, one question at a time (the steps live in core)."""

    async def act(actor: Actor) -> Reply:
        asked = await brain(context).handle(c.StartDialog(actor=actor, form="project"))
        return asked.text, asked.actions

    await respond(update, context, act)


async def project_in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Projects are written in a DM too."""

    async def act(actor: Actor) -> Reply:
        return _("Type /postproject here to post a project, step by step.")

    await respond(update, context, act)


def post_handlers() -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("post", post_start, filters=private),
        CommandHandler("post", post_in_group, filters=filters.ChatType.GROUPS),
        CommandHandler("postproject", project_start, filters=private),
        CommandHandler("postproject", project_in_group, filters=filters.ChatType.GROUPS),
    ]
