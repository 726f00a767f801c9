"""Each update is answered in its sender's language. Before anything else runs, their
Telegram app's (`language_code`); once core knows who they are, what they chose with
/language, else that, else their community's (`actor_of` in common.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from core.language import speak

FIRST = -100  # the handler group that runs before every other


async def speak_their_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Write what this update answers in its sender's app's language, until core says more."""
    user = update.effective_user
    speak(user.language_code if user is not None and not user.is_bot else None)


def language_handler() -> TypeHandler[Update, ContextTypes.DEFAULT_TYPE, None]:
    return TypeHandler(Update, speak_their_language)
