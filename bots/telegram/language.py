"""Each update is answered in its sender's language: what they chose with /language, else
what their Telegram app is set to (`language_code`), else the community's, else the
deployment's. Set before any handler runs, for everything written while it is handled."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bots.telegram.common import brain, community_here
from core.language import speak, speak_in_group
from core.language.people import language_of_account, language_of_community

FIRST = -100  # the handler group that runs before every other
log = logging.getLogger(__name__)


async def speak_their_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Write everything this update answers in its sender's language."""
    user = update.effective_user
    if user is None or user.is_bot:
        speak(None)
        return
    try:
        community = await community_here(update, context)
        community_id = community.id if community is not None else None
        async with brain(context).uow() as uow:
            language = await language_of_account(
                uow, "telegram", str(user.id), said=user.language_code, community_id=community_id
            )
            speak_in_group(await language_of_community(uow, community_id))
    except Exception:  # the store is unreachable: the handlers say so; Telegram's word will do
        log.warning("no language from the store for telegram user %s", user.id, exc_info=True)
        language = user.language_code or ""
    speak(language)


def language_handler() -> TypeHandler[Update, ContextTypes.DEFAULT_TYPE, None]:
    return TypeHandler(Update, speak_their_language)
