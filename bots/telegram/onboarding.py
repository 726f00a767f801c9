"""/start: a short first conversation (skills, level, timezone, rate), or a deep link's command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bots.telegram import communities
from bots.telegram.common import REPLAY, actor_of, brain, read_payload, show
from core import commands as c
from core import read_models
from core.catalogue import help_text
from core.errors import DomainError
from core.handlers.common import catalogue
from core.parsing import parse_whole_number

PICK, LEVEL, FIRST_STEP = 0, 1, 2
PROFILE_STEPS = 4
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
REPLAYABLE: dict[str, Handler] = {}  # filled by the application: command name -> handler


async def _skill_keyboard(
    context: ContextTypes.DEFAULT_TYPE, chosen: set[str]
) -> InlineKeyboardMarkup:
    async with brain(context).uow() as uow:
        skills = await catalogue(uow)
    buttons = [
        InlineKeyboardButton(
            ("✓ " if code in chosen else "") + skill.name, callback_data=f"sk:{code}"
        )
        for code, skill in sorted(skills.skills.items(), key=lambda kv: kv[1].name)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton("Done", callback_data="sk:done")])
    return InlineKeyboardMarkup(rows)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Welcome: replay a deep-linked command, greet a returning member, or begin onboarding."""
    message = update.effective_message
    assert message is not None and context.user_data is not None
    payload = context.args[0] if context.args else ""
    if payload.startswith("j") and payload[1:].isdigit() and payload[1:].isascii():
        await communities.join_link(update, context, int(payload[1:]))
    typed = read_payload(payload) if payload else None
    if typed:
        name = typed.lstrip("/").split(maxsplit=1)[0].split("@")[0]
        handler = REPLAYABLE.get(name)
        if handler is not None:
            context.user_data[REPLAY] = typed
            await handler(update, context)
            return ConversationHandler.END
    actor = await actor_of(update, context)
    async with brain(context).uow() as uow:
        onboarded = await read_models.has_skills(uow, actor.member_id)
    if onboarded:
        await message.reply_text("Welcome back!\n\n" + help_text(actor))
        return ConversationHandler.END
    context.user_data["skills"] = set()
    await message.reply_text(
        "Welcome to Parent Brain: paid work that fits around your family.\n"
        "First, what can you do? Tap everything that fits, then Done.",
        reply_markup=await _skill_keyboard(context, set()),
    )
    return PICK


async def pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Tick or untick a skill, or finish picking."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    await query.answer()
    chosen: set[str] = context.user_data.setdefault("skills", set())
    code = (query.data or "").removeprefix("sk:")
    if code != "done":
        chosen.symmetric_difference_update({code})
        await query.edit_message_reply_markup(await _skill_keyboard(context, chosen))
        return PICK
    if not chosen:
        await show(update, context, "Pick at least one skill first. Type /start to begin again.")
        return ConversationHandler.END
    levels = [
        InlineKeyboardButton(n.title(), callback_data=f"lv:{i}")
        for i, n in enumerate(["beginner", "intermediate", "expert"], start=1)
    ]
    await show(update, context, "How experienced are you at these?", InlineKeyboardMarkup([levels]))
    return LEVEL


async def level(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Save the skills at the chosen level, then ask the profile questions one by one."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    await query.answer()
    lv = int((query.data or "lv:2")[3:])
    chosen = ", ".join(f"{s}:{lv}" for s in sorted(context.user_data.pop("skills", set())))
    context.user_data["chosen"] = chosen
    saved = await brain(context).handle(
        c.SetSkills(actor=await actor_of(update, context), skills=chosen)
    )
    await show(update, context, f"{saved.split('.')[0]}.")
    return await _ask(update, context, 0)


def _steps(context: ContextTypes.DEFAULT_TYPE) -> list[tuple[str, str, str]]:
    """(field, question, what the skip button says) for each profile question in turn."""
    zone = brain(context).settings.default_timezone
    return [
        (
            "years",
            "How many years of experience do you have in these? Type a number, or tap Skip.",
            "Skip",
        ),
        (
            "timezone",
            f"Which timezone are you in? Tap {zone}, or type one like Europe/Dublin.",
            zone,
        ),
        (
            "rate",
            "What's the lowest hourly rate you'd accept? Type it like £15, or tap No minimum.",
            "No minimum",
        ),
        (
            "quiet",
            "Any hours when you never want offers? Type them like 22:00-07:00, or tap None.",
            "None",
        ),
    ]


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE, step: int) -> int:
    steps = _steps(context)
    if step == len(steps):
        await context.bot.send_message(
            chat_id=actor_chat(update),
            text="All set! Type /available 2h whenever you're free and offers will come here.\n"
            "/profile changes any of this; /help lists everything.",
        )
        return ConversationHandler.END
    _field, question, skip = steps[step]
    await context.bot.send_message(
        chat_id=actor_chat(update),
        text=question,
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(skip, callback_data=f"step:{step}")]]
        ),
    )
    return FIRST_STEP + step


def _answer_step(
    step: int,
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, int]]:
    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Save one profile answer (or skip it), then ask the next question."""
        if update.callback_query is not None:
            await update.callback_query.answer()
            return await _ask(update, context, step + 1)
        assert update.effective_message is not None and context.user_data is not None
        typed = update.effective_message.text or ""
        field = _steps(context)[step][0]
        actor = await actor_of(update, context)
        try:
            if field == "years":
                years = parse_whole_number(
                    typed, 0, 80, "Type a number of years, like 5, or tap Skip."
                )
                await brain(context).handle(
                    c.SetSkills(
                        actor=actor,
                        skills=context.user_data.get("chosen", ""),
                        years=min(years, 60),
                    )
                )
            else:
                key = {"timezone": "timezone", "rate": "rate_floor", "quiet": "quiet_hours"}[field]
                await brain(context).handle(c.UpdateProfile(actor=actor, **{key: typed}))
        except DomainError as err:
            await update.effective_message.reply_text(err.message)
            return FIRST_STEP + step
        return await _ask(update, context, step + 1)

    return answer


def actor_chat(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Leave onboarding; nothing more is asked."""
    assert update.effective_message is not None
    await update.effective_message.reply_text("OK. Type /start any time to pick up again.")
    return ConversationHandler.END


def onboarding_conversation() -> ConversationHandler:
    typed = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("start", start, filters=filters.ChatType.PRIVATE)],
        states={
            PICK: [CallbackQueryHandler(pick, pattern=r"^sk:")],
            LEVEL: [CallbackQueryHandler(level, pattern=r"^lv:[123]$")],
            **{
                FIRST_STEP + n: [
                    CallbackQueryHandler(_answer_step(n), pattern=rf"^step:{n}$"),
                    MessageHandler(typed, _answer_step(n)),
                ]
                for n in range(PROFILE_STEPS)
            },
        },
        fallbacks=[CommandHandler("stop", stop)],
        name="onboarding",
    )
