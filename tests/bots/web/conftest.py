"""The web front end served as `parentbrain run` serves it, against a real aiohttp server."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from bots.app import ParentBrain
from bots.run import web_app
from bots.web.signin import sign_for_tests
from core import commands as c
from core.actors import Actor
from tests.world import World

TOKEN = "123456:TEST-TOKEN"


class TelegramSays:
    """The Telegram adapter's answer to "does this account moderate that community?", as a
    test sets it (the real one asks getChatMember of the community's group)."""

    def __init__(self) -> None:
        self.admins: set[str] = set()
        self.asked = 0

    def routes(self) -> list[Any]:
        return []

    def connected(self) -> bool:
        return True

    async def unreachable_because(self, external_id: str) -> str | None:
        return None

    async def moderates(self, external_id: str, community_id: int) -> bool | None:
        self.asked += 1
        return external_id in self.admins


@dataclass
class Site:
    server: TestServer
    world: World
    telegram: TelegramSays

    def url(self, path: str = "") -> str:
        return str(self.server.make_url(f"/web/{path}"))

    def login_link(
        self, telegram_id: int, name: str, *, age: float = 0, forged: bool = False
    ) -> str:
        fields = {
            "id": str(telegram_id),
            "first_name": name,
            "auth_date": str(int(time.time() - age)),
        }
        signed = sign_for_tests(fields, "not-the-token" if forged else TOKEN, mini_app=False)
        return self.url(f"auth/telegram?{signed}")

    async def person(self, telegram_id: int, name: str, **more: Any) -> Actor:
        """Someone in the town community, on Telegram, as the chats would have made them."""
        actor = await self.world.app.handle(
            c.RegisterAccount(
                platform="telegram",
                external_id=str(telegram_id),
                display_name=name,
                community_id=await self.world.town(),
                platform_says_member=True,
                dm_open=True,
                **more,
            )
        )
        self.world.people[name] = actor
        return actor

    async def signed_in(self, telegram_id: int, name: str) -> aiohttp.ClientSession:
        browser = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        async with browser.get(self.login_link(telegram_id, name)) as page:
            assert page.status == 200 and f"Signed in as {name}" in await page.text()
        return browser


@pytest.fixture
async def site(app: ParentBrain, world: World) -> AsyncIterator[Site]:
    app.settings.telegram_token = SecretStr(TOKEN)
    app.settings.web_url = "http://127.0.0.1/web"
    telegram = TelegramSays()
    server = TestServer(web_app(app, {"telegram": telegram}))  # type: ignore[dict-item]
    await server.start_server()
    yield Site(server, world, telegram)
    await server.close()
