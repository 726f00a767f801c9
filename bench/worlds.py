"""Worlds for the routing simulation (bench/simulate.py): who the parents are, when they are
free, who posts what and when. A world is drawn once per seed and run under every policy, so
the policies meet the same people and the same posts.

Every world has few items per parent (two to four over the run), a talent behind each
parent's skills with per-skill differences, businesses that rate more or less harshly, posts
in bursts around the school run and the evening, parents free in short windows, some joining
during the run and some leaving after an idle day or a bad rating, and parents who answer
quickly at some hours and rarely at others (the school run, cooking), though free at both. Each named world pushes one
of those further.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

SKILLS = ["proofreading", "design", "emails", "content_creation"]
LEVELS = ["beginner", "intermediate", "expert"]
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday, before the school run
USUAL_HOURS = ((8, 15), (19, 22))  # between the school runs, and after bedtime
OUTSTANDING_LIFT = 0.3  # how much better than their level and talent say an outstanding parent is
SCHOOL_RUNS = (8, 14)  # hours most parents are busy in, whatever else they do
MISSED_WHEN_BUSY = 0.6  # chance an offer reaching them in a busy hour goes unanswered
SLOWER_WHEN_BUSY = 3.0  # and how much longer they take when they do answer
BURSTS = ((9, 6), (10, 5), (11, 4), (12, 3), (13, 4), (14, 3), (20, 6), (21, 5))  # (hour, most)


@dataclass(frozen=True)
class Shape:
    """What sets one world apart from the others."""

    name: str
    about: str
    talent_sd: float = 0.16  # one talent behind a parent's skills; heavy-tailed
    skill_sd: float = 0.07  # each skill's own difference from that talent
    harshness: tuple[float, float] = (-0.4, 0.8)  # stars a business takes off (+) or adds (-)
    harsh_post_more: bool = False
    joining_later: float = 0.3  # share of parents who join during the run
    idle_leave: float = 0.1  # chance a parent leaves after a whole day with no work
    bad_leave: float = 0.3  # chance a parent leaves after a rating of two stars or fewer
    outstanding: float = 0.0  # share of parents far better than the rest at everything
    busy_share: float = 0.25  # chance each usual hour is one they rarely answer in
    rating_noise: float = 0.08  # how far a business's feel for the work strays, in quality


WORLDS = {
    shape.name: shape
    for shape in (
        Shape("talent", "one heavy-tailed talent behind each parent's skills"),
        Shape(
            "specialists",
            "skills nearly independent: a record in one says little about the next",
            talent_sd=0.04,
            skill_sd=0.16,
        ),
        Shape(
            "harsh",
            "businesses rate very differently, and the harshest post the most",
            harshness=(-0.8, 1.6),
            harsh_post_more=True,
        ),
        Shape(
            "churn",
            "half the parents join during the run; an idle day or a bad rating drives them off",
            joining_later=0.5,
            idle_leave=0.4,
            bad_leave=0.7,
        ),
        Shape("outstanding", "one parent in ten far better than the rest", outstanding=0.1),
        Shape(
            "noisy",
            "businesses rate carelessly: a rating strays about a star from the work",
            rating_noise=0.25,
        ),
        Shape(
            "varied",
            "parents differ far more than usual, for better and worse",
            talent_sd=0.35,
        ),
    )
}


@dataclass
class Parent:
    number: int
    joins: datetime
    declared: dict[str, int]  # skill -> level 1..3, as they tell the bot
    quality: dict[str, float]  # hidden, 0..1
    windows: list[datetime]  # when they go available, for `hours` each time
    hours: int
    accepts: float  # chance of accepting an offer they answer
    reaction: float  # mean minutes before they answer an offer
    on_time: float
    outstanding: bool = False
    busy_hours: frozenset[int] = frozenset()  # hours they rarely answer in (school runs, cooking)
    left: datetime | None = None
    last_work: datetime | None = None  # when they last accepted an offer


@dataclass(frozen=True)
class Rated:
    """One rating a business gave, as the simulation knows it."""

    skill: str
    stars: int
    harshness: float  # the business's, which only the `bayes` policy may know


@dataclass
class World:
    shape: Shape
    days: int
    parents: list[Parent]
    harshness: list[float]  # per business
    posts: list[tuple[datetime, int, str]]  # (when, business, skill)
    by_member: dict[int, Parent] = field(default_factory=dict)  # once they have joined
    rated: dict[int, list[Rated]] = field(default_factory=dict)  # member id -> ratings so far

    @property
    def end(self) -> datetime:
        return START + timedelta(days=self.days)


def expected_quality(level: int) -> float:
    """Hidden quality in a skill declared at `level` (0 if not declared), before talent."""
    return 0.3 + 0.12 * level


def heavy_tailed(rng: random.Random, sd: float) -> float:
    """Student's t with 3 degrees of freedom, scaled to standard deviation `sd`."""
    chi2 = sum(rng.gauss(0, 1) ** 2 for _ in range(3))
    return sd * rng.gauss(0, 1) / math.sqrt(chi2 / 3) / math.sqrt(3)


def make_world(
    shape: Shape,
    rng: random.Random,
    parents: int,
    days: int,
    businesses: int = 4,
    pace: int | None = None,
) -> World:
    """`days` of a community; its items are spread over them, or with a `pace` posted each
    day as a run of `pace` days posts them (so a longer run gives each parent more record)."""
    end = START + timedelta(days=days)
    people = []
    for n in range(parents):
        star = rng.random() < shape.outstanding
        talent = max(-0.45, min(0.45, heavy_tailed(rng, shape.talent_sd)))
        talent += OUTSTANDING_LIFT if star else 0.0
        declared = {s: rng.randint(1, 3) for s in rng.sample(SKILLS, rng.randint(1, 3))}
        joins, hours = START, rng.choice((1, 2, 2, 3))
        if rng.random() < shape.joining_later:
            joins += timedelta(minutes=rng.randrange(days * 24 * 60 * 3 // 4))
        people.append(
            Parent(
                number=n + 1,
                joins=joins,
                declared=declared,
                quality={
                    s: min(
                        0.97,
                        max(0.05, expected_quality(lvl) + talent + rng.gauss(0, shape.skill_sd)),
                    )
                    for s, lvl in declared.items()
                },
                windows=_free_windows(rng, joins, end, hours, free=rng.uniform(0.1, 0.3)),
                hours=hours,
                accepts=rng.uniform(0.5, 0.95),
                reaction=rng.uniform(1.0, 6.0),
                on_time=rng.uniform(0.7, 0.99),
                busy_hours=frozenset(
                    hour
                    for start, stop in USUAL_HOURS
                    for hour in range(start, stop)
                    if rng.random() < (0.6 if hour in SCHOOL_RUNS else shape.busy_share)
                ),
                outstanding=star,
            )
        )
    harshness = sorted(rng.uniform(*shape.harshness) for _ in range(businesses))
    # With harsh_post_more, business k posts (k + 1) times as often as the most lenient.
    weights = [k + 1 if shape.harsh_post_more else 1 for k in range(businesses)]
    posts = []
    for day in range(days):
        for hour, most in BURSTS:
            scaled = most * parents / (10 * (pace or days))  # a few items per parent in all
            for _ in range(rng.randint(round(scaled / 2), round(scaled))):
                at = START.replace(hour=hour) + timedelta(days=day, minutes=rng.randrange(60))
                shop = rng.choices(range(businesses), weights)[0]
                posts.append((at, shop, rng.choice(SKILLS)))
    posts.sort()
    return World(shape, days, people, harshness, posts)


def _free_windows(
    rng: random.Random, joins: datetime, end: datetime, hours: int, free: float
) -> list[datetime]:
    """Short windows in their usual hours: in each ten minutes not already inside one, a
    chance `free` that they go available."""
    windows: list[datetime] = []
    slot, busy_until = START, joins
    while slot < end:
        usual = any(start <= slot.hour < stop for start, stop in USUAL_HOURS)
        if usual and slot >= busy_until and rng.random() < free:
            windows.append(slot + timedelta(minutes=rng.randrange(10)))
            busy_until = windows[-1] + timedelta(hours=hours)
        slot += timedelta(minutes=10)
    return windows


def takes_it_in_time(parent: Parent, now: datetime, timeout_minutes: float = 10.0) -> float:
    """The hidden chance the parent accepts an offer made at `now` before it times out, as
    bench/simulate.py decides it."""
    busy = now.hour in parent.busy_hours
    reaction = parent.reaction * (SLOWER_WHEN_BUSY if busy else 1.0)
    noticed = 1 - (MISSED_WHEN_BUSY if busy else 0.0)
    return noticed * parent.accepts * (1 - math.exp(-timeout_minutes / reaction))
