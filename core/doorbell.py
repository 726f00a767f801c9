"""Rung after a commit that queued notices, so the outbox sends them at once."""

from __future__ import annotations

import asyncio
from contextlib import suppress

NOTIFY_CHANNEL = "parentbrain_outbox"  # on PostgreSQL, the NOTIFY that rings every process


class Doorbell:
    def __init__(self) -> None:
        self._event: asyncio.Event | None = None

    def _ringer(self) -> asyncio.Event:
        if self._event is None:  # made on first use, inside the running loop
            self._event = asyncio.Event()
        return self._event

    def ring(self) -> None:
        self._ringer().set()

    async def wait(self, at_most: float) -> None:
        """Until rung, or at_most seconds; either way the bell is quiet again after."""
        event = self._ringer()
        with suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), at_most)
        event.clear()
