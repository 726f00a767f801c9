"""Engines for SQLite (the embedded default) and PostgreSQL, tuned for correctness."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session
from sqlalchemy.util import await_only

from core.models import Base
from core.one_hop_sqlite import one_hop_connect


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        if "async_creator" not in kwargs:
            _one_hop_per_statement(engine)
        _serialise_sqlite_writers(engine)
        return engine
    engine = create_async_engine(url, **kwargs)
    _connect_through_failovers(engine)
    _check_connections_on_checkout(engine)
    return engine


# A pooled connection is checked as it is taken from the pool. One the server closed while it
# sat there (a restart, a failover demoting the old primary, an operator ending it) is already
# known closed to the driver and is replaced, with no round trip. Only a connection idle this
# long is pinged first, once, since a firewall may have dropped it without a word. The pool's
# own pre-ping cost every unit of work three round trips on asyncpg (BEGIN, a ping, ROLLBACK),
# and a connection lost under the work itself is what the bus's retry is for.
PING_AFTER_IDLE_SECONDS = 30.0
PING_TIMEOUT_SECONDS = 3.0  # a dropped connection may never answer: don't let a person wait on it


def _check_connections_on_checkout(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        driver = dbapi_connection.driver_connection
        if driver.is_closed():
            raise DisconnectionError("the server closed this connection while it was idle")
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return
        try:
            await_only(driver.fetchrow(";", timeout=PING_TIMEOUT_SECONDS))
        except Exception as err:  # no answer, or a wrong one: take a fresh connection instead
            raise DisconnectionError("this connection no longer answers") from err


# While a highly available pair fails over, every host refuses or none is writable yet, for a
# few seconds: a new connection waits that out (about 40 s at most, as the bus does), so a
# read outside any command, or a command's first connection, is slower rather than failed.
CONNECT_PAUSES = (0.1, 0.25, 0.5, 1.0, *(2.0,) * 19)
BETWEEN_SERVERS = frozenset({"TargetServerAttributeNotMatched", "CannotConnectNowError"})


def failover_under_way(err: BaseException | None) -> bool:
    """Whether connecting failed because no server is there to take it (yet)."""
    seen = 0
    while err is not None and seen < 10:
        if isinstance(err, ConnectionError) or type(err).__name__ in BETWEEN_SERVERS:
            return True
        err, seen = err.__cause__ or err.__context__, seen + 1
    return False


def _connect_through_failovers(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        for pause in (*CONNECT_PAUSES, None):
            try:
                return dialect.connect(*cargs, **cparams)
            except Exception as err:
                if pause is None or not failover_under_way(err):
                    raise
                await_only(asyncio.sleep(pause))
        return None  # not reached: the last try raises


def _one_hop_per_statement(engine: AsyncEngine) -> None:
    """aiosqlite's connections, with cursors that execute and fetch in one hand-off to the
    connection's thread (core/one_hop_sqlite.py)."""

    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return dialect.loaded_dbapi.connect(*cargs, async_creator_fn=one_hop_connect, **cparams)


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


class HoldingSession(Session):
    """A session that holds every row it loaded until it is closed.

    SQLAlchemy's session forgets a row as soon as nothing else holds it, and reads it again
    at the next get(): a member or community looked up by several steps of one command was
    read three times. Holding what a unit of work loaded until it ends makes each later
    get() of it free, as an identity map is meant to. The rows are held in the session's own
    `info`, by a listener on this class: a listener on each session, calling back into its
    unit of work, made every unit of work a reference cycle that only the garbage collector's
    full pass could free, some 2 ms at a time in the middle of somebody's command.
    """


HELD = "held"  # HoldingSession.info's key for the rows held


@event.listens_for(HoldingSession, "loaded_as_persistent")
def _hold(session: Session, instance: object) -> None:
    session.info.setdefault(HELD, []).append(instance)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=HoldingSession)


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
