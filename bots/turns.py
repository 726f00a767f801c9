"""Each person's requests handled in the order they came; different people's side by side."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class PersonTurns:
    def __init__(self) -> None:
        self._turns: dict[int, tuple[asyncio.Lock, int]] = {}  # person -> (lock, holders)

    @asynccontextmanager
    async def of(self, person: int) -> AsyncIterator[None]:
        """Wait for this person's earlier requests (first come, first served), then go."""
        lock, holders = self._turns.get(person, (asyncio.Lock(), 0))
        self._turns[person] = (lock, holders + 1)
        try:
            async with lock:
                yield
        finally:
            lock, holders = self._turns[person]
            if holders == 1:
                del self._turns[person]  # nobody of theirs is waiting: forget them
            else:
                self._turns[person] = (lock, holders - 1)

    def busy(self, person: int) -> bool:
        """Whether a request of this person's is being handled or waiting."""
        return person in self._turns
