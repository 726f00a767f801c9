"""Telegram's limits, kept so that nobody waits on anybody else.

PTB's AIORateLimiter keeps the overall 30 a second and each group's 20 a minute. On a 429 it
would pause *every* request until retry_after has passed; here only the request that got the
429 waits. A command's reply waits it out and retries within a short budget, so a dialog
step is not lost. A notice from the outbox (`rate_limit_args=NOTICE`) gets the 429 back at
once: the outbox retries it later without holding a sender.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning

NOTICE = -1  # rate_limit_args marking a request sent by the outbox
REPLY_RETRIES = 3
REPLY_WAIT_BUDGET = 15.0  # seconds a reply may wait in all before the person is let down


def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # int today, timedelta in PTB 23: both handled
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class FairRateLimiter(AIORateLimiter):
    def __init__(self, overall_per_second: float = 29) -> None:
        # A smooth rate rather than bursts of 30: Telegram counts in any one second, and a
        # full bucket spent at once followed by a steady refill crosses that.
        super().__init__(
            overall_max_rate=1, overall_time_period=1 / overall_per_second, max_retries=0
        )

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retries = 0 if rate_limit_args == NOTICE else REPLY_RETRIES
        waited = 0.0
        for attempt in range(retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args=None
                )
            except RetryAfter as err:
                wait = retry_after_seconds(err) + 0.1
                if attempt == retries or waited + wait > REPLY_WAIT_BUDGET:
                    raise
                waited += wait
                await asyncio.sleep(wait)  # this request only; everyone else goes on
        raise AssertionError("unreachable")  # pragma: no cover
