"""Updates are handled concurrently, each person's in the order they came (with several
processes behind one webhook, in Telegram's order across them: core/person_order.py).

PTB hands every update to `do_process_update` as its own task. One person's updates queue
behind each other (`bots.turns`); different people's run side by side. So a slow command, or a group reply waiting on Telegram's 20-a-minute group limit,
delays only the person who sent it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextlib import nullcontext
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bots.turns import PersonTurns
from core import requests
from core.person_order import PersonOrder

WORKING_AT_ONCE = 256  # updates being handled at the same moment
QUEUED_AT_MOST = 100_000  # PTB's own bound; waiting behind one's own earlier update is cheap


class PerPersonUpdates(BaseUpdateProcessor):
    def __init__(
        self, working_at_once: int = WORKING_AT_ONCE, *, across: PersonOrder | None = None
    ) -> None:
        # PTB takes its semaphore before calling us, so it must not be the bound that
        # matters: a person's queued updates would hold its slots while waiting their turn.
        super().__init__(QUEUED_AT_MOST)
        self._working_at_once = working_at_once
        self._working: asyncio.Semaphore | None = None
        self._people = PersonTurns()
        self._across = across  # several processes: the order kept in the store too

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this person's earlier updates, then for a free worker, then handle it."""
        if self._working is None:
            self._working = asyncio.Semaphore(self._working_at_once)
        person = _person_of(update)
        key = f"tg:{update.update_id}" if isinstance(update, Update) else None
        with requests.request(key) if key else nullcontext():  # a redelivery, recognised
            if person is None:
                async with self._working:
                    await coroutine
                return
            async with self._people.of(person), self._working:
                if self._across is None or not isinstance(update, Update):
                    await coroutine
                    return
                async with self._across.turn(f"tg:{person}", update.update_id):
                    await coroutine

    def busy(self, person: int) -> bool:
        """Whether an update of this person's is being handled (its reply may be on its way)."""
        return self._people.busy(person)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """The cross-process turns' connections, if any, are closed."""
        if self._across is not None:
            await self._across.close()


def _person_of(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None
