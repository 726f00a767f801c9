"""The Telegram side of the outbox: sends and edits DMs within Telegram's limits.

PTB's AIORateLimiter (on the bot) keeps the overall 30/s and per-group limits; it does not
keep Telegram's one-message-a-second-per-chat limit. The outbox spaces each chat's notices
by `spacing`, and the pieces of one long notice are spaced here.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import ExtBot

from bots.telegram.ratelimit import NOTICE, FairRateLimiter, retry_after_seconds
from bots.telegram.render import keyboard, split_text
from bots.telegram.updates import PerPersonUpdates
from core.files import FileRef, FileStore, NoFileStore, why_it_cannot_reach
from core.language import _
from core.notices import Notice
from core.ports import RecipientUnreachable, RetryLater

PER_CHAT_INTERVAL = 1.0  # a private chat: about one message a second
GROUP_INTERVAL = 3.0  # a group: 20 a minute


class TelegramMessenger:
    platform = "telegram"

    def __init__(
        self,
        bot: Bot,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        group_interval: float = GROUP_INTERVAL,
        moderator_chat: int | None = None,
        help_chat: int | None = None,
        updates: PerPersonUpdates | None = None,
        files: FileStore | None = None,
    ) -> None:
        self.bot = bot
        self.files = files or NoFileStore()
        self.updates = updates
        self.moderator_chat = moderator_chat
        self.help_chat = help_chat
        self.per_chat_interval = per_chat_interval
        self.group_interval = group_interval
        self._next_slot: dict[str, float] = {}
        # Through our rate limiter, a 429 comes straight back for the outbox to retry.
        limited = isinstance(bot, ExtBot) and bot.rate_limiter is not None
        self._as_notice: dict[str, Any] = {"rate_limit_args": NOTICE} if limited else {}
        self._locks: dict[str, asyncio.Lock] = {}

    def ready_in(self, address: str) -> float:
        """Seconds to wait before a notice to this chat: a reply to the person may be on its
        way (their update is being handled), or the chat was written to less than a second
        ago. Replies go first; the notice follows at Telegram's pace."""
        if not address.lstrip("-").isdigit():
            return 0.0
        chat = int(address)
        if self.updates is not None and chat > 0 and self.updates.busy(chat):
            return 0.1
        limiter = self.bot.rate_limiter if isinstance(self.bot, ExtBot) else None
        if isinstance(limiter, FairRateLimiter) and chat > 0:
            return max(0.0, limiter.free_at(chat) - time.monotonic())
        return 0.0

    def spacing(self, address: str) -> float:
        """Seconds between two messages to this chat (group ids are negative)."""
        if address in ("moderators", "help") or address.startswith("-"):
            return self.group_interval
        return self.per_chat_interval

    async def deliver(self, address: str, notice: Notice, edit: str | None) -> str:
        if address == "moderators":
            if self.moderator_chat is None:
                raise RecipientUnreachable("PARENTBRAIN_TELEGRAM_MODERATOR_CHAT_ID is not set")
            address = str(self.moderator_chat)
        elif address == "help":
            if self.help_chat is None:
                raise RecipientUnreachable("no help chat: set PARENTBRAIN_TELEGRAM_HELP_CHAT_ID")
            address = str(self.help_chat)
        lock = self._locks.setdefault(address, asyncio.Lock())
        async with lock:
            try:
                if edit is not None:
                    edited = await self._edit(address, notice, edit)
                    if edited is not None:
                        return edited
                return await self._send(address, notice)
            except Forbidden as err:
                raise RecipientUnreachable(str(err)) from err
            except RetryAfter as err:
                raise RetryLater(retry_after_seconds(err)) from err

    async def _pace(self, address: str) -> None:
        now = time.monotonic()
        slot = self._next_slot.get(address, now)
        if slot > now:
            await asyncio.sleep(slot - now)
        self._next_slot[address] = max(slot, now) + self.spacing(address)

    async def _send(self, address: str, notice: Notice) -> str:
        text = notice.text
        for file in notice.files:  # the files first, so the buttons end up below them
            left_out = await self._send_file(address, file)
            if left_out:
                text += f"\n{left_out}"
        pieces = split_text(text)
        message_id = 0
        for n, piece in enumerate(pieces):
            await self._pace(address)
            last = n == len(pieces) - 1
            message = await self.bot.send_message(
                chat_id=int(address),
                text=piece,
                reply_markup=keyboard(notice.actions) if last else None,
                **self._as_notice,
            )
            message_id = message.message_id
        return str(message_id)

    async def _send_file(self, address: str, file: FileRef) -> str | None:
        """Send one delivered file; a sentence instead when it can't be sent here."""
        if file.platform == "telegram":
            source: str | InputFile = file.ref  # Telegram keeps it; its file_id is enough
        else:
            why = why_it_cannot_reach(file, "telegram")
            content = None if why else await self.files.get(file.key)
            if content is None:
                return _(
                    "({name} couldn't be attached here: {value})",
                    name=file.name,
                    value=why or "it is no longer kept",
                )
            source = InputFile(content, filename=file.name)
        await self._pace(address)
        chat = int(address)
        if file.kind == "photo":
            await self.bot.send_photo(chat, source, **self._as_notice)
        elif file.kind == "voice":
            await self.bot.send_voice(chat, source, **self._as_notice)
        elif file.kind == "video":
            await self.bot.send_video(chat, source, **self._as_notice)
        elif file.kind == "audio":
            await self.bot.send_audio(chat, source, **self._as_notice)
        else:
            await self.bot.send_document(chat, source, **self._as_notice)
        return None

    async def _edit(self, address: str, notice: Notice, edit: str) -> str | None:
        await self._pace(address)
        try:
            await self.bot.edit_message_text(
                chat_id=int(address),
                message_id=int(edit),
                text=split_text(notice.text)[0],
                reply_markup=keyboard(notice.actions),
                **self._as_notice,
            )
        except BadRequest as err:
            if "not modified" in str(err).lower():
                return edit
            return None  # the old message is gone: send a new one instead
        return edit
