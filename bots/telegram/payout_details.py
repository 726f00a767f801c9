"""Where the moderators pay a parent by hand: a private dialog, never in the group."""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    CommandHandler,
    ContextTypes,
    filters,
)

from bots.telegram.common import (
    Reply,
    brain,
    respond,
    text_after_command,
)
from core import commands as c
from core.actors import Actor
from core.language import _


async def in_the_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Bank details typed in the group: take them down if we can, and ask for them by DM."""
    message = update.effective_message
    assert message is not None
    if text_after_command(update, context).strip():
        try:
            await message.delete()  # needs the bot to be an admin; harmless when it isn't
        except TelegramError:
            pass
    await message.chat.send_message(
        _(
            "Please send bank details to me privately, never in the group: open a chat with me and type /payoutdetails there."
        )
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/payoutdetails [details]: save them, or show what's stored and ask for new ones (the
    question waits in the store; /stop or /cancel leaves it)."""
    typed = text_after_command(update, context)

    async def act(actor: Actor) -> Reply:
        if typed.strip():
            return str(await brain(context).handle(c.SetPayoutDetails(actor=actor, details=typed)))
        asked = await brain(context).handle(c.StartDialog(actor=actor, form="payoutdetails"))
        return str(asked.text)

    await respond(update, context, act)


def payout_details_handlers() -> list[CommandHandler[ContextTypes.DEFAULT_TYPE, None]]:
    return [
        CommandHandler("payoutdetails", start, filters=filters.ChatType.PRIVATE),
        CommandHandler("payoutdetails", in_the_group, filters=filters.ChatType.GROUPS),
    ]
