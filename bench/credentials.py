"""Credentials and work records as people feel them: a passed skill check through the bus
until its credential is signed, kept and queued (the last answer's whole command), and a
work record of 1,000 jobs read for /record, shown on its shared page and downloaded whole,
through the real aiohttp server.

    python -m bench.credentials [--runs N] [--jobs N] [--db URL]

Prints one JSON object of milliseconds (p50 and p99). SQLite in a temporary folder by default;
`--db` names a PostgreSQL database, which is wiped. Not a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer
from pydantic import SecretStr
from sqlalchemy import insert, select

from bench.live_setup import percentiles
from bots.app import bootstrap
from bots.run import web_app
from core import commands as c
from core import tokens
from core.actors import Actor
from core.catalogue.runners import record
from core.clock import ManualClock
from core.config import Settings
from core.models import Delivery, Payout, Rating, WorkItem, WorkSkill
from core.states import WorkStatus

RIGHT = (2, 1, 2, 1)  # the shipped proofreading check's answers


async def _person(app: Any, external_id: str, name: str) -> Actor:
    actor: Actor = await app.handle(
        c.RegisterAccount(
            platform="telegram",
            external_id=external_id,
            display_name=name,
            community_id=1,
            platform_says_member=True,
            dm_open=True,
        )
    )
    return actor


async def issuing(app: Any, runs: int) -> list[float]:
    samples = []
    for n in range(runs):
        parent = await _person(app, str(10_000 + n), f"Parent {n}")
        await app.handle(c.SetSkills(actor=parent, skills="proofreading"))
        _, actions = await app.handle(c.StartQuiz(actor=parent, skill="proofreading"))
        for option in RIGHT[:-1]:
            _, actions = await app.handle(tokens.read(actions[option - 1].token, parent))
        last = tokens.read(actions[RIGHT[-1] - 1].token, parent)
        started = time.perf_counter()
        said, _ = await app.handle(last)
        samples.append((time.perf_counter() - started) * 1000)
        assert "credential for it is on its way" in said
    return samples


async def a_long_record(app: Any, jobs: int) -> Actor:
    """One parent with `jobs` approved, rated and paid jobs, written straight to the store."""
    parent = await _person(app, "1", "Priya")
    await app.handle(c.SetSkills(actor=parent, skills="proofreading, design"))
    shop = await _person(app, "2", "Mel")
    await app.handle(c.RegisterBusiness(actor=shop, name="Bloom Bakery", contact="m@b.example"))
    now = app.clock.now()
    async with app.uow() as uow:
        first = (await uow.session.scalar(select(WorkItem.id).order_by(WorkItem.id.desc()))) or 0
        ids = range(first + 1, first + 1 + jobs)
        when = [now - timedelta(days=jobs - n) for n in range(jobs)]
        await uow.session.execute(
            insert(WorkItem),
            [
                {
                    "id": i,
                    "community_id": 1,
                    "business_id": 1,
                    "title": f"Job {i}",
                    "description": "Done.",
                    "budget_minor": 2500,
                    "currency": "GBP",
                    "fee_bps": 1500,
                    "estimated_minutes": 45,
                    "deadline": w,
                    "status": WorkStatus.PAID,
                    "assignee_member_id": parent.member_id,
                    "created_at": w,
                }
                for i, w in zip(ids, when, strict=True)
            ],
        )
        await uow.session.execute(
            insert(WorkSkill),
            [{"work_id": i, "skill_code": ("proofreading", "design")[i % 2]} for i in ids],
        )
        await uow.session.execute(
            insert(Delivery),
            [
                {
                    "work_id": i,
                    "member_id": parent.member_id,
                    "body": "link",
                    "status": "approved",
                    "submitted_at": w,
                    "auto_approve_at": w,
                    "on_time": i % 7 != 0,
                }
                for i, w in zip(ids, when, strict=True)
            ],
        )
        await uow.session.execute(
            insert(Rating),
            [
                {
                    "work_id": i,
                    "rater_member_id": shop.member_id,
                    "ratee_member_id": parent.member_id,
                    "stars": 4 + i % 2,
                    "visible": True,
                    "created_at": w,
                }
                for i, w in zip(ids, when, strict=True)
            ],
        )
        await uow.session.execute(
            insert(Payout),
            [
                {
                    "work_id": i,
                    "member_id": parent.member_id,
                    "amount_minor": 2125,
                    "currency": "GBP",
                    "status": "sent",
                    "created_at": w,
                }
                for i, w in zip(ids, when, strict=True)
            ],
        )
        await uow.commit()
    # Its own credential too, so the shared page checks one as it renders.
    _, actions = await app.handle(c.StartQuiz(actor=parent, skill="proofreading"))
    for option in RIGHT:
        _, actions = await app.handle(tokens.read(actions[option - 1].token, parent))
    await app.handle(c.ShowEarningsOnRecord(actor=parent, show=True))
    return parent


async def timed(runs: int, step: Any) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await step()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


async def main(url: str, runs: int, jobs: int, folder: Path) -> dict[str, Any]:
    settings = Settings(
        database_url=url,
        web_url="http://127.0.0.1/web",
        issuer_key_passphrase=SecretStr("bench"),
        files_dir=str(folder / "files"),
        telegram_community_chat_id=-100,  # community 1, made on start
    )
    if url.startswith("postgresql"):
        from tests.conftest import reset_postgres

        await reset_postgres(url)
    app = await bootstrap(settings, clock=ManualClock())
    report: dict[str, Any] = {"runs": runs, "jobs_in_record": jobs}
    try:
        report["issue a credential (last answer of a passed check)"] = percentiles(
            await issuing(app, runs)
        )
        parent = await a_long_record(app, jobs)
        report[f"/record with {jobs} jobs"] = await timed(
            runs, lambda: record(app, parent, {"what": ""})
        )
        shared = await app.handle(c.ShareRecord(actor=parent))
        token = shared.split("/r/")[1].split()[0]
        server = TestServer(web_app(app, {}))
        await server.start_server()
        try:
            async with aiohttp.ClientSession() as anyone:

                async def get(path: str) -> None:
                    async with anyone.get(server.make_url(f"/web/{path}")) as page:
                        await page.read()
                        assert page.status == 200, page.status

                report[f"GET /web/r/<token> with {jobs} jobs"] = await timed(
                    runs, lambda: get(f"r/{token}")
                )
                report["GET /web/r/<token>/record.json"] = await timed(
                    runs, lambda: get(f"r/{token}/record.json")
                )
        finally:
            await server.close()
    finally:
        await app.close()
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--db", help="a PostgreSQL URL to use (wiped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        print(json.dumps(asyncio.run(main(url, args.runs, args.jobs, Path(folder))), indent=1))
