"""/start: a new member's first conversation (skills, level, timezone, rate), kept in the
store by core (core/handlers/onboarding.py); or a deep link's command; or a welcome back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bots.telegram import communities
from bots.telegram.common import REPLAY, Reply, actor_of, brain, read_payload, respond, show
from bots.telegram.render import keyboard
from core import commands as c
from core import read_models
from core.actors import Actor
from core.answers import answer
from core.catalogue import help_text
from core.handlers.dialogs import no_longer_open
from core.language import _

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
REPLAYABLE: dict[str, Handler] = {}  # filled by the application: command name -> handler
DIALOG_BUTTONS = r"^(post|sk|lv|step):"  # buttons that answer a stored dialog's question


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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
            return

    async def act(actor: Actor) -> Reply:
        async with brain(context).uow() as uow:
            onboarded = await read_models.has_skills(uow, actor.member_id)
        if onboarded:
            return _("Welcome back!\n\n") + help_text(actor)
        asked = await brain(context).handle(c.StartDialog(actor=actor, form="onboarding"))
        return asked.text, asked.actions

    await respond(update, context, act, private_details=False)


async def dialog_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button answering a stored question (a skill, a level, Skip, Normal or Urgent): the
    message it sits on becomes the next question."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    token = query.data or ""

    async def press() -> object:
        actor = await actor_of(update, context)
        reply = await brain(context).handle(c.AnswerDialog(actor=actor, text=token))
        return (reply.text, reply.actions) if reply is not None else no_longer_open(token)

    answered = await answer(press, nothing=_("Done."), who="telegram dialog button")
    await show(
        update, context, answered.text, keyboard(answered.actions) if answered.actions else None
    )


def onboarding_handlers() -> list[
    CommandHandler[ContextTypes.DEFAULT_TYPE, None]
    | CallbackQueryHandler[ContextTypes.DEFAULT_TYPE, None]
]:
    return [
        CommandHandler("start", start, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(dialog_button, pattern=DIALOG_BUTTONS),
    ]
