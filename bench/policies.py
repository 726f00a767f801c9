"""The routing policies the simulation compares (bench/simulate.py). Each runs the shipped
eligibility and sample; only the order of the eligible parents differs:

- `random`: the eligible sample in random order;
- `best_rated`: routing/simple.py (highest visible average rating first);
- `learning`: routing/learning.py, as shipped;
- `oracle`: the eligible sample ordered by the hidden quality;

and, with `--also`:

- `bayes`: the eligible sample ordered by the most that could be learned from the ratings
  given so far, knowing the world's recipe and each business's harshness (bench/bayes.py):
  the yardstick for `learning`, which knows neither;
- `bayes_fair`: `bayes`'s estimate mixed with the shipped fairness term at the shipped
  weights, the yardstick for a router that also spreads the work;
- `prompt`: the eligible sample ordered by the hidden chance each parent takes the offer
  within its time-out at this hour: how much minutes to accept can fall by choosing who is
  asked, whatever the quality;
- `best_rated_spare`: best-rated-first with a spare parent asked in every round
  (core/spares.py), as if it believed nobody would answer: how much of what the spare buys
  `learning` needs its belief about who answers at this hour.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bench import bayes
from bench.worlds import World, takes_it_in_time
from core.models import WorkItem
from core.ports import Candidate, Router
from core.uow import UnitOfWork
from routing.eligibility import Need, fits_now
from routing.learning import LearningRouter
from routing.simple import SimpleRouter

POLICIES = ("random", "best_rated", "learning", "oracle")
OPTIONAL = ("bayes", "bayes_fair", "prompt", "best_rated_spare")  # run with --also


class OrderedRouter(LearningRouter):
    """The shipped eligibility and sample, in an order given from outside."""

    def __init__(
        self, order: Callable[[list[int], list[str], datetime], list[int]], rng: random.Random
    ):
        super().__init__(rng=rng)
        self.order = order

    async def _choose(
        self, uow: UnitOfWork, need: Need, now: datetime, limit: int
    ) -> list[Candidate]:
        rows = await self._sample(uow, need, now)
        found = [row.id for row in rows if fits_now(row, need.skills, now)]
        ordered = self.order(found, need.skills, now)
        return [Candidate(m, lambda: "simulated") for m in ordered[:limit]]


class SparedRouter(SimpleRouter):
    """Best rated first, believing nobody takes an offer in time, so every round has a spare."""

    async def candidates(
        self, uow: UnitOfWork, work: WorkItem, now: datetime, limit: int
    ) -> list[Candidate]:
        chosen = await super().candidates(uow, work, now, limit)
        return [replace(candidate, takes_it=0.0) for candidate in chosen]


def router_for(policy: str, world: World, rng: random.Random) -> Router:
    if policy == "learning":
        return LearningRouter(rng=rng)
    if policy == "best_rated":
        return SimpleRouter()
    if policy == "best_rated_spare":
        return SparedRouter()
    if policy == "oracle":

        def by_quality(found: list[int], skills: list[str], _: datetime) -> list[int]:
            hidden = world.by_member
            return sorted(found, key=lambda m: -min(hidden[m].quality.get(s, 0.0) for s in skills))

        return OrderedRouter(by_quality, rng)
    if policy in ("bayes", "bayes_fair"):
        spread = policy == "bayes_fair"
        return OrderedRouter(
            lambda found, skills, _: bayes.ranked(world, found, skills, spread), rng
        )
    if policy == "prompt":

        def by_answering(found: list[int], _: list[str], now: datetime) -> list[int]:
            return sorted(found, key=lambda m: -takes_it_in_time(world.by_member[m], now))

        return OrderedRouter(by_answering, rng)
    return OrderedRouter(lambda found, _, __: rng.sample(found, len(found)), rng)
