"""Routing policies run through what ships: the real bus, store, offer cascade, time-outs,
sweeps and double-blind window, with a manual clock. Only the order of eligible parents
differs between policies.

    python -m bench.shipped --json [--seeds 5] [--days 3] [--parents 30] [--quick]

A community of parents with a hidden talent behind their skills (small differences between
skills), free in short windows; businesses of different harshness posting in bursts around
the school run and the evening; parents joining through the run. Each tick (10 minutes) people
go available, answer their offers (accept, decline, or let them time out), deliver on time or
late; businesses approve and rate, parents rate back, and the sweep runs. Policies:

- `random`: the eligible sample in random order;
- `best_rated`: routing/simple.py (highest average rating first);
- `learning`: routing/learning.py, as shipped;
- `oracle`: the eligible sample ordered by the hidden quality.

Prints, per policy, the mean and standard deviation over seeds of: hidden quality of
assignees (all, and after the first quarter of the run), regret against the oracle, share of funded items
finished, median minutes to accept, offers per item, earnings Gini, and newcomers' share of
offers and of earnings. Not a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.simulate import gini
from bots.app import ParentBrain, bootstrap
from bots.memory import MemoryMessenger
from core import commands as c
from core.actors import Actor
from core.clock import ManualClock
from core.config import Settings
from core.db import create_schema, make_engine
from core.models import Offer, Payout, WorkItem, WorkSkill
from core.ports import Candidate, Router
from core.states import OfferStatus, WorkStatus
from core.uow import UnitOfWork
from routing.eligibility import Need, fits_now
from routing.learning import LearningRouter
from routing.simple import SimpleRouter

SKILLS = ["proofreading", "design", "emails", "content_creation"]
TICK = timedelta(minutes=10)
ANSWER_AFTER = 4  # minutes into a tick when people answer what reached them (offers last 10)
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday, before the school run
POLICIES = ("random", "best_rated", "learning", "oracle")


@dataclass
class Parent:
    number: int
    joins: datetime
    declared: dict[str, int]
    quality: dict[str, float]  # hidden, 0..1
    free: float  # chance of going available in a tick of their usual hours
    accepts: float
    on_time: float
    actor: Actor | None = None
    busy_until: datetime = START


@dataclass
class World:
    parents: list[Parent]
    harshness: list[float]  # per business: stars taken off (+) or added (-)
    arrivals: list[tuple[datetime, int, str]]  # (when, business, skill)
    quality: dict[int, dict[str, float]] = field(default_factory=dict)  # member id -> hidden


def make_world(rng: random.Random, parents: int, days: int, businesses: int = 4) -> World:
    people = []
    for n in range(parents):
        talent = rng.gauss(0, 0.16)
        owned = rng.sample(SKILLS, rng.randint(1, 3))
        declared = {s: rng.randint(1, 3) for s in owned}
        people.append(
            Parent(
                number=n + 1,
                joins=START
                if rng.random() < 0.7
                else START + timedelta(minutes=rng.randrange(days * 24 * 60)),
                declared=declared,
                quality={
                    s: min(0.97, max(0.05, 0.3 + 0.12 * lvl + talent + rng.gauss(0, 0.07)))
                    for s, lvl in declared.items()
                },
                free=rng.uniform(0.05, 0.25),
                accepts=rng.uniform(0.5, 0.95),
                on_time=rng.uniform(0.7, 0.99),
            )
        )
    arrivals = []
    for day in range(days):
        for hour, rate in ((9, 5), (10, 3), (13, 2), (20, 4), (21, 2)):  # bursts, per hour
            for _ in range(rng.randint(rate // 2, rate)):
                at = START.replace(hour=hour) + timedelta(days=day, minutes=rng.randrange(60))
                arrivals.append((at, rng.randrange(businesses), rng.choice(SKILLS)))
    arrivals.sort()
    return World(people, [rng.uniform(-0.4, 0.8) for _ in range(businesses)], arrivals)


class OrderedRouter(LearningRouter):
    """The shipped eligibility and sample, in an order given from outside."""

    def __init__(self, order: Callable[[list[int], list[str]], list[int]], rng: random.Random):
        super().__init__(rng=rng)
        self.order = order

    async def _choose(
        self, uow: UnitOfWork, need: Need, now: datetime, limit: int
    ) -> list[Candidate]:
        rows = await self._sample(uow, need, now)
        found = [row.id for row in rows if fits_now(row, need.skills, now)]
        return [Candidate(m, "simulated") for m in self.order(found, need.skills)[:limit]]


def router_for(policy: str, world: World, rng: random.Random) -> Router:
    if policy == "learning":
        return LearningRouter(rng=rng)
    if policy == "best_rated":
        return SimpleRouter()
    if policy == "oracle":

        def by_quality(found: list[int], skills: list[str]) -> list[int]:
            return sorted(
                found,
                key=lambda m: -min(world.quality.get(m, {}).get(s, 0.0) for s in skills),
            )

        return OrderedRouter(by_quality, rng)
    return OrderedRouter(lambda found, _: rng.sample(found, len(found)), rng)


async def run(policy: str, seed: int, days: int, parents: int, folder: Path) -> dict[str, Any]:
    world = make_world(random.Random(seed), parents, days)
    rng = random.Random(seed * 7919 + 1)  # the people's choices: the same stream per policy
    url = f"sqlite+aiosqlite:///{folder / f'{policy}-{seed}.sqlite3'}"
    settings = Settings(
        database_url=url,
        telegram_community_chat_id=-100_1,
        files_dir=str(folder / "files"),
        offers_per_round=1,
    )
    engine = make_engine(url)
    await create_schema(engine)
    clock = ManualClock(START)
    app = await bootstrap(
        settings,
        clock=clock,
        router=router_for(policy, world, random.Random(seed)),
        messengers={"telegram": MemoryMessenger(platform="telegram")},
        engine=engine,
        schema="none",
    )
    try:
        return await _simulate(app, clock, world, rng, days)
    finally:
        await app.close()


async def _join(app: ParentBrain, external: str, name: str, **more: Any) -> Actor:
    actor: Actor = await app.handle(
        c.RegisterAccount(
            platform="telegram",
            external_id=external,
            display_name=name,
            community_id=1,
            platform_says_member=True,
            dm_open=True,
            **more,
        )
    )
    return actor


async def _simulate(
    app: ParentBrain, clock: ManualClock, world: World, rng: random.Random, days: int
) -> dict[str, Any]:
    moderator = await _join(app, "mod", "Kate", platform_says_moderator=True)
    shops = []
    for n in range(len(world.harshness)):
        owner = await _join(app, f"b{n}", f"Shop {n}")
        await app.handle(c.RegisterBusiness(actor=owner, name=f"Shop {n}", contact="x@y.z"))
        shops.append(await _join(app, f"b{n}", f"Shop {n}"))
    by_member: dict[int, Parent] = {}
    answered: set[int] = set()
    deliveries: list[tuple[datetime, Parent, int]] = []
    approvals: list[tuple[datetime, int, int]] = []  # (when, business, item)
    arrivals = list(world.arrivals)
    end = START + timedelta(days=days)
    while clock.now() < end:
        now = clock.now()
        for parent in world.parents:
            if parent.actor is None and parent.joins <= now:
                parent.actor = await _join(app, f"p{parent.number}", f"Parent {parent.number}")
                skills = ", ".join(
                    f"{s}:{['beginner', 'intermediate', 'expert'][lvl - 1]}"
                    for s, lvl in parent.declared.items()
                )
                await app.handle(c.SetSkills(actor=parent.actor, skills=skills))
                by_member[parent.actor.member_id] = parent
                world.quality[parent.actor.member_id] = parent.quality
            usual = 8 <= now.hour < 15 or 19 <= now.hour < 22
            if parent.actor is not None and usual and parent.busy_until <= now:
                if rng.random() < parent.free:
                    await app.handle(c.GoAvailable(actor=parent.actor, window="1h"))
                    parent.busy_until = now + timedelta(hours=1)
        while arrivals and arrivals[0][0] <= now:
            _, shop, skill = arrivals.pop(0)
            posted = await app.handle(
                c.PostWork(
                    actor=shops[shop],
                    title=f"A {skill.replace('_', ' ')} job",
                    description="Simulated work.",
                    skills=skill,
                    budget="£20",
                    estimate="30m",
                    deadline="24h",
                )
            )
            await app.handle(c.ConfirmFunding(actor=moderator, work_id=posted.work_id))
        clock.advance(minutes=ANSWER_AFTER)  # people read their offers a few minutes in
        now = clock.now()
        async with app.uow() as uow:
            pending = (
                await uow.session.execute(
                    select(Offer.id, Offer.member_id, Offer.work_id).where(
                        Offer.status == OfferStatus.PENDING,
                        Offer.made_at < now,  # it reached them during the last tick
                    )
                )
            ).all()
        for offer_id, member_id, work_id in pending:
            if offer_id in answered or member_id not in by_member:
                continue
            answered.add(offer_id)
            parent = by_member[member_id]
            actor = parent.actor
            assert actor is not None
            roll = rng.random()
            try:
                if roll < parent.accepts:
                    await app.handle(c.AcceptOffer(actor=actor, offer_id=offer_id))
                    minutes = rng.randint(30, 150) if rng.random() < parent.on_time else 26 * 60
                    deliveries.append((now + timedelta(minutes=minutes), parent, work_id))
                elif roll < parent.accepts + (1 - parent.accepts) / 2:
                    await app.handle(c.DeclineOffer(actor=actor, offer_id=offer_id))
                # else: they let it time out
            except Exception:  # the offer moved on meanwhile (a sweep): nothing to answer
                continue
        for due in [d for d in deliveries if d[0] <= now]:
            deliveries.remove(due)
            _, parent, work_id = due
            assert parent.actor is not None
            await app.handle(c.SubmitDelivery(actor=parent.actor, work_id=work_id, body="Done."))
            approvals.append((now + timedelta(minutes=rng.randint(10, 240)), -1, work_id))
        for due in [a for a in approvals if a[0] <= now]:
            approvals.remove(due)
            await _approve_and_rate(app, shops, world, by_member, rng, due[2])
        await app.sweep()
        clock.advance(minutes=TICK.total_seconds() / 60 - ANSWER_AFTER)
    return await _figures(app, world, by_member)


async def _approve_and_rate(
    app: ParentBrain,
    shops: list[Actor],
    world: World,
    by_member: dict[int, Parent],
    rng: random.Random,
    work_id: int,
) -> None:
    async with app.uow() as uow:
        item = await uow.session.get_one(WorkItem, work_id)
        skill = await uow.session.scalar(
            select(WorkSkill.skill_code).where(WorkSkill.work_id == work_id)
        )
        business, status, assignee = item.business_id - 1, item.status, item.assignee_member_id
    if status != WorkStatus.SUBMITTED or assignee is None or skill is None:
        return  # approved by itself meanwhile, or no longer the business's to decide
    shop = shops[business]
    await app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
    hidden = by_member[assignee].quality.get(skill, 0.3)
    felt = 1 + 4 * min(1.0, max(0.0, rng.gauss(hidden, 0.08))) - world.harshness[business]
    stars = max(1, min(5, round(felt)))
    await app.handle(c.RateWork(actor=shop, work_id=work_id, stars=stars))
    parent = by_member[assignee].actor
    assert parent is not None
    await app.handle(c.RateWork(actor=parent, work_id=work_id, stars=5))


@dataclass(frozen=True)
class Done:
    """What became of one item, read when the run ends."""

    status: str
    funded_at: datetime | None
    assigned_at: datetime | None
    assignee_member_id: int | None


async def _figures(app: ParentBrain, world: World, by_member: dict[int, Parent]) -> dict[str, Any]:
    async with app.uow() as uow:
        items = [
            (Done(*row[:4]), row[4])
            for row in (
                await uow.session.execute(
                    select(
                        WorkItem.status,
                        WorkItem.funded_at,
                        WorkItem.assigned_at,
                        WorkItem.assignee_member_id,
                        WorkSkill.skill_code,
                    ).join(WorkSkill, WorkSkill.work_id == WorkItem.id)
                )
            ).all()
        ]
        offers = (
            await uow.session.execute(
                select(Offer.member_id, func.count()).group_by(Offer.member_id)
            )
        ).all()
        paid = dict(
            (
                await uow.session.execute(
                    select(Payout.member_id, func.sum(Payout.amount_minor)).group_by(
                        Payout.member_id
                    )
                )
            ).all()
        )
    funded = [(i, s) for i, s in items if i.funded_at is not None]
    assigned = [(i, s) for i, s in funded if i.assignee_member_id is not None]
    warm_up = START + (max(i.funded_at for i, _ in funded) - START) / 4 if funded else START
    after_day_one = [(i, s) for i, s in assigned if i.funded_at and i.funded_at >= warm_up]

    def quality(rows: list[tuple[Done, str]]) -> float | None:
        found = [by_member[i.assignee_member_id].quality.get(s, 0.0) for i, s in rows]  # type: ignore[index]
        return round(statistics.mean(found), 4) if found else None

    newcomers = {m for m, p in by_member.items() if p.joins > START}
    offer_counts = dict(offers)
    earned = [int(paid.get(m, 0)) for m in by_member]
    total_offers = sum(offer_counts.values())
    finished = [i for i, _ in funded if i.status in (WorkStatus.APPROVED, WorkStatus.PAID)]
    to_accept = [
        (i.assigned_at - i.funded_at).total_seconds() / 60
        for i, _ in assigned
        if i.assigned_at is not None and i.funded_at is not None
    ]
    return {
        "quality": quality(assigned),
        "quality_after_warm_up": quality(after_day_one),
        "finished_share": round(len(finished) / len(funded), 3) if funded else None,
        "minutes_to_accept": round(statistics.median(to_accept), 1) if to_accept else None,
        "offers_per_item": round(total_offers / len(funded), 2) if funded else None,
        "earnings_gini": round(gini(earned), 3),
        "newcomer_offer_share": round(
            sum(offer_counts.get(m, 0) for m in newcomers) / total_offers, 3
        )
        if total_offers
        else None,
        "newcomer_earnings_share": round(
            sum(int(paid.get(m, 0)) for m in newcomers) / sum(earned), 3
        )
        if sum(earned)
        else None,
    }


def summarise(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Mean and standard deviation over seeds; regret is the oracle's quality minus each."""
    oracle = [r["quality_after_warm_up"] for r in runs.get("oracle", [])]
    out: dict[str, Any] = {}
    for policy, results in runs.items():
        figures: dict[str, Any] = {}
        for key in results[0]:
            values = [r[key] for r in results if r[key] is not None]
            figures[key] = {
                "mean": round(statistics.mean(values), 4) if values else None,
                "sd": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
            }
        regrets = [
            o - r["quality_after_warm_up"]
            for o, r in zip(oracle, results, strict=False)
            if o is not None and r["quality_after_warm_up"] is not None
        ]
        figures["regret"] = {
            "mean": round(statistics.mean(regrets), 4) if regrets else None,
            "sd": round(statistics.stdev(regrets), 4) if len(regrets) > 1 else 0.0,
        }
        out[policy] = figures
    return out


async def main(seeds: int, days: int, parents: int) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {p: [] for p in POLICIES}
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(1, seeds + 1):
            for policy in POLICIES:
                runs[policy].append(await run(policy, seed, days, parents, Path(folder)))
    return {"world": "talent", "seeds": seeds, "days": days, "parents": parents} | summarise(runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--parents", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="one seed, one day, 20 parents")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.days, args.parents = 1, 1, 20
    print(json.dumps(asyncio.run(main(args.seeds, args.days, args.parents)), indent=1))
