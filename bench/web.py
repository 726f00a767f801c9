"""The web pages as people feel them: the real aiohttp server, sessions, Jinja2 and core, on a
community of 100,000 members (bench.routing builds it), measured from request to last byte.

    python -m bench.web [--members N] [--runs N] [--db URL]

Prints one JSON object of milliseconds (p50 and p99 per page). SQLite in a temporary file by
default; `--db` names a PostgreSQL database, which is wiped. Not a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from pydantic import SecretStr
from sqlalchemy import select

from bench.live_setup import percentiles
from bench.routing import NOW, build
from bots.app import bootstrap
from bots.run import web_app
from bots.web.signin import sign_for_tests
from core.clock import ManualClock
from core.config import Settings
from core.models import Business

TOKEN = "123456:BENCH"


class TelegramSays:
    """The platform's "is a moderator" answer, yes for the account the bench signs in with."""

    def routes(self) -> list[Any]:
        return []

    def connected(self) -> bool:
        return True

    async def moderates(self, external_id: str, community_id: int) -> bool | None:
        return external_id == "1"

    async def unreachable_because(self, external_id: str) -> str | None:
        return None


async def main(url: str, members: int, runs: int) -> dict[str, Any]:
    await build(url, members, 1000, random.Random(7))
    settings = Settings(
        database_url=url,
        telegram_token=SecretStr(TOKEN),
        web_url="http://127.0.0.1/web",
        router="learning",
    )
    app = await bootstrap(settings, clock=ManualClock(NOW), schema="none")
    async with app.uow() as uow:  # everyone has a Telegram account (bench.routing)
        owner = await uow.session.scalar(select(Business.owner_member_id).limit(1))
    server = TestServer(web_app(app, {"telegram": TelegramSays()}))  # type: ignore[dict-item]
    await server.start_server()
    report: dict[str, Any] = {"members": members, "runs": runs}
    try:
        for who, pages in (
            ("1", ["", "moderate", "do", "do/status", "do/offers", "do/why"]),
            (str(owner), ["items", "post"]),
        ):
            fields = {"id": who, "first_name": f"P{who}", "auth_date": str(int(time.time()))}
            link = server.make_url(
                f"/web/auth/telegram?{sign_for_tests(fields, TOKEN, mini_app=False)}"
            )
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
                async with browser.get(link) as page:
                    assert page.status == 200, await page.text()
                for path in pages:
                    samples = []
                    for _ in range(runs):
                        started = time.perf_counter()
                        async with browser.get(server.make_url(f"/web/{path}")) as page:
                            await page.read()
                            assert page.status == 200
                        samples.append((time.perf_counter() - started) * 1000)
                    report[f"GET /web/{path}"] = percentiles(samples)
    finally:
        await server.close()
        await app.close()
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--db", help="a PostgreSQL URL to use (wiped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        print(json.dumps(asyncio.run(main(url, args.members, args.runs)), indent=1))
