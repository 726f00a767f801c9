"""A unit of work cut off by a lost database connection (as in a failover) is tried again on a
fresh connection and applied once; a failure of the work itself is not retried."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from bots.app import ParentBrain
from core import commands as c
from core.bus import MessageBus, connection_lost
from core.db import make_engine
from core.errors import DomainError
from core.models import Availability
from core.uow import UnitOfWork
from tests.conftest import POSTGRES_URL
from tests.world import World


class Counting:
    def __init__(self) -> None:
        self.retries = 0

    def command(self, *args: object) -> None: ...

    def event(self, event: object) -> None: ...

    def notice(self, *args: object) -> None: ...

    def retried(self) -> None:
        self.retries += 1


@pytest.mark.parametrize("database_url", ["postgres"] if POSTGRES_URL else [], indirect=True)
async def test_a_terminated_connection_is_retried_and_applied_once(
    world: World, app: ParentBrain, database_url: str
) -> None:
    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    killer = make_engine(database_url)
    tries: list[int] = []

    async def go_available_after_a_cut(cmd: c.GoAvailable, uow: UnitOfWork) -> str:
        pid = (await uow.session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        tries.append(pid)
        if len(tries) == 1:  # the server ends this connection under the work, once
            async with killer.connect() as other:
                await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                await other.commit()
        from core.handlers.availability import go_available

        return await go_available(cmd, uow, app.settings)

    meter = Counting()
    bus = MessageBus(
        app.uow,
        {c.GoAvailable: go_available_after_a_cut},
        {},
        meter=meter,
    )
    try:
        said = await bus.handle(c.GoAvailable(actor=priya, window="2h"))
    finally:
        await killer.dispose()
    assert "You're available" in said
    assert len(tries) == 2 and tries[0] != tries[1]  # a fresh connection the second time
    assert meter.retries == 1
    async with app.uow() as uow:
        live = await uow.session.scalar(
            select(func.count()).where(
                Availability.member_id == priya.member_id, Availability.ended_at.is_(None)
            )
        )
    assert live == 1  # applied once


async def test_only_a_lost_connection_is_retried(world: World, app: ParentBrain) -> None:
    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    attempts: list[int] = []

    async def refuses(cmd: c.GoAvailable, uow: UnitOfWork) -> str:
        attempts.append(1)
        raise DomainError("No.")

    bus = MessageBus(app.uow, {c.GoAvailable: refuses}, {})
    with pytest.raises(DomainError):
        await bus.handle(c.GoAvailable(actor=priya, window="2h"))
    assert attempts == [1]
    assert not connection_lost(ValueError("a bug"))
    assert connection_lost(ConnectionResetError("reset by peer"))


async def test_a_request_sent_again_is_recognised_and_changes_nothing(
    world: World, app: ParentBrain
) -> None:
    from core import requests

    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    for attempt in range(2):
        with requests.request("tg:4242"):
            await app.handle(
                c.RegisterAccount(platform="telegram", external_id="te-priya", display_name="Priya")
            )
            if attempt == 0:
                assert "You're available" in await app.handle(
                    c.GoAvailable(actor=priya, window="2h")
                )
            else:
                with pytest.raises(requests.AlreadyApplied, match="done already"):
                    await app.handle(c.GoAvailable(actor=priya, window="2h"))
    with requests.request("tg:4243"):  # another request: applied
        await app.handle(c.GoUnavailable(actor=priya))
    async with app.uow() as uow:
        live = await uow.session.scalar(
            select(func.count()).where(
                Availability.member_id == priya.member_id, Availability.ended_at.is_(None)
            )
        )
    assert live == 0


@pytest.mark.parametrize("database_url", ["postgres"] if POSTGRES_URL else [], indirect=True)
async def test_several_hosts_in_the_url_reach_the_writable_one(database_url: str) -> None:
    """A highly available pair is named host by host; a host that is down is passed over."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    hosts = f"host=127.0.0.1:1&host={url.host or '127.0.0.1'}:{url.port or 5432}"
    several = (
        f"postgresql+asyncpg://{url.username or 'postgres'}@/{url.database}"
        f"?{hosts}&target_session_attrs=read-write"
    )
    engine = make_engine(several)
    try:
        async with engine.connect() as conn:
            writable = (await conn.execute(text("SELECT NOT pg_is_in_recovery()"))).scalar_one()
    finally:
        await engine.dispose()
    assert writable is True


async def test_the_same_request_at_the_same_moment_is_applied_once(
    world: World, app: ParentBrain
) -> None:
    """A double tap reaching two processes at once: one applies it, the other is told."""
    import asyncio

    from core import requests

    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    bus = MessageBus(app.uow, app.bus.command_handlers, {})

    async def tap() -> object:
        with requests.request("web:1:same-form"):
            return await bus.handle(c.GoAvailable(actor=priya, window="2h"))

    results = await asyncio.gather(tap(), tap(), return_exceptions=True)
    assert sum(isinstance(r, str) for r in results) == 1, results
    assert sum(isinstance(r, requests.AlreadyApplied) for r in results) == 1, results
    async with app.uow() as uow:
        live = await uow.session.scalar(
            select(func.count()).where(
                Availability.member_id == priya.member_id, Availability.ended_at.is_(None)
            )
        )
    assert live == 1


def test_a_failover_under_way_counts_as_a_lost_connection() -> None:
    """No host writable yet, or every host refusing: retried. The work failing: not."""
    from asyncpg.exceptions import TargetServerAttributeNotMatched
    from sqlalchemy.exc import DBAPIError

    from core.bus import connection_lost

    between = TargetServerAttributeNotMatched("None of the hosts match read-write")
    assert connection_lost(DBAPIError("connect", {}, between))
    assert connection_lost(ConnectionRefusedError(111, "Connection refused"))
    assert not connection_lost(DBAPIError("insert", {}, ValueError("bad value")))
    assert not connection_lost(ValueError("a handler's own mistake"))


@pytest.mark.parametrize("database_url", ["postgres"] if POSTGRES_URL else [], indirect=True)
async def test_the_operator_sees_reconnects_and_retries_on_readyz(
    world: World, app: ParentBrain, database_url: str
) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from bots.run import web_app
    from core.handlers.availability import go_available

    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    killer = make_engine(database_url)
    cut: list[int] = []

    async def cut_once(cmd: c.GoAvailable, uow: UnitOfWork) -> str:
        if not cut:
            pid = (await uow.session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            cut.append(pid)
            async with killer.connect() as other:
                await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                await other.commit()
        return await go_available(cmd, uow, app.settings)

    before = app.meter.database_counts()
    app.bus.command_handlers[c.GoAvailable] = cut_once
    try:
        assert "You're available" in await app.handle(c.GoAvailable(actor=priya, window="2h"))
    finally:
        await killer.dispose()
    async with TestClient(TestServer(web_app(app, {}))) as http:
        shown = (await (await http.get("/readyz")).json())["database"]
    assert shown["retried"] == before["retried"] + 1
    assert shown["connections_opened"] > before["connections_opened"]  # the reconnect


@pytest.mark.parametrize("database_url", ["postgres"] if POSTGRES_URL else [], indirect=True)
async def test_a_connection_ended_while_idle_is_replaced_before_anything_uses_it(
    world: World, app: ParentBrain, database_url: str
) -> None:
    """After a restart or a failover, the next page view or command works the first time,
    without a retry: the pool hands out a fresh connection instead of the closed one."""
    from core.handlers.availability import go_available

    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    async with app.uow() as uow:  # a read outside any command, as a web page makes
        idle = (await uow.session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    await end_connection(database_url, idle)
    async with app.uow() as uow:
        fresh = (await uow.session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    assert fresh != idle
    pids: list[int] = []

    async def go_available_noting_the_connection(cmd: c.GoAvailable, uow: UnitOfWork) -> str:
        pids.append((await uow.session.execute(text("SELECT pg_backend_pid()"))).scalar_one())
        return await go_available(cmd, uow, app.settings)

    before = app.meter.database_counts()["retried"]
    async with app.uow() as uow:
        taken = (await uow.session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    await end_connection(database_url, taken)
    app.bus.command_handlers[c.GoAvailable] = go_available_noting_the_connection
    assert "You're available" in await app.handle(c.GoAvailable(actor=priya, window="2h"))
    assert pids and taken not in pids
    assert app.meter.database_counts()["retried"] == before  # nothing cut off, nothing retried


@pytest.mark.parametrize("database_url", ["postgres"] if POSTGRES_URL else [], indirect=True)
async def test_a_connection_idle_long_that_no_longer_answers_is_replaced_within_seconds(
    world: World, app: ParentBrain, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection a firewall dropped in silence never says it closed: one idle a while is
    pinged before use, kept when it answers, and replaced when it doesn't answer in time."""
    import os
    import signal
    import time

    from core import db

    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
    monkeypatch.setattr(db, "PING_TIMEOUT_SECONDS", 0.5)
    pid_now = text("SELECT pg_backend_pid()")
    async with app.uow() as uow:
        first = (await uow.session.execute(pid_now)).scalar_one()
    async with app.uow() as uow:  # pinged, answered, kept
        assert (await uow.session.execute(pid_now)).scalar_one() == first
    os.kill(first, signal.SIGSTOP)  # the server's end stops answering, as if cut off
    try:
        started = time.monotonic()
        async with app.uow() as uow:
            fresh = (await uow.session.execute(pid_now)).scalar_one()
        waited = time.monotonic() - started
    finally:
        os.kill(first, signal.SIGCONT)
    assert fresh != first
    assert waited < 5


async def end_connection(database_url: str, pid: int) -> None:
    """The server ends one connection, as a restart or a failover ends them all, and the
    connection's side hears it."""
    import asyncio

    killer = make_engine(database_url)
    try:
        async with killer.connect() as other:
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await killer.dispose()
    await asyncio.sleep(0.2)


def test_a_new_connection_waits_out_a_failover_but_not_a_refusal_of_another_kind() -> None:
    """Connecting while no server takes it (refused, or none writable yet) is tried again;
    a wrong password or database is not."""
    from asyncpg.exceptions import InvalidPasswordError, TargetServerAttributeNotMatched

    from core.db import failover_under_way

    wrapped = RuntimeError("could not connect")
    wrapped.__cause__ = TargetServerAttributeNotMatched("None of the hosts is read-write")
    assert failover_under_way(wrapped)
    assert failover_under_way(ConnectionRefusedError(111, "Connection refused"))
    assert not failover_under_way(InvalidPasswordError("password authentication failed"))
