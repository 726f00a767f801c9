"""The people, items and evidence bench.live measures against, made quickly."""

from __future__ import annotations

import contextlib
import itertools
import math
import random
import statistics
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError

from bench.routing import NOW
from bench.routing import build as build_community
from bots.app import ParentBrain, bootstrap
from bots.memory import MemoryMessenger
from core import commands as c
from core.actors import Actor
from core.clock import ManualClock
from core.config import Settings
from core.models import Account, AnswerRhythm, Business, Offer, Rating, WorkItem, WorkSkill
from core.rhythm import HOURS_OF_WEEK
from core.skills import SEED_SKILLS
from core.states import OfferStatus, WorkStatus
from core.sweeps import ROUTE_BATCH
from core.uow import UnitOfWork

SWEEP_SECONDS = 15  # as bots.run schedules them


# The bench's people belong to community #1 (the configured group), as Telegram would say.
IN_THE_COMMUNITY: dict[str, Any] = {"community_id": 1, "platform_says_member": True}
ONE_COMMUNITY: dict[str, Any] = {"telegram_community_chat_id": -100_321}  # becomes community #1


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    if not ordered:
        return {"p50": 0.0, "p99": 0.0}
    p99 = ordered[min(len(ordered) - 1, max(0, int(len(ordered) * 0.99 + 0.5) - 1))]
    return {"p50": round(statistics.median(ordered), 1), "p99": round(p99, 1)}


async def parents(
    brain: ParentBrain, first: int, count: int, *, available: bool = True
) -> list[int]:
    """Parents on Telegram (ids first, first+1, ...) who proofread; free for 8 hours."""
    made = []
    for telegram_id in range(first, first + count):
        actor = await brain.handle(
            c.RegisterAccount(
                platform="telegram",
                external_id=str(telegram_id),
                display_name=f"Parent {telegram_id}",
                dm_open=True,
                **IN_THE_COMMUNITY,
            )
        )
        await brain.handle(c.SetSkills(actor=actor, skills="proofreading:expert"))
        if available:
            await brain.handle(c.GoAvailable(actor=actor, window="8h"))
        made.append(telegram_id)
    return made


async def business(brain: ParentBrain, telegram_id: int) -> Actor:
    actor = await brain.handle(
        c.RegisterAccount(
            platform="telegram",
            external_id=str(telegram_id),
            display_name="Shop",
            **IN_THE_COMMUNITY,
        )
    )
    await brain.handle(c.RegisterBusiness(actor=actor, name="Bench Ltd", contact="b@example.com"))
    return await brain.handle(
        c.RegisterAccount(
            platform="telegram",
            external_id=str(telegram_id),
            display_name="Shop",
            **IN_THE_COMMUNITY,
        )
    )


async def moderator(brain: ParentBrain, telegram_id: int) -> None:
    await brain.handle(
        c.RegisterAccount(
            platform="telegram",
            external_id=str(telegram_id),
            display_name="Kate",
            **IN_THE_COMMUNITY,
        )
    )


async def posted(brain: ParentBrain, shop: Actor, n: int) -> int:
    done = await brain.handle(
        c.PostWork(
            actor=shop,
            title=f"Proofread flyer {n}",
            description="One page.",
            skills="proofreading",
            budget="£25",
            estimate="45m",
            deadline="tomorrow 17:00",
        )
    )
    return int(done.work_id)


async def member_id_of(uow: UnitOfWork, telegram_id: int) -> int:
    found = await uow.session.scalar(
        select(Account.member_id).where(
            Account.platform == "telegram", Account.external_id == str(telegram_id)
        )
    )
    assert found is not None
    return int(found)


async def holders_of_pending_offers(brain: ParentBrain, count: int) -> list[tuple[int, int]]:
    async with brain.uow() as uow:
        rows = (
            await uow.session.execute(
                select(Account.external_id, Offer.id)
                .join(Account, Account.member_id == Offer.member_id)
                .where(Offer.status == OfferStatus.PENDING)
                .limit(count)
            )
        ).all()
    return [(int(external), offer_id) for external, offer_id in rows]


async def most_pending_offers(uow: UnitOfWork) -> int:
    per_member = (
        select(func.count().label("n"))
        .where(Offer.status == OfferStatus.PENDING)
        .group_by(Offer.member_id)
        .subquery()
    )
    return int(await uow.session.scalar(select(func.coalesce(func.max(per_member.c.n), 0))) or 0)


async def open_items(brain: ParentBrain, shop: Actor, count: int, *, seed: int = 3) -> None:
    """`count` funded items nobody has been asked about yet, across the skill list."""
    rng = random.Random(seed)
    skills = list(SEED_SKILLS)
    async with brain.uow() as uow:
        business_id = await uow.session.scalar(
            select(Business.id).where(Business.owner_member_id == shop.member_id)
        )
        first = int(await uow.session.scalar(select(func.coalesce(func.max(WorkItem.id), 0))) or 0)
        now = uow.now()
        ids = range(first + 1, first + count + 1)
        await uow.session.execute(
            insert(WorkItem),
            [
                {
                    "id": n,
                    "community_id": 1,
                    "business_id": business_id,
                    "title": f"Item {n}",
                    "description": "bench",
                    "budget_minor": rng.randint(2000, 10000),
                    "currency": "GBP",
                    "fee_bps": 1500,
                    "estimated_minutes": rng.choice([30, 45, 60, 90]),
                    "deadline": now + timedelta(days=2, minutes=n % 600),
                    "urgent": False,
                    "status": WorkStatus.OPEN,
                    "rounds": 1,
                    "created_at": now,
                    "funded_at": now,
                    "routed_at": now,
                }
                for n in ids
            ],
        )
        await uow.session.execute(
            insert(WorkSkill),
            [
                {"work_id": n, "skill_code": rng.choice(skills), "min_level": rng.randint(1, 3)}
                for n in ids
            ],
        )
        await uow.commit()


# Routing decisions with evidence ---------------------------------------------------------


async def route_decisions(url: str, members: int, decisions: int) -> dict[str, Any]:
    """The whole decision (eligibility, evidence, the offer, its notice and events) per item,
    with ratings, declines, time-outs and past jobs filled in for the available parents."""
    rng = random.Random(42)
    await build_community(url, members, decisions, rng)
    clock = ManualClock(NOW)
    brain = await bootstrap(
        Settings(**ONE_COMMUNITY, database_url=url, stripe_api_key=None, router="learning"),
        clock=clock,
        schema="none",
        messengers={"telegram": MemoryMessenger(platform="telegram")},
    )
    await with_evidence(brain, members, decisions, rng)
    if brain.engine.dialect.name == "postgresql":
        # What autovacuum and the checkpointer would do after a bulk load, done now:
        # otherwise they do it during the decisions measured, on the same two cores, and the
        # bench measures the load. Without the checkpoint, the load's pages are still dirty
        # in shared buffers, and the decisions' own server process writes them out (about
        # four pages a decision) to make room for the pages it reads.
        async with brain.engine.connect() as conn:
            ready = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await ready.execute(text("VACUUM ANALYZE"))
            with contextlib.suppress(DBAPIError):  # needs pg_checkpoint; else as it falls
                await ready.execute(text("CHECKPOINT"))
    timings = []
    for work_id in range(1, decisions + 1):
        started = time.perf_counter()
        await brain.handle(c.RouteWork(work_id=work_id))
        timings.append((time.perf_counter() - started) * 1000)
    await brain.close()
    first, running = timings[:FIRST_AFTER_START], timings[FIRST_AFTER_START:]
    return percentiles(running) | {"first_after_start": percentiles(first)}


# A process's first decisions compile each statement, and PostgreSQL plans a prepared
# statement afresh for its first five runs on a connection before it keeps a generic plan:
# they are reported apart, so the percentiles say what a running process costs.
FIRST_AFTER_START = 20


async def with_evidence(brain: ParentBrain, members: int, items: int, rng: random.Random) -> None:
    """Past work for a fifth of the members: jobs paid and rated, offers declined, timed out,
    and how they answered offers by hour of the week, from a few hours to every hour."""
    async with brain.uow() as uow:
        skills = list(SEED_SKILLS)
        past_items, ratings, offers, rhythm = [], [], [], []
        work_id = items + 1
        for member_id in rng.sample(range(1, members + 1), k=max(1, members // 5)):
            for hour in rng.sample(range(HOURS_OF_WEEK), k=rng.choice((3, 10, 40, HOURS_OF_WEEK))):
                answered = rng.randint(0, 4)
                rhythm.append(
                    {
                        "member_id": member_id,
                        "hour_of_week": hour,
                        "accepted": rng.randint(0, answered),
                        "declined": 0,
                        "expired": rng.randint(0, 2),
                        "answer_seconds": answered * rng.randint(20, 400),
                    }
                )
                rhythm[-1]["declined"] = answered - rhythm[-1]["accepted"]
            for _ in range(rng.randint(1, 4)):
                done = rng.random() < 0.6
                past_items.append(
                    {
                        "id": work_id,
                        "community_id": 1,
                        "business_id": 1,
                        "title": "past",
                        "description": "past",
                        "budget_minor": 2500,
                        "currency": "GBP",
                        "fee_bps": 1500,
                        "estimated_minutes": 45,
                        "deadline": NOW - timedelta(days=3),
                        "urgent": False,
                        "status": WorkStatus.PAID if done else WorkStatus.EXPIRED,
                        "rounds": 1,
                        "assignee_member_id": member_id if done else None,
                        "created_at": NOW - timedelta(days=5),
                        "routed_at": NOW - timedelta(days=5),
                    }
                )
                offers.append(
                    {
                        "work_id": work_id,
                        "member_id": member_id,
                        "status": OfferStatus.ACCEPTED
                        if done
                        else rng.choice([OfferStatus.DECLINED, OfferStatus.EXPIRED]),
                        "round": 1,
                        "why": "",
                        "made_at": NOW - timedelta(days=5),
                        "expires_at": NOW - timedelta(days=5) + timedelta(minutes=10),
                    }
                )
                if done:
                    ratings.append(
                        {
                            "work_id": work_id,
                            "rater_member_id": members + 1,
                            "ratee_member_id": member_id,
                            "stars": rng.randint(2, 5),
                            "comment": "",
                            "visible": True,
                            "created_at": NOW - timedelta(days=4),
                        }
                    )
                work_id += 1
        await uow.session.execute(insert(WorkItem), past_items)
        await uow.session.execute(
            insert(WorkSkill),
            [
                {"work_id": p["id"], "skill_code": rng.choice(skills), "min_level": 1}
                for p in past_items
            ],
        )
        await uow.session.execute(insert(Offer), offers)
        if ratings:
            await uow.session.execute(insert(Rating), ratings)
        await uow.session.execute(insert(AnswerRhythm), rhythm)
        await uow.commit()


# Starvation ---------------------------------------------------------------------------------


async def starvation(url: str, count: int) -> dict[str, float]:
    """Open items nobody can take, swept as `parentbrain run` schedules it: the longest any
    item waits between two routing attempts (simulated seconds), and what a sweep costs."""
    clock = ManualClock(NOW)
    brain = await bootstrap(
        Settings(**ONE_COMMUNITY, database_url=url, stripe_api_key=None, router="learning"),
        clock=clock,
        schema="none",
        messengers={"telegram": MemoryMessenger(platform="telegram")},
    )
    shop = await business(brain, 9_000)
    await open_items(brain, shop, count)
    attempts: dict[int, list[Any]] = {}
    durations = []
    for _ in range(2 * math.ceil(count / ROUTE_BATCH) + 1):
        started = time.perf_counter()
        await brain.sweep()
        took = time.perf_counter() - started
        durations.append(took)
        async with brain.uow() as uow:
            for work_id, at in (
                await uow.session.execute(
                    select(WorkItem.id, WorkItem.routed_at).where(
                        WorkItem.status == WorkStatus.OPEN
                    )
                )
            ).all():
                seen = attempts.setdefault(work_id, [])
                if not seen or seen[-1] != at:
                    seen.append(at)
        clock.advance(seconds=max(SWEEP_SECONDS, took))
    gaps = [
        (later - earlier).total_seconds()
        for seen in attempts.values()
        for earlier, later in itertools.pairwise(seen)
    ]
    # Then someone becomes free: every item is tried again within this bound (simulated s).
    changed_at = clock.now()
    await parents(brain, 500_000, 1)
    retried_within = 0.0
    for _ in range(2 * math.ceil(count / ROUTE_BATCH) + 1):
        started = time.perf_counter()
        await brain.sweep()
        clock.advance(seconds=max(SWEEP_SECONDS, time.perf_counter() - started))
        async with brain.uow() as uow:
            waiting = await uow.session.scalar(
                select(func.count()).where(
                    WorkItem.status == WorkStatus.OPEN, WorkItem.routed_at < changed_at
                )
            )
        if not waiting:
            retried_within = (clock.now() - changed_at).total_seconds()
            break
    await brain.close()
    quiet = durations[math.ceil(count / ROUTE_BATCH) :] or durations
    return {
        "open_items": count,
        "longest_wait_s": round(max(gaps, default=0.0), 1),
        "sweep_s_p50": round(sorted(durations)[len(durations) // 2], 2),
        "sweep_s_max": round(max(durations), 2),
        "quiet_sweep_s_p50": round(sorted(quiet)[len(quiet) // 2], 3),
        "quiet_sweep_s_max": round(max(quiet), 3),
        "all_retried_after_a_change_s": round(retried_within, 1),
    }
