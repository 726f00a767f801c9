"""Projects as people feel them, through the bus: a business posting a ten-milestone project
(each milestone's payment made), the first milestone's payment arriving until the offer is
made among `--parents` available parents, a parent accepting the whole project, approving a
milestone, /project <n>, and cancelling half-way.

    python -m bench.projects [--runs N] [--parents N] [--db URL]

Prints one JSON object of milliseconds (p50 and p99). SQLite in a temporary folder by default;
`--db` names a PostgreSQL database, which is wiped. Not a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.credentials import _person
from bench.live_setup import percentiles
from bots.app import bootstrap
from core import commands as c
from core.actors import Role
from core.catalogue.runners import project as project_command
from core.clock import ManualClock
from core.config import Settings
from core.models import Offer, WorkItem
from core.states import OfferStatus

TEN = "\n".join(f"Part {n} of the copy | £{40 + n} | in {n + 1} days" for n in range(1, 11))


async def clocked(samples: dict[str, list[float]], name: str, step: Awaitable[Any]) -> Any:
    """Await one step (made, not yet started) and keep how long it took."""
    started = time.perf_counter()
    result = await step
    samples.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    return result


async def main(url: str, runs: int, parents: int, folder: Path) -> dict[str, Any]:
    settings = Settings(
        database_url=url,
        files_dir=str(folder / "files"),
        telegram_community_chat_id=-100,  # community 1, made on start
        max_budget_minor=10_000_000,
    )
    if url.startswith("postgresql"):
        from tests.conftest import reset_postgres

        await reset_postgres(url)
    app = await bootstrap(settings, clock=ManualClock())
    samples: dict[str, list[float]] = {}
    try:
        kate = await _person(app, "9", "Kate")
        kate = kate.model_copy(update={"roles": kate.roles | {Role.MODERATOR}, "community_id": 1})
        free = []
        for n in range(parents):
            parent = await _person(app, str(1000 + n), f"Parent {n}")
            await app.handle(c.SetSkills(actor=parent, skills="content creation:expert"))
            await app.handle(c.GoAvailable(actor=parent, window="8h"))
            free.append(parent)
        for run in range(runs):
            shop = await _person(app, str(100_000 + run), f"Shop {run}")
            await app.handle(
                c.RegisterBusiness(actor=shop, name=f"Shop {run}", contact="s@x.example")
            )
            posted = await clocked(
                samples,
                "post a 10-milestone project",
                app.handle(
                    c.PostProject(
                        actor=shop,
                        title=f"Website copy {run}",
                        description="Ten pages.",
                        skills="copywriting",
                        estimate="1h",
                        milestones=TEN,
                    )
                ),
            )
            async with app.uow() as uow:
                ids = list(
                    (
                        await uow.session.scalars(
                            select(WorkItem.id)
                            .where(WorkItem.project_id == posted.project_id)
                            .order_by(WorkItem.milestone_no)
                        )
                    ).all()
                )
            await clocked(
                samples,
                f"milestone 1 funded until the offer is made ({parents} parents free)",
                app.handle(c.ConfirmFunding(actor=kate, work_id=ids[0])),
            )
            async with app.uow() as uow:
                offer = (
                    await uow.session.execute(
                        select(Offer.id, Offer.member_id).where(
                            Offer.work_id == ids[0], Offer.status == OfferStatus.PENDING
                        )
                    )
                ).first()
                assert offer is not None, "nobody was offered the project"
                taker = next(p for p in free if p.member_id == offer.member_id)
            await clocked(
                samples,
                "accept the whole project",
                app.handle(c.AcceptOffer(actor=taker, offer_id=offer.id)),
            )
            await app.handle(c.SubmitDelivery(actor=taker, work_id=ids[0], body="done"))
            await clocked(
                samples,
                "approve milestone 1",
                app.handle(c.ApproveDelivery(actor=shop, work_id=ids[0])),
            )
            await clocked(
                samples,
                "/project <n>",
                project_command(app, shop, {"project": str(posted.project_id)}),
            )
            await clocked(
                samples,
                "cancel half-way (9 milestones)",
                app.handle(c.CancelProject(actor=shop, project_id=posted.project_id)),
            )
    finally:
        await app.close()
    return {"runs": runs, "parents": parents} | {k: percentiles(v) for k, v in samples.items()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--parents", type=int, default=500)
    parser.add_argument("--db", help="a PostgreSQL URL to use (wiped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        print(json.dumps(asyncio.run(main(url, args.runs, args.parents, Path(folder))), indent=1))
