"""SQLite statements cross to aiosqlite's thread once each, and behave as before: rows,
row counts, new ids and errors all come back (core/one_hop_sqlite.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.db import make_engine
from core.one_hop_sqlite import OneHopConnection


async def test_each_statement_is_one_hand_off_and_answers_as_sqlite_does(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}")
    hand_offs = 0
    original = OneHopConnection.run

    async def counted(self: OneHopConnection, function: object) -> object:
        nonlocal hand_offs
        hand_offs += 1
        return await original(self, function)  # type: ignore[arg-type]

    OneHopConnection.run = counted  # type: ignore[method-assign]
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
            before = hand_offs
            inserted = await conn.execute(text("INSERT INTO t (name) VALUES ('a'), ('b')"))
            assert inserted.rowcount == 2
            rows = (await conn.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
            assert [tuple(r) for r in rows] == [(1, "a"), (2, "b")]
            assert hand_offs - before == 2  # two statements, two hand-offs
            updated = await conn.execute(text("UPDATE t SET name = name || '!' WHERE id > 0"))
            assert updated.rowcount == 2
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t (name) VALUES ('a!')"))
        async with engine.connect() as conn:  # the connection is still good after the error
            assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 2
    finally:
        OneHopConnection.run = original  # type: ignore[method-assign]
        await engine.dispose()
