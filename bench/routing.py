"""Time choosing an offer set: N members (10% available, a realistic skill spread), 1,000 items.

    python -m bench.routing --members 100000 --json [--db URL] [--router learning|simple]
    python -m bench.routing --members 10000 --communities 100 --json

With --communities C, each of C communities has N members (so C x N in all) and the items are
spread across them; routing should cost what one community of N costs. Prints members,
communities, available, decisions, p50_ms, p99_ms. Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from core.clock import ManualClock
from core.db import create_schema, drop_schema, ensure_seed_skills, make_engine, make_sessionmaker
from core.models import (
    Account,
    Availability,
    Business,
    Community,
    CommunityBusiness,
    Member,
    Membership,
    MemberSkill,
    OpenSkill,
    WorkItem,
    WorkSkill,
)
from core.skills import SEED_SKILLS
from core.states import WorkStatus
from core.uow import uow_factory
from routing.learning import LearningRouter
from routing.simple import SimpleRouter

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CHUNK = 5_000


async def build(
    url: str, members: int, items: int, rng: random.Random, communities: int = 1
) -> int:
    """`communities` communities of `members` members each, and their businesses and items."""
    engine = make_engine(url)
    await drop_schema(engine)
    await create_schema(engine)
    await ensure_seed_skills(make_sessionmaker(engine))
    skills = list(SEED_SKILLS)
    weights = [1 / (n + 1) for n in range(len(skills))]  # a few skills common, most rarer
    available = 0
    everyone = communities * members
    owners = range(everyone + 1, everyone + communities + 1)  # one business per community
    async with engine.begin() as conn:
        await conn.execute(
            insert(Community),
            [
                {"id": n, "title": f"C{n}", "settings": {}, "created_at": NOW}
                for n in range(1, communities + 1)
            ],
        )
        for start in range(1, everyone + communities + 1, CHUNK):
            ids = range(start, min(start + CHUNK, everyone + communities + 1))
            await conn.execute(
                insert(Member),
                [
                    {
                        "id": i,
                        "display_name": f"P{i}",
                        "roles": ["parent"],
                        "timezone": "Europe/London",
                        "bio": "",
                        "preferred_skills": [],
                        "rate_floor_minor": rng.choice([0, 0, 1000, 1500]),
                        "max_jobs": 1,
                        "last_platform": "telegram",
                        "reachable": True,
                        "created_at": NOW,
                    }
                    for i in ids
                ],
            )
            # Each on Telegram, as every real member is somewhere: an offer's notice reaches
            # the outbox, as it does in use.
            await conn.execute(
                insert(Account),
                [
                    {
                        "member_id": i,
                        "platform": "telegram",
                        "external_id": str(i),
                        "last_seen_at": NOW,
                    }
                    for i in ids
                ],
            )
            place = {i: (i - 1) // members + 1 if i <= everyone else i - everyone for i in ids}
            await conn.execute(
                insert(Membership),
                [
                    {"community_id": place[i], "member_id": i, "active": True, "joined_at": NOW}
                    for i in ids
                ],
            )
            rows, free, indexed = [], [], []
            for i in ids:
                if i > everyone:
                    continue  # the businesses' owners
                owned = [
                    {
                        "member_id": i,
                        "skill_code": code,
                        "level": rng.randint(1, 3),
                        "years": rng.randint(0, 12),
                    }
                    for code in set(rng.choices(skills, weights, k=rng.randint(1, 3)))
                ]
                rows += owned
                if rng.random() < 0.10:
                    # What /available writes: the availability and its open skills.
                    indexed += [
                        {
                            "community_id": place[i],
                            "availability_id": i,
                            "skill_code": o["skill_code"],
                            "member_id": i,
                            "level": o["level"],
                        }
                        for o in owned
                    ]
                    free.append(
                        {
                            "id": i,
                            "member_id": i,
                            "starts_at": NOW - timedelta(hours=1),
                            "until": NOW + timedelta(hours=rng.randint(2, 8)),
                            "skills": [],
                            "source": "manual",
                        }
                    )
            if rows:
                await conn.execute(insert(MemberSkill), rows)
            if free:
                await conn.execute(insert(Availability), free)
                await conn.execute(insert(OpenSkill), indexed)
            available += len(free)
        await conn.execute(
            insert(Business),
            [
                {
                    "id": n,
                    "owner_member_id": owner,
                    "name": f"Bench {n}",
                    "contact": "b@x",
                    "created_at": NOW,
                }
                for n, owner in enumerate(owners, start=1)
            ],
        )
        await conn.execute(
            insert(CommunityBusiness),
            [
                {"community_id": n, "business_id": n, "verified": True, "created_at": NOW}
                for n in range(1, communities + 1)
            ],
        )
        await conn.execute(
            insert(WorkItem),
            [
                {
                    "id": n,
                    "community_id": (n - 1) % communities + 1,
                    "business_id": (n - 1) % communities + 1,
                    "title": f"Item {n}",
                    "description": "bench",
                    "budget_minor": rng.randint(2000, 10000),
                    "currency": "GBP",
                    "fee_bps": 1500,
                    "estimated_minutes": rng.choice([30, 45, 60, 90]),
                    "deadline": NOW + timedelta(days=2),
                    "urgent": False,
                    "status": WorkStatus.OPEN,
                    "rounds": 0,
                    "created_at": NOW,
                }
                for n in range(1, items + 1)
            ],
        )
        await conn.execute(
            insert(WorkSkill),
            [
                {
                    "work_id": n,
                    "skill_code": rng.choices(skills, weights)[0],
                    "min_level": rng.randint(1, 3),
                }
                for n in range(1, items + 1)
            ],
        )
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    await engine.dispose()
    return available


async def run(
    members: int, url: str | None, router_name: str, items: int, communities: int = 1
) -> dict[str, Any]:
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        available = await build(url, members, items, rng, communities)
        engine = make_engine(url)
        uow = uow_factory(make_sessionmaker(engine), ManualClock(NOW))
        router = LearningRouter(random.Random(7)) if router_name == "learning" else SimpleRouter()
        timings, offered = [], 0
        gc.collect()
        gc.freeze()  # as `parentbrain run` does once it has started
        for n in range(1, items + 1):
            async with uow() as unit:  # one unit per decision, as in the offer cascade
                item = await unit.session.get_one(WorkItem, n)
                started = time.perf_counter()
                chosen = await router.candidates(unit, item, NOW, 1)
                timings.append((time.perf_counter() - started) * 1000)
                offered += bool(chosen)
        await engine.dispose()
    timings.sort()
    return {
        "members": members * communities,
        "communities": communities,
        "available": available,
        "decisions": items,
        "with_a_candidate": offered,
        "router": router_name,
        "database": url.split(":")[0],
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file); it is wiped")
    parser.add_argument("--router", choices=["learning", "simple"], default="learning")
    parser.add_argument(
        "--communities", type=int, default=1, help="this many communities of --members each"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.members, args.db, args.router, args.items, args.communities))
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
