"""Blocks, reports, questions and a person's own data: /block, /unblock, /report, /ask,
/mydata, /forgetme."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from bots.telegram.common import Reply, brain, respond, text_after_command
from core import commands as c
from core.actors import Actor
from core.language import _


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the moderators: /report <what happened>, as a reply to the message to include it."""
    reason = text_after_command(update, context).strip()
    message = update.effective_message
    replied = message.reply_to_message if message is not None else None
    quoted = (replied.text or replied.caption or "") if replied is not None else ""
    where = (replied.link or "") if replied is not None else ""

    async def act(actor: Actor) -> Reply:
        if not reason:
            return _(
                "Say what happened after /report, for example: /report asked me to pay outside the platform. Reply to a message with it to include that message."
            )
        return str(
            await brain(context).handle(
                c.ReportMessage(actor=actor, reason=reason, quoted=quoted, where=where)
            )
        )

    await respond(update, context, act)


async def mydata(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Everything stored about you, as a JSON file, by DM."""
    user = update.effective_user
    assert user is not None

    async def act(actor: Actor) -> Reply:
        export = await brain(context).handle(c.ExportMyData(actor=actor))
        await context.bot.send_document(
            chat_id=user.id, document=InputFile(export.content, filename=export.filename)
        )
        return str(export.summary)

    await respond(update, context, act)


ANONYMOUS = ("anonymously", "anonymous", "anon")


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask the community: /ask <question>, or /ask anonymously <question>."""
    typed = text_after_command(update, context).strip()
    first, _sep, rest = typed.partition(" ")
    anonymous = first.lower() in ANONYMOUS
    question = rest.strip() if anonymous else typed

    async def act(actor: Actor) -> Reply:
        if not question:
            return _(
                "Type your question after /ask, for example: /ask how do you invoice a business? Start with /ask anonymously to leave your name out."
            )
        return str(
            await brain(context).handle(
                c.AskCommunity(actor=actor, question=question, anonymous=anonymous)
            )
        )

    await respond(update, context, act)
