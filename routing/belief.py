"""What the router believes about a parent's quality in one skill, from what the store knows.

Quality in a skill starts at what the parent's declared level is worth in this community
(learned from its ratings, routing/worth.py), plus a little for years and a passed skill
check. Their ratings then move it, read net of how strictly each rater rates: ratings in other
skills against what their levels there promised, which speak for a talent shared by all their
skills, and ratings in this skill for the skill itself.

The talent is heavy-tailed: most parents are about what their level says, and a few are far
better or far worse. A normal belief with the community's talent spread read one outstanding
rating as mostly luck and let a newcomer's draw stray little from their level, so in a
community whose parents differ widely the best were found late (README, "Routing, measured").
So the talent is a Student's t with three degrees of freedom of the community's spread, held
as eight normal beliefs, each with the talent spread scaled by one eighth of how wide a t
draws it (TAILS), weighed by how well each explains the parent's ratings: a surprising rating
makes the wide ones likely, an ordinary one the narrow ones. A Thompson draw picks one of
them by its weight, then draws from it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from routing.rhythm import Rhythm
from routing.spread import DEFAULT_SPREAD, Spread

STEPS = 4  # a 1-5 star rating is four steps, each met or missed
# Quality (0..1, as a rating is: 1 star is 0, 5 stars is 1) each declared level promises
# before a community's own ratings say what it is worth there (routing/worth.py).
DEFAULT_WORTH: Mapping[int, float] = {1: 0.4, 2: 0.6, 3: 0.8}
YEARS_WORTH = 0.006  # per year declared in the skill, up to ten
VERIFIED_WORTH = 0.05  # a passed skill check
# The talent's variance in each of eight equally likely beliefs, as a share of the
# community's: the mean of each eighth of the inverse-gamma(3/2, 3/2) that mixes normals into
# a Student's t with three degrees of freedom, scaled so they average one (so the talent varies
# as much as the community's ratings say, routing/spread.py). Over 20 seeds of the
# simulation's seven worlds (README, "Routing, measured") the router then met every target in
# all seven, `varied`'s quality too, which a normal belief missed; four beliefs (0.17 to 2.9)
# did no better there than the normal one.
TAILS = (0.133, 0.209, 0.282, 0.371, 0.493, 0.687, 1.081, 4.744)


@dataclass
class Evidence:
    """What the store knows about one parent, for one item's skills."""

    levels: dict[str, int] = field(default_factory=dict)  # skill -> declared level (1..3)
    years: dict[str, int] = field(default_factory=dict)
    good: dict[str, float] = field(default_factory=dict)  # rating pseudo-counts per skill
    bad: dict[str, float] = field(default_factory=dict)
    all_good: float = 0.0  # the same over every rating they have, whatever the skill
    all_bad: float = 0.0
    ratings: int = 0
    rhythm: Rhythm = field(default_factory=Rhythm)  # how they answer offers, near this hour
    on_time: int = 0
    late: int = 0
    recent_earnings: int = 0  # minor units, last 30 days
    prefers: bool = False
    verified: set[str] = field(default_factory=set)  # skills with a passed skill check
    # (ratings, their net quality summed) of every skill they were rated in, by the level they
    # declared in it (undeclared counts as beginner)
    by_level: dict[int, tuple[float, float]] = field(default_factory=dict)


class Normal(NamedTuple):
    """One normal belief of the mixture, with how likely it made the parent's ratings."""

    mean: float
    variance: float
    weight: float  # its share of the mixture, given the ratings


class Mixture(NamedTuple):
    normals: tuple[Normal, ...]  # in TAILS' order
    mean: float  # the mixture's mean quality


def expected(
    level: int, years: int, verified: bool = False, worth: Mapping[int, float] = DEFAULT_WORTH
) -> float:
    """The quality what a parent declared promises, before any rating."""
    return (
        worth.get(level, worth[1])
        + YEARS_WORTH * min(years, 10)
        + (VERIFIED_WORTH if verified else 0.0)
    )


def beliefs(
    evidence: Evidence,
    skill: str,
    worth: Mapping[int, float] = DEFAULT_WORTH,
    spread: Spread = DEFAULT_SPREAD,
) -> Mixture:
    """The mixture: one normal belief per talent spread in TAILS, weighed by the likelihood
    it gives the parent's ratings (first their ratings in other skills, which speak for the
    shared talent only, then those in this skill). Written out in one loop: it runs for
    every candidate's every skill asked, eight times, inside a routing decision."""
    if not (evidence.by_level or evidence.good or evidence.bad):  # never rated, as most are
        level, years = evidence.levels.get(skill, 1), evidence.years.get(skill, 0)
        return _untried(expected(level, years, skill in evidence.verified, worth), spread)
    rated = _Ratings.of(evidence, skill, worth)
    own, noise = spread.skill**2, spread.rating**2
    found = []
    for share in TAILS:
        talent = share * spread.talent**2
        mean, variance, likelihood = rated.promised, talent + own, 0.0
        if rated.elsewhere > 0.5:
            # That mean surprise is the talent, those skills' own differences and the raters'
            # noise.
            apart = talent + own + noise / rated.elsewhere
            likelihood -= math.log(apart) + rated.surprise**2 / apart
            mean += talent / apart * rated.surprise
            variance -= talent**2 / apart
        if rated.here > 0.5:
            apart = variance + noise / rated.here
            surprise = rated.here_mean - mean
            likelihood -= math.log(apart) + surprise**2 / apart
            mean += variance / apart * surprise
            variance *= 1 - variance / apart
        found.append((mean, variance, likelihood / 2))
    best = max(likelihood for _, _, likelihood in found)
    weights = [math.exp(likelihood - best) for _, _, likelihood in found]
    total = sum(weights)
    return _mixed(
        tuple(
            Normal(mean, variance, weight / total)
            for (mean, variance, _), weight in zip(found, weights, strict=True)
        )
    )


@lru_cache(maxsize=1024)
def _untried(promised: float, spread: Spread) -> Mixture:
    """The mixture before any rating, each belief equally likely: the same for every untried
    parent of a level in a community."""
    own = spread.skill**2
    return _mixed(
        tuple(Normal(promised, share * spread.talent**2 + own, 1 / len(TAILS)) for share in TAILS)
    )


def _mixed(normals: tuple[Normal, ...]) -> Mixture:
    return Mixture(normals, sum(n.weight * n.mean for n in normals))


def belief(
    evidence: Evidence,
    skill: str,
    worth: Mapping[int, float] = DEFAULT_WORTH,
    spread: Spread = DEFAULT_SPREAD,
) -> tuple[float, float]:
    """Mean and variance of their quality in one skill."""
    mixture = beliefs(evidence, skill, worth, spread)
    mean = mixture.mean
    return mean, sum(n.weight * (n.variance + (n.mean - mean) ** 2) for n in mixture.normals)


def draw(mixture: Mixture, sharpness: float, rng: random.Random) -> float:
    """A Thompson draw: one belief by its weight, then a quality from it, as a Beta of the
    same mean and variance (so it stays between 0 and 1) with its evidence counted
    `sharpness` times."""
    chosen, pick = mixture.normals[-1], rng.random()
    for normal in mixture.normals:
        pick -= normal.weight
        if pick <= 0:
            chosen = normal
            break
    alpha, beta = _beta(chosen.mean, chosen.variance)
    return rng.betavariate(sharpness * alpha, sharpness * beta)


def posterior(
    evidence: Evidence,
    skill: str,
    worth: Mapping[int, float] = DEFAULT_WORTH,
    spread: Spread = DEFAULT_SPREAD,
) -> tuple[float, float]:
    """Beta(alpha, beta) with belief's mean and variance, kept within 0 and 1."""
    return _beta(*belief(evidence, skill, worth, spread))


def prior(level: int, years: int, verified: bool = False) -> tuple[float, float]:
    """The Beta a parent starts from, from what they declared and whether they passed the
    skill check: an expert with years starts well, not certain."""
    declared = Evidence(
        levels={"x": level}, years={"x": years}, verified={"x"} if verified else set()
    )
    return posterior(declared, "x")


def _beta(mean: float, variance: float) -> tuple[float, float]:
    mean = min(max(mean, 0.02), 0.98)
    strength = max(mean * (1 - mean) / variance - 1, 1.0)
    return mean * strength, (1 - mean) * strength


@dataclass(frozen=True)
class _Ratings:
    """What a parent's ratings say about one skill, for every belief of the mixture: the quality their declaration promises, the mean surprise of their ratings in other skills
    against what their levels there promised, and the mean of those in this skill."""

    promised: float
    elsewhere: float  # ratings in other skills
    surprise: float
    here: float  # ratings in this skill
    here_mean: float

    @classmethod
    def of(cls, evidence: Evidence, skill: str, worth: Mapping[int, float]) -> _Ratings:
        level = evidence.levels.get(skill, 1)
        promised = expected(level, evidence.years.get(skill, 0), skill in evidence.verified, worth)
        here = (evidence.good.get(skill, 0.0) + evidence.bad.get(skill, 0.0)) / STEPS
        here_quality = evidence.good.get(skill, 0.0) / STEPS
        elsewhere = sum(count for count, _ in evidence.by_level.values()) - here
        surprise = 0.0
        if elsewhere > 0.5:
            expected_elsewhere = sum(
                count * worth.get(lvl, worth[1]) for lvl, (count, _) in evidence.by_level.items()
            )
            expected_elsewhere -= here * worth.get(level, worth[1])
            quality = sum(total for _, total in evidence.by_level.values()) - here_quality
            surprise = (min(max(quality, 0.0), elsewhere) - expected_elsewhere) / elsewhere
        return cls(promised, elsewhere, surprise, here, here_quality / here if here else 0.0)
