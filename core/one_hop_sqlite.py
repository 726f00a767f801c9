"""SQLite connections that cross to their thread once per statement, not four times.

aiosqlite runs SQLite in a thread of its own and hands it each call: SQLAlchemy's adapter
makes a cursor, executes, fetches and closes, each a hand-off to that thread and a wake-up of
the event loop when it is done. A routing decision makes some twenty statements, so about
eighty hand-offs, which at 100,000 members were a third of its time (bench.live, route).
Here a statement is executed, its rows fetched and its cursor closed in one call on the
thread; the rows wait in memory for SQLAlchemy to read them, as they already did (it reads
every row of a result straight after executing it). SQLite still runs only on its thread, so
a slow statement delays nobody else's.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiosqlite

Row = tuple[Any, ...]


class OneHopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors execute and fetch in one hand-off."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._thread.daemon = True  # as SQLAlchemy sets it for aiosqlite's own

    def cursor(self) -> OneHopCursor:  # type: ignore[override]
        return OneHopCursor(self)

    async def run(self, function: Callable[[], Any]) -> Any:
        """`function` on the connection's thread, and its result here."""
        return await self._execute(function)

    @property
    def sqlite(self) -> sqlite3.Connection:
        return self._conn


class OneHopCursor:
    """What SQLAlchemy's adapter needs of an aiosqlite cursor; each execute is one hand-off."""

    arraysize = 1

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self._rows: deque[Row] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> OneHopCursor:
        def run() -> tuple[list[Row], Any, int, int | None]:
            cursor = self._connection.sqlite.cursor()
            try:
                cursor.execute(sql, () if parameters is None else parameters)
                rows = cursor.fetchall() if cursor.description else []
                return rows, cursor.description, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        rows, self.description, self.rowcount, self.lastrowid = await self._connection.run(run)
        self._rows = deque(rows)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneHopCursor:
        def run() -> tuple[int, int | None]:
            cursor = self._connection.sqlite.cursor()
            try:
                cursor.executemany(sql, parameters)
                return cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        self._rows, self.description = deque(), None
        self.rowcount, self.lastrowid = await self._connection.run(run)
        return self

    async def fetchone(self) -> Row | None:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        count = size or self.arraysize
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def fetchall(self) -> list[Row]:
        rows, self._rows = list(self._rows), deque()
        return rows

    async def nextset(self) -> None:
        return None

    async def close(self) -> None:
        self._rows.clear()


def one_hop_connect(database: str, **options: Any) -> OneHopConnection:
    """What SQLAlchemy's aiosqlite dialect calls to connect (its `async_creator_fn`)."""
    return OneHopConnection(lambda: sqlite3.connect(database, **options))
