"""Routing policies run through what ships, in several worlds, each over several seeds.

    python -m bench.simulate --json [--worlds talent,churn] [--seeds 5] [--days 2]
                             [--parents 20] [--workers 2] [--also bayes,bayes_fair,prompt,best_rated_spare] [--quick]

Each run is the real bus, store, offer cascade, time-outs, sweeps and double-blind window on a
manual clock that jumps from one thing happening to the next: parents join, go available for
one to three hours at a time, answer each offer after their own few minutes, slower and more
rarely in their busy hours (accept, decline, or let it time out), deliver on time or late, and some leave; businesses post in bursts,
approve and rate; parents rate back. The sweep runs whenever an offer falls due and every hour
besides (the service sweeps every 15 seconds; in between, nothing else falls due that a post,
a parent going available or an answer doesn't route at once). The worlds are in
bench/worlds.py. Only the order of eligible parents differs between policies (bench/policies.py).

Each person's choice about one thing (whether Parent 3 takes item 12, how Shop 1 rates it)
comes out the same under every policy, so the policies differ by what they did, not by luck.
Prints, per world and policy, the mean and standard deviation over seeds of every figure in
bench/outcomes.py, and per world issue #17's targets for `learning`, each with its margin and
standard error over seeds, and the same for each optional policy that ran. Not a
timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import itertools
import json
import os
import random
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.inline_sqlite import make_inline_engine
from bench.outcomes import figures, summarise, targets
from bench.policies import OPTIONAL, POLICIES, router_for
from bench.worlds import (
    LEVELS,
    MISSED_WHEN_BUSY,
    SLOWER_WHEN_BUSY,
    START,
    WORLDS,
    Parent,
    Rated,
    World,
    make_world,
)
from bots.app import ParentBrain, bootstrap
from bots.memory import MemoryMessenger
from core import commands as c
from core.actors import Actor
from core.clock import ManualClock
from core.config import Settings
from core.db import create_schema
from core.errors import DomainError
from core.models import Offer, WorkItem, WorkSkill
from core.states import WorkStatus

SWEEP_EVERY = timedelta(minutes=60)


@dataclass(frozen=True)
class Job:
    world: str
    seed: int
    policy: str
    days: int
    parents: int
    folder: str
    pace: int | None = None


def run_job(job: Job) -> dict[str, Any]:
    """One world, seed and policy, in a process of its own when there are workers."""
    return asyncio.run(run(job))


async def run(job: Job) -> dict[str, Any]:
    world = make_world(
        WORLDS[job.world], random.Random(job.seed), job.parents, job.days, pace=job.pace
    )
    path = Path(job.folder) / f"{job.world}-{job.policy}-{job.seed}.db"
    url = f"sqlite+aiosqlite:///{path}"
    settings = Settings(
        database_url=url,
        telegram_community_chat_id=-100_1,
        files_dir=str(Path(job.folder) / "files"),
        offers_per_round=1,
    )
    engine = make_inline_engine(str(path))
    await create_schema(engine)
    clock = ManualClock(START)
    app = await bootstrap(
        settings,
        clock=clock,
        router=router_for(job.policy, world, random.Random(job.seed)),
        messengers={"telegram": MemoryMessenger(platform="telegram")},
        engine=engine,
        schema="none",
    )
    try:
        community = Community(app, clock, world, job.seed)
        await community.live()
        return await figures(app, world, world.by_member)
    finally:
        await app.close()


class Community:
    """The simulated people, acting through the bus as the chat adapters would."""

    def __init__(self, app: ParentBrain, clock: ManualClock, world: World, seed: int) -> None:
        self.app, self.clock, self.world, self.seed = app, clock, world, seed
        self.queue: list[tuple[datetime, int, str, Any]] = []
        self.order = itertools.count()
        self.by_member = world.by_member
        self.actors: dict[int, Actor] = {}  # parent number -> actor
        self.shops: list[Actor] = []
        self.moderator: Actor | None = None
        self.last_offer = 0
        self.sweeps: set[datetime] = set()

    def chance(self, *about: object) -> random.Random:
        """The dice for one choice by one person about one thing. The same choice comes out
        the same under every policy (whether Parent 3 takes item 12, how the business rates
        it), so the policies differ by what they did, not by luck."""
        return random.Random("/".join(map(str, (self.seed, *about))))

    def at(self, when: datetime, kind: str, what: Any = None) -> None:
        heapq.heappush(self.queue, (when, next(self.order), kind, what))

    async def live(self) -> None:
        """Everything that happens, in time order, until the run ends."""
        self.moderator = await self._join("mod", "Kate", platform_says_moderator=True)
        for n in range(len(self.world.harshness)):
            owner = await self._join(f"b{n}", f"Shop {n}")
            await self.app.handle(
                c.RegisterBusiness(actor=owner, name=f"Shop {n}", contact="x@y.z")
            )
            self.shops.append(await self._join(f"b{n}", f"Shop {n}"))
        for parent in self.world.parents:
            self.at(parent.joins, "arrive", parent)
        for when, shop, skill in self.world.posts:
            self.at(when, "post", (shop, skill))
        for day in range(1, self.world.days):
            self.at(START + timedelta(days=day), "day")
        moment = START
        while moment < self.world.end:
            self._sweep_at(moment)
            moment += SWEEP_EVERY
        while self.queue:
            when, _, kind, what = heapq.heappop(self.queue)
            if when >= self.world.end:
                break
            if when > self.clock.now():
                self.clock.set(when)
            await getattr(self, f"_{kind}")(what)
            await self._read_new_offers()

    def _sweep_at(self, when: datetime) -> None:
        if when not in self.sweeps:
            self.sweeps.add(when)
            self.at(when, "sweep")

    async def _join(self, external: str, name: str, **more: Any) -> Actor:
        actor: Actor = await self.app.handle(
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

    async def _sweep(self, _: None) -> None:
        await self.app.sweep()

    async def _arrive(self, parent: Parent) -> None:
        actor = await self._join(f"p{parent.number}", f"Parent {parent.number}")
        skills = ", ".join(f"{s}:{LEVELS[lvl - 1]}" for s, lvl in parent.declared.items())
        await self.app.handle(c.SetSkills(actor=actor, skills=skills))
        self.actors[parent.number] = actor
        self.by_member[actor.member_id] = parent
        for window in parent.windows:
            self.at(window, "free", parent)

    async def _free(self, parent: Parent) -> None:
        if parent.left is None:
            await self.app.handle(
                c.GoAvailable(actor=self.actors[parent.number], window=f"{parent.hours}h")
            )

    async def _post(self, what: tuple[int, str]) -> None:
        shop, skill = what
        posted = await self.app.handle(
            c.PostWork(
                actor=self.shops[shop],
                title=f"A {skill.replace('_', ' ')} job",
                description="Simulated work.",
                skills=skill,
                budget="£20",
                estimate="30m",
                deadline="4h",
            )
        )
        await self.app.handle(c.ConfirmFunding(actor=self.moderator, work_id=posted.work_id))

    async def _read_new_offers(self) -> None:
        """Whoever an offer reached decides now, and answers after their own few minutes."""
        async with self.app.uow() as uow:
            made = (
                await uow.session.execute(
                    select(
                        Offer.id, Offer.work_id, Offer.member_id, Offer.made_at, Offer.expires_at
                    )
                    .where(Offer.id > self.last_offer)
                    .order_by(Offer.id)
                )
            ).all()
        for offer_id, work_id, member_id, made_at, expires_at in made:
            self.last_offer = offer_id
            parent = self.by_member[member_id]
            dice = self.chance("offer", parent.number, work_id)
            roll = dice.random()
            waited = dice.expovariate(1 / parent.reaction)
            busy = made_at.hour in parent.busy_hours  # London is on UTC in the run's March
            if busy:
                waited *= SLOWER_WHEN_BUSY
            missed = busy and dice.random() < MISSED_WHEN_BUSY
            answer = made_at + timedelta(minutes=waited)
            if (
                not missed
                and roll < parent.accepts + (1 - parent.accepts) / 2
                and answer < expires_at
            ):
                self.at(answer, "answer", (offer_id, work_id, parent, roll < parent.accepts))
            else:  # they let it time out; the sweep finds it when it falls due
                self._sweep_at(expires_at)
        # A round that asks one more parent later (core/spares.py): the sweep asks them then.
        async with self.app.uow() as uow:
            spares = await uow.session.scalars(
                select(WorkItem.spare_due_at).where(
                    WorkItem.spare_due_at.is_not(None), WorkItem.status == WorkStatus.OFFERED
                )
            )
            for due in spares:
                self._sweep_at(due)

    async def _answer(self, what: tuple[int, int, Parent, bool]) -> None:
        offer_id, work_id, parent, accepting = what
        actor = self.actors[parent.number]
        try:
            if not accepting:
                await self.app.handle(c.DeclineOffer(actor=actor, offer_id=offer_id))
                return
            await self.app.handle(c.AcceptOffer(actor=actor, offer_id=offer_id))
        except DomainError:  # the offer moved on meanwhile: nothing to answer
            return
        now = self.clock.now()
        parent.last_work = now
        dice = self.chance("work", parent.number, work_id)
        late = dice.random() >= parent.on_time
        minutes = dice.randint(250, 330) if late else dice.randint(20, 90)
        self.at(now + timedelta(minutes=minutes), "deliver", (parent, work_id))

    async def _deliver(self, what: tuple[Parent, int]) -> None:
        parent, work_id = what
        actor = self.actors[parent.number]
        await self.app.handle(c.SubmitDelivery(actor=actor, work_id=work_id, body="Done."))
        wait = timedelta(minutes=self.chance("approve", work_id).randint(10, 120))
        self.at(self.clock.now() + wait, "approve", work_id)

    async def _approve(self, work_id: int) -> None:
        """The business approves and rates from the hidden quality, less its harshness; the
        parent rates back; a bad rating may drive the parent away."""
        async with self.app.uow() as uow:
            item = await uow.session.get_one(WorkItem, work_id)
            skill = await uow.session.scalar(
                select(WorkSkill.skill_code).where(WorkSkill.work_id == work_id)
            )
            business, status, assignee = item.business_id - 1, item.status, item.assignee_member_id
        if status != WorkStatus.SUBMITTED or assignee is None or skill is None:
            return  # approved by itself meanwhile
        shop, parent = self.shops[business], self.by_member[assignee]
        await self.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
        hidden = parent.quality.get(skill, 0.3)
        dice = self.chance("rate", parent.number, work_id)
        felt = 1 + 4 * min(1.0, max(0.0, dice.gauss(hidden, self.world.shape.rating_noise)))
        stars = max(1, min(5, round(felt - self.world.harshness[business])))
        rated = Rated(skill, stars, self.world.harshness[business])
        self.world.rated.setdefault(assignee, []).append(rated)
        await self.app.handle(c.RateWork(actor=shop, work_id=work_id, stars=stars))
        actor = self.actors[parent.number]
        await self.app.handle(c.RateWork(actor=actor, work_id=work_id, stars=5))
        if stars <= 2 and dice.random() < self.world.shape.bad_leave:
            await self._leave(parent)

    async def _day(self, _: None) -> None:
        """A parent who has had no work for a whole day may give up."""
        now = self.clock.now()
        for parent in self.world.parents:
            since = parent.last_work or parent.joins
            if parent.number not in self.actors or parent.left or now - since < timedelta(days=1):
                continue
            if (
                self.chance("idle", parent.number, now.date()).random()
                < self.world.shape.idle_leave
            ):
                await self._leave(parent)

    async def _leave(self, parent: Parent) -> None:
        parent.left = self.clock.now()
        await self.app.handle(c.GoUnavailable(actor=self.actors[parent.number]))


def main(
    worlds: list[str],
    seeds: int,
    days: int,
    parents: int,
    workers: int,
    also: tuple[str, ...] = (),
    pace: int | None = None,
) -> dict[str, Any]:
    policies = POLICIES + also
    # In memory where the machine has it: a run commits thousands of times, and waiting for
    # the disk each time is no part of what is measured.
    memory = "/dev/shm" if os.path.isdir("/dev/shm") else None
    with tempfile.TemporaryDirectory(dir=memory) as folder:
        jobs = [
            Job(world, seed, policy, days, parents, folder, pace)
            for world in worlds
            for seed in range(1, seeds + 1)
            for policy in policies
        ]
        if workers > 1:
            with ProcessPoolExecutor(workers) as pool:
                results = list(pool.map(run_job, jobs))
        else:
            results = [run_job(job) for job in jobs]
    report: dict[str, Any] = {
        "seeds": seeds,
        "days": days,
        "pace": pace,
        "parents": parents,
        "worlds": {},
    }
    for world in worlds:
        runs = {
            policy: [
                r
                for j, r in zip(jobs, results, strict=True)
                if (j.world, j.policy) == (world, policy)
            ]
            for policy in policies
        }
        report["worlds"][world] = {
            "about": WORLDS[world].about,
            **summarise(runs),
            "targets": targets(runs),
            **{f"{policy}_targets": targets(runs, policy) for policy in also},
        }
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", default=",".join(WORLDS), help="comma-separated names")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--parents", type=int, default=20)
    parser.add_argument(
        "--pace",
        type=int,
        help="post each day as many items as a run of this many days does (default: --days),"
        " so a longer run gives each parent more of a record",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--also", default="", help=f"optional policies: {', '.join(OPTIONAL)}")
    parser.add_argument("--json", action="store_true", help="print JSON (the only output)")
    parser.add_argument("--quick", action="store_true", help="one seed, one day, 12 parents")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.days, args.parents = 1, 1, 12
    chosen = [w for w in args.worlds.split(",") if w]
    also = tuple(p for p in args.also.split(",") if p)
    strange = set(also) - set(OPTIONAL)
    if strange:
        parser.error(f"unknown policy {sorted(strange)}; choose from {', '.join(OPTIONAL)}")
    unknown = set(chosen) - set(WORLDS)
    if unknown:
        parser.error(f"unknown world {sorted(unknown)}; choose from {', '.join(WORLDS)}")
    report = main(chosen, args.seeds, args.days, args.parents, args.workers, also, args.pace)
    print(json.dumps(report, indent=1))
