"""SQLite for the simulation, run on the event loop's own thread.

aiosqlite hands every call to a thread of its own and waits for the answer: in the routing
simulation (bench/simulate.py), which makes tens of thousands of small queries against a file
in memory, that hand-off was about a third of the run. Here each call runs where it is made.

One thing changes with it. A connection that finds another holding SQLite's write lock must
not wait inside SQLite, because the holder can only finish once this thread is free: so the
busy timeout is nothing, and "database is locked" is retried after handing the loop to
everyone else for a moment, which is the wait SQLite would otherwise do in its own thread.
For the simulation only: the service keeps aiosqlite.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import make_engine


class _RunNow:
    """Stands in for aiosqlite's queue to its thread: runs each call as it is queued."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Any]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:  # handed to whoever awaits it, as aiosqlite does
            if future is not None:
                future.set_exception(error)
            return
        if future is not None:
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection without its thread."""

    def __init__(self, path: str) -> None:
        super().__init__(lambda: sqlite3.connect(path), iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]

    def __await__(self) -> Any:
        return self._connect().__await__()

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as error:
                if "locked" not in str(error):
                    raise
            await asyncio.sleep(0.0005)


def make_inline_engine(path: str) -> AsyncEngine:
    """The service's SQLite engine (core/db.py), with connections that run inline."""

    async def connect() -> InlineConnection:
        return await InlineConnection(path)

    engine = make_engine(f"sqlite+aiosqlite:///{path}", async_creator=connect)

    @event.listens_for(engine.sync_engine, "connect")
    def _never_wait_inside_sqlite(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    return engine
