"""Businesses: register, post work step by step, see their items, cancel."""

from __future__ import annotations

from pydantic import ValidationError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bots.telegram.common import (
    DIALOG_SINCE,
    Reply,
    actor_of,
    brain,
    dialog_touched,
    dialog_went_stale,
    number,
    respond,
    send,
    show,
    text_after_command,
)
from core import commands as c
from core import views
from core.actors import Actor
from core.errors import DomainError, explain_invalid

STEPS = ["title", "description", "skills", "budget", "estimate", "deadline"]
QUESTIONS = {
    "title": "Let's post some work. What's a short title? (e.g. Proofread our spring menu)\nType /stop to give up.",
    "description": "Describe the work in a few sentences: what, and what good looks like.",
    "skills": "Which skills does it need? (e.g. proofreading, or proofreading:expert)",
    "budget": "What's the budget? (e.g. £25) The parent receives it less the platform fee.",
    "estimate": "Roughly how long will it take? (e.g. 45m or 2h)",
    "deadline": "When is it due? (e.g. tomorrow 17:00, 48h or friday)",
}
URGENCY = len(STEPS)


async def business(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Register or update your business: /business <name>, <contact email or phone>."""
    name, _, contact = text_after_command(update, context).partition(",")

    async def act(actor: Actor) -> Reply:
        if not name.strip() or not contact.strip():
            raise DomainError("Type it like: /business Bloom Bakery, mel@bloom.example")
        return str(
            await brain(context).handle(
                c.RegisterBusiness(actor=actor, name=name.strip(), contact=contact.strip())
            )
        )

    await respond(update, context, act)


async def post_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Start posting a piece of work, one question at a time."""
    assert update.effective_message is not None
    actor = await actor_of(update, context)
    try:
        await brain(context).handle(c.CheckPostField(actor=actor, field="title", value="Checking"))
    except DomainError as err:
        await update.effective_message.reply_text(err.message)
        return ConversationHandler.END
    context.user_data["post"] = {}  # type: ignore[index]
    dialog_touched(context)
    await update.effective_message.reply_text(QUESTIONS["title"])
    return 0


PUT_ASIDE = (
    "Your post from earlier waited more than {minutes:g} minutes for an answer, so I put it "
    "aside and nothing was posted. Type /post to start again."
)


async def _put_aside(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_chat is not None and context.user_data is not None
    context.user_data.pop("post", None)
    context.user_data.pop(DIALOG_SINCE, None)
    minutes = brain(context).settings.dialog_timeout_minutes
    await send(context, update.effective_chat.id, PUT_ASIDE.format(minutes=minutes))
    return ConversationHandler.END


async def post_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Check one answer with the core; ask again on a mistake, or move on."""
    assert update.effective_message is not None and context.user_data is not None
    if dialog_went_stale(context):
        return await _put_aside(update, context)
    dialog_touched(context)
    draft: dict[str, str] = context.user_data.setdefault("post", {})
    step = len(draft)
    field = STEPS[step]
    typed = update.effective_message.text or ""
    actor = await actor_of(update, context)
    try:
        understood = await brain(context).handle(
            c.CheckPostField(actor=actor, field=field, value=typed)
        )
    except DomainError as err:
        await update.effective_message.reply_text(f"{err.message}\n{QUESTIONS[field]}")
        return step
    draft[field] = typed
    if field in ("skills", "budget", "estimate", "deadline"):
        await update.effective_message.reply_text(f"Got it: {understood}.")
    if step + 1 < len(STEPS):
        await update.effective_message.reply_text(QUESTIONS[STEPS[step + 1]])
        return step + 1
    await update.effective_message.reply_text(
        "Is it urgent? Urgent work is offered to several parents at once.",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Normal", callback_data="post:normal"),
                    InlineKeyboardButton("Urgent", callback_data="post:urgent"),
                ]
            ]
        ),
    )
    return URGENCY


async def post_finish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Post it and show how to pay."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    await query.answer()
    if dialog_went_stale(context):
        return await _put_aside(update, context)
    draft = context.user_data.pop("post", {})
    actor = await actor_of(update, context)
    try:
        posted = await brain(context).handle(
            c.PostWork(actor=actor, urgent=query.data == "post:urgent", **draft)
        )
        text = posted.message
    except DomainError as err:
        text = f"{err.message} Nothing was posted; type /post to try again."
    except ValidationError as err:
        text = f"{explain_invalid(err)} Nothing was posted; type /post to try again."
    await show(update, context, text)
    return ConversationHandler.END


async def post_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """Give up on a post part-way (/stop, or /cancel alone); /cancel 12 cancels item 12 and
    the post being written stays where it was."""
    assert update.effective_message is not None and context.user_data is not None
    if context.args:
        await cancel(update, context)
        await update.effective_message.reply_text(
            "Your new post is still open: answer the last question, or /stop to drop it."
        )
        return None  # the dialog stays at its step
    context.user_data.pop("post", None)
    await update.effective_message.reply_text("Stopped. Nothing was posted.")
    return ConversationHandler.END


async def post_in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Posting happens in a DM, where the questions don't fill the group."""

    async def act(actor: Actor) -> Reply:
        return "Type /post here to post your work, step by step."

    await respond(update, context, act)


def post_conversation() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("post", post_start, filters=filters.ChatType.PRIVATE)],
        states={
            **{n: [MessageHandler(text, post_step)] for n in range(len(STEPS))},
            URGENCY: [CallbackQueryHandler(post_finish, pattern=r"^post:(normal|urgent)$")],
        },
        fallbacks=[CommandHandler(["stop", "cancel"], post_stop)],
        name="post",
    )


async def my_items(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Your posted items and where each one is."""

    async def act(actor: Actor) -> Reply:
        async with brain(context).uow() as uow:
            return await views.my_items(uow, actor)

    await respond(update, context, act)


async def statement(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What you've paid and what came back, item by item."""

    async def act(actor: Actor) -> Reply:
        async with brain(context).uow() as uow:
            return await views.statement(uow, actor)

    await respond(update, context, act)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Cancel an item before a parent accepts it: /cancel <item#>."""
    typed = text_after_command(update, context)

    async def act(actor: Actor) -> Reply:
        work_id = number(typed, "item", "/cancel 12")
        return str(await brain(context).handle(c.CancelWork(actor=actor, work_id=work_id)))

    await respond(update, context, act)
