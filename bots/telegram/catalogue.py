"""The catalogue on Telegram: a handler for every command core carries out by itself, and the
command menus per kind of chat (setMyCommands with scopes)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bots.telegram.common import brain, in_group, respond, text_after_command
from core.actors import Role
from core.catalogue import Entry, Place, menu
from core.language import LANGUAGES, _, deployment_default, speaking

log = logging.getLogger(__name__)
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
TELEGRAM_ONLY = frozenset({"start", "stop"})  # Telegram's own: known, never mistyped


def carried_out_by_core(entry: Entry) -> Handler:
    """/name [options]: the words typed after the name, read as the entry's options."""
    run = entry.run
    assert run is not None, f"/{entry.name} has no runner in core"

    async def catalogue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command from the catalogue, carried out by core."""
        if Place.GROUP not in entry.places and in_group(update) and update.effective_message:
            # Typed to the bot alone (a secret, say): never used from a group.
            await update.effective_message.reply_text(
                _(
                    "/{name} works in a private chat with me, so I didn't use that. If it "
                    "held a secret, delete the message here and make a new one.",
                    name=entry.name,
                )
            )
            return
        typed = entry.read_typed(text_after_command(update, context))
        await respond(
            update,
            context,
            lambda actor: run(brain(context), actor, typed),
            check_moderator=entry.asks_platform_about_moderators,
            private_details=entry.private_answer,
        )

    return catalogue_command


def _commands(place: Place, *roles: Role) -> list[BotCommand]:
    return [BotCommand(name, summary) for name, summary in menu(place, *roles)]


def _languages() -> list[tuple[str | None, str]]:
    """Each menu's language_code and the language it is written in: the deployment's own
    for people whose app's language has no menu of its own, then every shipped language."""
    return [(None, deployment_default()), *((code, code) for code in LANGUAGES)]


async def publish_menus(bot: Bot) -> None:
    """Telegram's command menus for everyone, in each shipped language: parents' and
    businesses' in private chats and in groups."""
    for language_code, language in _languages():
        with speaking(language):
            private = _commands(Place.PRIVATE, Role.PARENT, Role.BUSINESS)
            group = _commands(Place.GROUP, Role.PARENT, Role.BUSINESS)
        for scope in (BotCommandScopeDefault(), BotCommandScopeAllPrivateChats()):
            await bot.set_my_commands(private, scope=scope, language_code=language_code)
        await bot.set_my_commands(
            group, scope=BotCommandScopeAllGroupChats(), language_code=language_code
        )


async def publish_moderator_menus(bot: Bot, moderator_chats: list[int]) -> None:
    """The moderators' own menu in each moderators' chat, in each shipped language: a few
    calls a chat, so a deployment of many communities runs this in the background rather
    than before it starts."""
    menus = []
    for language_code, language in _languages():
        with speaking(language):
            menus.append((language_code, _commands(Place.GROUP, Role.PARENT, Role.MODERATOR)))
    for chat in moderator_chats:
        try:
            for language_code, moderators in menus:
                await bot.set_my_commands(
                    moderators, scope=BotCommandScopeChat(chat), language_code=language_code
                )
        except TelegramError as err:  # the bot was removed from that chat, say
            log.warning("no command menu for moderators' chat %s: %s", chat, err)
