"""A simulated community, run under three routing policies, to see what the learning buys.

    python -m bench.simulate --json [--weeks 8] [--parents 200] [--seed 1]

Parents have a hidden true skill per category (loosely tied to what they declare), hidden
habits (how often they are free, how often they accept) and some join weeks after the start.
Items arrive through school hours over simulated weeks. Each is offered one parent at a time,
the parent accepts or passes after some minutes, and the business rates the work from the
assignee's hidden skill. Policies order the eligible parents:

- `random`: any eligible parent;
- `greedy`: highest average rating first (no rating counts as 3.5, as routing/simple.py);
- `parentbrain`: routing/scoring.py's `score` (Thompson draws from per-skill Beta posteriors,
  reliability, responsiveness, fairness) over a random sample of at most routing/learning.py's
  POOL eligible parents, with evidence kept in memory instead of the store.

Prints per policy: `mean_quality` (hidden skill of the assignee, after the warm-up weeks),
`regret` (the best eligible hidden skill when the item arrived minus the assignee's),
`p50_minutes_to_accept`, `earnings_gini` and `newcomer_share` (share of items that went to a
parent within their first 10 items). Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from routing.learning import POOL
from routing.scoring import Evidence, rating_counts, score

SKILLS = ["proofreading", "design", "bookkeeping", "social_media", "research", "translation"]
MINUTES_PER_DAY = 24 * 60
WARM_UP_WEEKS = 2
MAX_OFFERS = 12  # offers per item before it lapses (about two hours of ten-minute offers)


@dataclass
class Parent:
    id: int
    joins_at: int  # minute
    levels: dict[str, int]  # declared
    years: dict[str, int]
    true_skill: dict[str, float]  # hidden, 0..1
    free_chance: float  # chance they are available in a given school-hours slot
    accept_chance: float
    on_time_chance: float
    busy_until: int = 0
    items: int = 0
    earned: int = 0
    ratings: list[int] = field(default_factory=list)
    evidence: Evidence = field(default_factory=Evidence)  # what parentbrain has learned


@dataclass(frozen=True)
class Item:
    at: int
    skill: str
    min_level: int
    pay: int  # minor units to the parent
    minutes: int


def community(
    rng: random.Random, parents: int, weeks: int, shared_talent: bool = False
) -> list[Parent]:
    made = []
    for n in range(parents):
        owned = rng.sample(SKILLS, rng.randint(1, 3))
        levels = {s: rng.randint(1, 3) for s in owned}
        # `talent`: one ability behind all of a parent's skills, with smaller differences
        # between them (the world where a record in one skill says something about the next).
        talent = rng.gauss(0, 0.16) if shared_talent else 0.0
        spread = 0.07 if shared_talent else 0.18
        made.append(
            Parent(
                id=n + 1,
                # Two thirds are there from the start; the rest join over the weeks.
                joins_at=0 if rng.random() < 0.67 else rng.randrange(weeks * 7 * MINUTES_PER_DAY),
                levels=levels,
                years={s: rng.randint(0, 10) for s in owned},
                true_skill={
                    s: min(0.98, max(0.05, 0.25 + 0.15 * lvl + talent + rng.gauss(0, spread)))
                    for s, lvl in levels.items()
                },
                free_chance=rng.uniform(0.15, 0.6),
                accept_chance=rng.uniform(0.5, 0.95),
                on_time_chance=rng.uniform(0.7, 0.99),
            )
        )
    return made


def arrivals(rng: random.Random, weeks: int, per_day: int) -> list[Item]:
    items = []
    for day in range(weeks * 7):
        if day % 7 >= 5:
            continue  # weekdays only
        for _ in range(per_day):
            minute = day * MINUTES_PER_DAY + rng.randint(9 * 60, 14 * 60)  # 09:00-14:00
            items.append(
                Item(
                    at=minute,
                    skill=rng.choice(SKILLS),
                    min_level=rng.choice([1, 1, 2]),
                    pay=rng.choice([1500, 2500, 4000, 6000]),
                    minutes=rng.choice([30, 45, 60, 90]),
                )
            )
    return sorted(items, key=lambda i: i.at)


def is_free(parent: Parent, minute: int, rng_seed: int) -> bool:
    """Whether a parent is available in this hour: fixed per (parent, hour) so policies agree."""
    slot = minute // 60
    return random.Random(rng_seed * 1_000_003 + parent.id * 7919 + slot).random() < (
        parent.free_chance
    )


Policy = Callable[[list[Parent], Item, random.Random], list[Parent]]


def random_order(eligible: list[Parent], item: Item, rng: random.Random) -> list[Parent]:
    shuffled = eligible[:]
    rng.shuffle(shuffled)
    return shuffled


def greedy_order(eligible: list[Parent], item: Item, rng: random.Random) -> list[Parent]:
    def average(p: Parent) -> float:
        return statistics.fmean(p.ratings) if p.ratings else 3.5

    return sorted(eligible, key=lambda p: (-average(p), p.id))


def parentbrain_order(eligible: list[Parent], item: Item, rng: random.Random) -> list[Parent]:
    pool = rng.sample(eligible, POOL) if len(eligible) > POOL else eligible
    found = {p.id: p.evidence for p in pool}
    for p in pool:
        found[p.id].levels[item.skill] = p.levels[item.skill]
        found[p.id].years[item.skill] = p.years[item.skill]
    top = max((e.recent_earnings for e in found.values()), default=0)
    scored = [score(p.id, found[p.id], [item.skill], rng, top) for p in pool]
    by_id = {p.id: p for p in pool}
    return [by_id[s.member_id] for s in sorted(scored, key=lambda s: s.score, reverse=True)]


POLICIES: dict[str, Policy] = {
    "random": random_order,
    "greedy": greedy_order,
    "parentbrain": parentbrain_order,
}


def gini(values: list[int]) -> float:
    ordered = sorted(values)
    n, total = len(ordered), sum(ordered)
    if not n or not total:
        return 0.0
    weighted = sum((i + 1) * v for i, v in enumerate(ordered))
    return (2 * weighted) / (n * total) - (n + 1) / n


def run(policy: str, args: argparse.Namespace) -> dict[str, Any]:
    world = random.Random(args.seed)  # the same community and items for every policy
    parents = community(world, args.parents, args.weeks, args.world == "talent")
    items = arrivals(world, args.weeks, args.items_per_day)
    rng = random.Random(args.seed + 1)  # the policy's and the people's choices
    order = POLICIES[policy]
    warm_up = WARM_UP_WEEKS * 7 * MINUTES_PER_DAY
    quality, regret, waits, newcomer, assigned = [], [], [], 0, 0
    for item in items:
        eligible = [
            p
            for p in parents
            if p.joins_at <= item.at
            and p.levels.get(item.skill, 0) >= item.min_level
            and p.busy_until <= item.at
            and is_free(p, item.at, args.seed)
        ]
        if not eligible:
            continue
        best = max(p.true_skill[item.skill] for p in eligible)
        waited = 0
        for parent in order(eligible, item, rng)[:MAX_OFFERS]:
            evidence = parent.evidence
            if rng.random() > parent.accept_chance:
                waited += rng.choice([rng.randint(1, 10), 10])  # a decline, or a time-out
                evidence.refused += 1
                continue
            waited += rng.randint(1, 8)
            evidence.accepted += 1
            stars = round(1 + 4 * min(1.0, max(0.0, rng.gauss(parent.true_skill[item.skill], 0.1))))
            good, bad = rating_counts(stars)
            evidence.good[item.skill] = evidence.good.get(item.skill, 0.0) + good
            evidence.bad[item.skill] = evidence.bad.get(item.skill, 0.0) + bad
            evidence.all_good += good
            evidence.all_bad += bad
            evidence.ratings += 1
            on_time = rng.random() < parent.on_time_chance
            evidence.on_time += on_time
            evidence.late += not on_time
            evidence.recent_earnings += item.pay  # not decayed: the run is a few weeks
            parent.ratings.append(stars)
            newcomer += parent.items < 10
            parent.items += 1
            parent.earned += item.pay
            parent.busy_until = item.at + waited + item.minutes
            assigned += 1
            waits.append(waited)
            if item.at >= warm_up:
                quality.append(parent.true_skill[item.skill])
                regret.append(best - parent.true_skill[item.skill])
            break
    present = [p for p in parents if p.joins_at < args.weeks * 7 * MINUTES_PER_DAY]
    return {
        "items": len(items),
        "assigned": assigned,
        "mean_quality": round(statistics.fmean(quality), 4) if quality else None,
        "regret": round(statistics.fmean(regret), 4) if regret else None,
        "p50_minutes_to_accept": statistics.median(waits) if waits else None,
        "earnings_gini": round(gini([p.earned for p in present]), 4),
        "newcomer_share": round(newcomer / assigned, 4) if assigned else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--parents", type=int, default=200)
    parser.add_argument("--items-per-day", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--world",
        choices=["independent", "talent"],
        default="independent",
        help="skills independent of each other, or one talent behind all of a parent's skills",
    )
    args = parser.parse_args()
    result = {name: run(name, args) for name in POLICIES}
    if args.json:
        print(json.dumps(result))
    else:
        for name, figures in result.items():
            print(name, " ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
