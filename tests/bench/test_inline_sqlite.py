"""The simulation's inline SQLite behaves as the service's: writers queue for the write lock
instead of failing, and nobody waits for ever on a lock held by a task on the same thread."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bench.inline_sqlite import make_inline_engine


async def test_a_second_writer_waits_for_the_first_and_both_writes_land(tmp_path: Path) -> None:
    engine = make_inline_engine(str(tmp_path / "sim.db"))
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE taken (who TEXT)"))
    first_holds_the_lock = asyncio.Event()

    async def first() -> None:
        async with engine.begin() as conn:  # BEGIN IMMEDIATE: the write lock, held
            await conn.execute(text("INSERT INTO taken VALUES ('first')"))
            first_holds_the_lock.set()
            await asyncio.sleep(0.05)  # the second writer tries meanwhile, on this thread

    async def second() -> None:
        await first_holds_the_lock.wait()
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO taken VALUES ('second')"))

    await asyncio.wait_for(asyncio.gather(first(), second()), timeout=5)
    async with engine.connect() as conn:
        written = (await conn.execute(text("SELECT who FROM taken ORDER BY rowid"))).scalars()
        assert list(written) == ["first", "second"]
    await engine.dispose()


async def test_a_mistake_in_sql_still_reaches_the_caller(tmp_path: Path) -> None:
    engine = make_inline_engine(str(tmp_path / "sim.db"))
    async with engine.connect() as conn:
        with pytest.raises(OperationalError, match="no such table"):
            await conn.execute(text("SELECT * FROM no_such_table"))
    await engine.dispose()
