"""The long-running process: health and metrics over HTTP, and the outbox drained on a schedule."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

import migrations
from bots.app import ParentBrain
from bots.memory import MemoryMessenger
from bots.metrics import CONTENT_TYPE
from bots.run import serve, web_app
from core import commands as c
from core.bus import MessageBus
from core.clock import SystemClock
from core.config import Settings
from core.db import make_engine, make_sessionmaker
from core.handlers import COMMAND_HANDLERS
from core.models import OutboxLane, OutboxNotice
from core.notices import Notice
from core.uow import uow_factory
from tests.fakes.telegram_api import FakeTelegram
from tests.world import World


async def parentbrain_run(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """`parentbrain run` as its own process, as an operator starts it."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bots.cli import main; raise SystemExit(main(['run']))",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_serve_answers_health_and_delivers_queued_notices(database_url: str) -> None:
    port = free_port()
    settings = Settings(
        database_url=database_url,
        http_port=port,
        stripe_api_key=None,
        telegram_community_chat_id=-100900,  # community #1, made at start-up
    )
    messenger = MemoryMessenger(platform="telegram")
    stop = asyncio.Event()
    server = asyncio.create_task(serve(settings, messengers={"telegram": messenger}, stop=stop))
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        assert response.status == 200
                        assert (await response.json()) == {"ok": True, "database": "ok"}
                        break
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("the server never came up")

            # Another process (here: a second bus on the same store) queues a notice ...
            engine = make_engine(database_url)
            bus = MessageBus(
                uow_factory(make_sessionmaker(engine), SystemClock()),
                COMMAND_HANDLERS,
                {},
                {"settings": settings},
            )
            owner = await bus.handle(
                c.RegisterAccount(
                    platform="telegram",
                    external_id="42",
                    display_name="Mel",
                    community_id=1,
                    platform_says_member=True,
                )
            )
            await bus.handle(
                c.RegisterBusiness(actor=owner, name="Bloom", contact="mel@example.com")
            )
            mod = await bus.handle(
                c.RegisterAccount(
                    platform="telegram",
                    external_id="7",
                    display_name="Kate",
                    platform_says_moderator=True,
                    community_id=1,
                    platform_says_member=True,
                )
            )
            await bus.handle(c.VerifyBusiness(actor=mod, business_id=1))
            await engine.dispose()

            # ... and the running process's scheduled dispatcher delivers it.
            for _ in range(60):
                if messenger.to("42"):
                    break
                await asyncio.sleep(0.1)
            assert "now verified" in messenger.to("42")[0].text

            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                body = await response.text()
            assert response.headers["Content-Type"] == CONTENT_TYPE  # Prometheus' text format
            assert "parentbrain_members 2.0" in body
            assert 'parentbrain_community_members{community="1"} 2.0' in body
            assert 'parentbrain_outbox_notices{status="sent"} 1.0' in body
    finally:
        stop.set()
        assert await asyncio.wait_for(server, 10) == 0


async def test_sigterm_mid_backlog_releases_the_lanes_and_exits_cleanly(
    database_url: str, tmp_path: Path
) -> None:
    """A deploy stops the process while a chat's notices are being paced out. Its logs are
    JSON lines, one per notice sent."""
    fake = FakeTelegram()
    await fake.start()
    engine = make_engine(database_url)
    await migrations.upgrade(engine)
    clock = SystemClock()
    uow = uow_factory(make_sessionmaker(engine), clock)
    ann = await MessageBus(uow, COMMAND_HANDLERS, {}, {"settings": Settings()}).handle(
        c.RegisterAccount(platform="telegram", external_id="4242", display_name="Ann")
    )
    async with uow() as unit:  # five notices to one parent: at a second apart, a backlog
        for n in range(5):
            await unit.notify(Notice(to=ann.member_id, text=f"notice {n}"))
        await unit.commit()
    port = free_port()
    env = {
        **os.environ,
        "PARENTBRAIN_DATABASE_URL": database_url,
        "PARENTBRAIN_HTTP_PORT": str(port),
        "PARENTBRAIN_TELEGRAM_TOKEN": "123:abc",
        "PARENTBRAIN_TELEGRAM_API_URL": fake.url,
        "PARENTBRAIN_TELEGRAM_COMMUNITY_CHAT_ID": "-100",
        "PARENTBRAIN_LOG_FORMAT": "json",
    }
    process = await parentbrain_run(env, tmp_path)
    try:
        await fake.until(lambda: len(fake.texts(4242)) >= 2, at_most=30)
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    finally:
        if process.returncode is None:
            process.kill()
        await fake.stop()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log and "stopped cleanly" in log
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    sent = [line for line in lines if line.get("outcome") == "sent"]
    assert len(sent) == len(fake.texts(4242)) and all(line["level"] == "INFO" for line in sent)
    async with uow() as unit:
        leases = (await unit.session.scalars(select(OutboxLane.lease_until))).all()
        pending = await unit.session.scalar(
            select(func.count()).where(OutboxNotice.status == "pending")
        )
    await engine.dispose()
    assert leases and all(until <= clock.now() for until in leases)
    assert pending == 5 - len(fake.texts(4242))  # the rest wait for the next process


async def test_sigterm_cuts_a_stuck_send_short_after_the_grace_and_still_exits_cleanly(
    tmp_path: Path,
) -> None:
    """Telegram hangs on a send: the stop waits PARENTBRAIN_SHUTDOWN_GRACE_SECONDS, no more."""
    fake = FakeTelegram()
    await fake.start()
    fake.slow_chats[4242] = 60  # a send that never finishes in time
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'pb.sqlite3'}"
    engine = make_engine(database_url)
    await migrations.upgrade(engine)
    uow = uow_factory(make_sessionmaker(engine), SystemClock())
    ann = await MessageBus(uow, COMMAND_HANDLERS, {}, {"settings": Settings()}).handle(
        c.RegisterAccount(platform="telegram", external_id="4242", display_name="Ann")
    )
    async with uow() as unit:
        await unit.notify(Notice(to=ann.member_id, text="stuck"))
        await unit.commit()
    await engine.dispose()
    env = {
        **os.environ,
        "PARENTBRAIN_DATABASE_URL": database_url,
        "PARENTBRAIN_HTTP_PORT": str(free_port()),
        "PARENTBRAIN_TELEGRAM_TOKEN": "123:abc",
        "PARENTBRAIN_TELEGRAM_API_URL": fake.url,
        "PARENTBRAIN_SHUTDOWN_GRACE_SECONDS": "0.5",
    }
    process = await parentbrain_run(env, tmp_path)
    try:
        for _ in range(300):  # until the send is under way
            if any(method == "sendMessage" for method, _ in fake.calls):
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the notice was never sent")
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
        took = time.monotonic() - started
    finally:
        if process.returncode is None:
            process.kill()
        await fake.stop()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert took < 5  # the grace and the rest of a clean stop, not the 60 s send
    assert "cut short" in log and "Traceback" not in log


@pytest.mark.parametrize("mistake", ["rejected token", "API URL ending in /bot"])
async def test_a_bad_start_says_so_in_a_sentence_and_never_prints_the_token(
    tmp_path: Path, mistake: str
) -> None:
    secret_half = "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    fake = FakeTelegram(token=f"999:{secret_half}")
    await fake.start()
    token = f"123456:{secret_half}" if mistake == "rejected token" else f"999:{secret_half}"
    api = fake.url if mistake == "rejected token" else f"{fake.url}/bot"
    env = {
        **os.environ,
        "PARENTBRAIN_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pb.sqlite3'}",
        "PARENTBRAIN_HTTP_PORT": str(free_port()),
        "PARENTBRAIN_TELEGRAM_TOKEN": token,
        "PARENTBRAIN_TELEGRAM_API_URL": api,
        "PARENTBRAIN_TELEGRAM_COMMUNITY_CHAT_ID": "-100",
    }
    process = await parentbrain_run(env, tmp_path)
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
        await fake.stop()
    output = (stdout + stderr).decode()
    assert process.returncode == 1
    assert "Could not connect to telegram" in output
    assert "trying again" not in output  # a rejected token never starts working
    assert (secret_half not in output and "[redacted]" in output) or "Unauthorized" in output
    assert secret_half not in output


async def test_an_unreachable_platform_is_tried_again_with_backoff_then_given_up(
    tmp_path: Path,
) -> None:
    secret_half = "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    env = {
        **os.environ,
        "PARENTBRAIN_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pb.sqlite3'}",
        "PARENTBRAIN_HTTP_PORT": str(free_port()),
        "PARENTBRAIN_TELEGRAM_TOKEN": f"999:{secret_half}",
        "PARENTBRAIN_TELEGRAM_API_URL": f"http://127.0.0.1:{free_port()}",  # nobody listens
        "PARENTBRAIN_TELEGRAM_COMMUNITY_CHAT_ID": "-100",
        "PARENTBRAIN_STARTUP_ATTEMPTS": "3",
        "PARENTBRAIN_STARTUP_BACKOFF_SECONDS": "0.1",
    }
    process = await parentbrain_run(env, tmp_path)
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
    output = (stdout + stderr).decode()
    assert process.returncode == 1
    assert "Could not reach telegram (try 1 of 3); trying again in 0.1 s" in output
    assert "Could not reach telegram (try 2 of 3); trying again in 0.2 s" in output
    assert "Could not connect to telegram, so nothing was started" in output
    assert "Traceback" not in output
    assert secret_half not in output


class QuietAdapter:
    """An adapter that has lost its platform (or never reached it)."""

    messenger = MemoryMessenger(platform="telegram")
    up = False

    def routes(self) -> list[aiohttp.web.RouteDef]:
        return []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def connected(self) -> bool:
        return self.up

    def worth_retrying(self, error: Exception) -> bool:
        return True


async def test_readyz_names_what_is_not_ready(app: ParentBrain, world: World) -> None:
    adapter = QuietAdapter()
    async with TestClient(TestServer(web_app(app, {"telegram": adapter}))) as http:
        answer = await http.get("/readyz")
        assert answer.status == 503
        assert (await answer.json())["failing"] == ["telegram connection"]

        adapter.up = True
        assert (await http.get("/readyz")).status == 200

        ann = await world.join("Ann")
        async with app.uow() as uow:
            await uow.notify(Notice(to=ann.member_id, text="waiting"))
            await uow.commit()
        world.clock.advance(minutes=10)  # and nothing sent it
        answer = await http.get("/readyz")
        assert answer.status == 503
        assert (await answer.json())["failing"] == ["outbox (a notice has waited 600 s)"]
