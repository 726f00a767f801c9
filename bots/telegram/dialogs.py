"""Answers to the questions core keeps in the store (a post, bank details, the words a button
needs): typed in a DM, or in a moderators' chat for the moderators' own questions, or sent as
a file. Nothing here remembers a question: a restart carries on where the person was."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bots.telegram.common import Reply, brain, in_group, respond
from bots.telegram.deliveries import ATTACHMENTS, files_in
from core import commands as c
from core import read_models
from core.actors import Actor
from core.errors import DomainError
from core.language import N_, _

MODERATOR_CHATS = "moderators' chats"  # bot_data: a filters.Chat of them, kept up to date
FILE_HINT = N_(
    "To deliver a file, send it again with the caption /submit followed by the item's number "
    "(like: /submit 12), or press Submit work on the job first. /jobs lists them."
)


def moderator_chats(context: ContextTypes.DEFAULT_TYPE) -> filters.Chat:
    found: filters.Chat = context.application.bot_data[MODERATOR_CHATS]
    return found


async def dialog_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Words typed while a question waits: its answer; otherwise nothing to say."""
    message = update.effective_message
    assert message is not None
    typed = message.text or ""

    async def act(actor: Actor) -> Reply:
        reply = await brain(context).handle(c.AnswerDialog(actor=actor, text=typed))
        return (reply.text, reply.actions) if reply is not None else None

    await respond(update, context, act, check_moderator=in_group(update), private_details=False)


async def file_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file sent in a DM without a /submit caption: the work a Submit work press asked
    for, if that question waits; else how to send it."""
    message = update.effective_message
    assert message is not None

    async def act(actor: Actor) -> Reply:
        async with brain(context).uow() as uow:
            waiting = await read_models.waiting_question(uow, actor.member_id)
        if waiting != "words":
            raise DomainError(_(FILE_HINT))
        files = await files_in(message, context)
        reply = await brain(context).handle(
            c.AnswerDialog(actor=actor, text=message.caption or "", files=files)
        )
        return (reply.text, reply.actions) if reply is not None else _(FILE_HINT)

    await respond(update, context, act, private_details=False)


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave the question waiting: /stop."""

    async def act(actor: Actor) -> Reply:
        stopped = await brain(context).handle(c.StopDialog(actor=actor))
        return stopped.text if stopped is not None else _("There's nothing to stop.")

    await respond(update, context, act, check_moderator=in_group(update), private_details=False)


def dialog_handlers(
    moderators: filters.Chat,
) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]:
    """Registered after every command: plain words in a DM or a moderators' chat, files in a
    DM, and /stop."""
    words = filters.TEXT & ~filters.COMMAND & (filters.ChatType.PRIVATE | moderators)
    return [
        MessageHandler(words, dialog_answer),
        MessageHandler(filters.ChatType.PRIVATE & ATTACHMENTS, file_answer),
        CommandHandler("stop", stop),
    ]
