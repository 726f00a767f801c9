"""Telegram's limits, kept so that nobody waits on anybody else.

PTB's AIORateLimiter keeps the overall 30 a second and each group's 20 a minute. On a 429 it
would pause *every* request until retry_after has passed; here only the request that got the
429 waits. A command's reply waits it out and retries within a short budget, so a dialog
step is not lost. A notice from the outbox (`rate_limit_args=NOTICE`) gets the 429 back at
once: the outbox retries it later without holding a sender.

It also remembers when each chat was last sent to, by a reply or a notice alike, so the
outbox can keep a private chat to about one message a second (`free_at`). And a message to a
group gives way, for a few seconds at most, to private messages waiting for the overall rate:
an offer in a parent's DM matters more than a "done" in a busy group.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections.abc import Callable, Coroutine
from contextlib import suppress
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning

NOTICE = -1  # rate_limit_args marking a request sent by the outbox
REPLY_RETRIES = 3
REPLY_WAIT_BUDGET = 15.0  # seconds a reply may wait in all before the person is let down
PRIVATE_SPACING = 1.0  # seconds between two messages in one private chat
REMEMBERED_CHATS = 50_000
GROUP_GIVES_WAY_FOR = 5.0  # seconds a group message waits while private ones are queued

Result = bool | dict[str, Any] | list[dict[str, Any]]


SENDING = ("send", "edit", "copy", "forward")  # the methods that put a message in a chat


def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # int today, timedelta in PTB 23: both handled
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class FairRateLimiter(AIORateLimiter):
    def __init__(
        self,
        overall_per_second: float = 29,
        on_rate_limited: Callable[[], None] | None = None,
    ) -> None:
        # Smooth rates rather than bursts: Telegram counts in any one second (overall) or
        # minute (a group), and a full bucket spent at once followed by a steady refill
        # crosses that. A group's 20 a minute is one every three seconds, so a burst of
        # answers in a group never takes the overall rate from the parents' DMs.
        super().__init__(
            overall_max_rate=1,
            overall_time_period=1 / overall_per_second,
            group_max_rate=1,
            group_time_period=60 / 20,
            max_retries=0,
        )
        self._last_sent: dict[int, float] = {}
        self._on_rate_limited = on_rate_limited or (lambda: None)  # counts each 429
        self._private_waiting = 0
        self._privates_idle: asyncio.Event | None = None

    def free_at(self, chat_id: int) -> float:
        """When (time.monotonic) this private chat may next be sent to."""
        last = self._last_sent.get(chat_id)
        return 0.0 if last is None else last + PRIVATE_SPACING

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        if not endpoint.startswith(SENDING):
            # Telegram's limits count messages: reads (getChatMember on a group, getMe) and
            # answers to presses go straight through, never behind a group's pacing.
            return await callback(*args, **kwargs)
        chat_id: Any = data.get("chat_id")
        with suppress(ValueError, TypeError):
            chat_id = int(chat_id)
        group: int | str | bool = (
            chat_id
            if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str)
            else False
        )
        retries = 0 if rate_limit_args == NOTICE else REPLY_RETRIES
        waited = 0.0
        private = isinstance(chat_id, int) and chat_id > 0
        if group:
            await self._give_way_to_private_messages()
        for attempt in range(retries + 1):
            try:
                if private:
                    self._private_waiting += 1
                    self._idle().clear()
                try:
                    result = await self._run_request(
                        chat=chat_id is not None,
                        group=group,
                        allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
                        callback=callback,
                        args=args,
                        kwargs=kwargs,
                    )
                finally:
                    if private:
                        self._private_waiting -= 1
                        if self._private_waiting == 0:
                            self._idle().set()
            except RetryAfter as err:
                self._on_rate_limited()
                wait = retry_after_seconds(err) + 0.1
                if attempt == retries or waited + wait > REPLY_WAIT_BUDGET:
                    raise
                waited += wait
                await asyncio.sleep(wait)  # this request only; everyone else goes on
            else:
                if (
                    isinstance(chat_id, int)
                    and chat_id > 0
                    and endpoint.startswith(("send", "edit"))
                ):
                    self._remember(chat_id)
                return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _idle(self) -> asyncio.Event:
        if self._privates_idle is None:  # made on first use, inside the running loop
            self._privates_idle = asyncio.Event()
            self._privates_idle.set()
        return self._privates_idle

    async def _give_way_to_private_messages(self) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._idle().wait(), GROUP_GIVES_WAY_FOR)

    def _remember(self, chat_id: int) -> None:
        if len(self._last_sent) > REMEMBERED_CHATS:  # forget chats quiet for a while
            cutoff = time.monotonic() - 10 * PRIVATE_SPACING
            self._last_sent = {c: t for c, t in self._last_sent.items() if t > cutoff}
        self._last_sent[chat_id] = time.monotonic()
