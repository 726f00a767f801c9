"""Engines for SQLite (the embedded default) and PostgreSQL, tuned for correctness."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)

from core.models import Base


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        _serialise_sqlite_writers(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def _serialise_sqlite_writers(engine: AsyncEngine) -> None:
    """SQLite transactions start with BEGIN IMMEDIATE.

    The driver's default deferred BEGIN lets two transactions read, then both try to write,
    and one dies with "database is locked". Taking the write lock up front makes SQLite's
    transactions queue instead, which is what the row locks give us on PostgreSQL.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def create_schema(engine: AsyncEngine) -> None:
    """For tests that don't exercise the migrations themselves."""
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


async def drop_schema(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)


async def ensure_seed_skills(sessions: async_sessionmaker[Any]) -> int:
    """Add any founding skills missing from the taxonomy; operators' own skills are kept."""
    from sqlalchemy import select

    from core.models import SkillRow
    from core.skills import SEED_SKILLS

    async with sessions() as session, session.begin():
        have = set((await session.scalars(select(SkillRow.code))).all())
        missing = [
            SkillRow(code=code, name=name, aliases=list(aliases))
            for code, (name, aliases) in SEED_SKILLS.items()
            if code not in have
        ]
        session.add_all(missing)
    return len(missing)


async def listen(engine: AsyncEngine, channel: str, heard: Callable[[], None]) -> AsyncConnection:
    """On PostgreSQL, call `heard` whenever any process NOTIFYs `channel` (commit wakes the
    senders everywhere). Returns the listening connection, to close at shutdown."""
    connection = await engine.connect()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.add_listener(channel, lambda *_args: heard())
    return connection
