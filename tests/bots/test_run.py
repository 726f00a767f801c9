"""The long-running process: health and metrics over HTTP, and the outbox drained on a schedule."""

from __future__ import annotations

import asyncio
import socket

import aiohttp

from bots.memory import MemoryMessenger
from bots.run import serve
from core import commands as c
from core.bus import MessageBus
from core.clock import SystemClock
from core.config import Settings
from core.db import make_engine, make_sessionmaker
from core.handlers import COMMAND_HANDLERS
from core.uow import uow_factory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_serve_answers_health_and_delivers_queued_notices(database_url: str) -> None:
    port = free_port()
    settings = Settings(database_url=database_url, http_port=port, stripe_api_key=None)
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
                c.RegisterAccount(platform="telegram", external_id="42", display_name="Mel")
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
            assert "parentbrain_members 2" in body
            assert 'parentbrain_outbox_notices{status="sent"} 1' in body
    finally:
        stop.set()
        assert await asyncio.wait_for(server, 10) == 0
