"""Where the moderators pay a parent by hand: a private dialog, never in the group."""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bots.telegram.common import (
    Reply,
    brain,
    dialog_touched,
    dialog_went_stale,
    respond,
    text_after_command,
)
from core import commands as c
from core.actors import Actor
from payments.payout_details import ask_for_details

WAITING_FOR_DETAILS = 0


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
        "Please send bank details to me privately, never in the group: open a chat with me "
        "and type /payoutdetails there."
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/payoutdetails [details]: save them, or show what's stored and ask for new ones."""
    typed = text_after_command(update, context)
    if typed.strip():
        await _save(update, context, typed)
        return ConversationHandler.END

    async def act(actor: Actor) -> Reply:
        async with brain(context).uow() as uow:
            return await ask_for_details(uow, actor)

    await respond(update, context, act)
    dialog_touched(context)
    return WAITING_FOR_DETAILS


async def details_given(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The bank details the dialog asked for."""
    message = update.effective_message
    assert message is not None
    if dialog_went_stale(context):
        minutes = brain(context).settings.dialog_timeout_minutes
        await message.reply_text(
            f"That question waited more than {minutes:g} minutes, so I put it aside and saved "
            "nothing. Type /payoutdetails to give your bank details."
        )
        return ConversationHandler.END
    await _save(update, context, message.text or "")
    return ConversationHandler.END


async def _save(update: Update, context: ContextTypes.DEFAULT_TYPE, typed: str) -> None:
    async def act(actor: Actor) -> Reply:
        return str(await brain(context).handle(c.SetPayoutDetails(actor=actor, details=typed)))

    await respond(update, context, act)


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Leave the bank details as they were."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("OK, your payout details are unchanged.")
    return ConversationHandler.END


def payout_details_conversation() -> ConversationHandler:
    private = filters.ChatType.PRIVATE
    return ConversationHandler(
        entry_points=[CommandHandler("payoutdetails", start, filters=private)],
        states={
            WAITING_FOR_DETAILS: [MessageHandler(filters.TEXT & ~filters.COMMAND, details_given)]
        },
        fallbacks=[CommandHandler(["stop", "cancel"], stop)],
        name="payoutdetails",
    )
