"""How good a match a parent is for an item: pure arithmetic over what the store remembers.

Quality per skill is a Beta posterior. Its prior comes from what the parent declared (level and
years) and it is updated by every rating on work that needed that skill, and at half weight by
their ratings in other skills (a parent good at one thing tends to be good at the next); stars
are read net of how strictly each rater rates. A draw from it
(Thompson sampling) decides, so a newcomer with a promising prior is tried often enough to
learn about them. Reliability (on-time deliveries) and responsiveness (accepts against
declines and time-outs) are posterior means; a fairness term favours parents who have earned
less lately, so work spreads.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

# Fairness carries 0.15 of the score. In the simulation's five worlds (bench/simulate.py,
# 10 seeds; README, "Routing, measured") it still spreads earnings more evenly than
# best-rated-first in every world; at 0.25 it spread them further but picked worse work in
# four worlds of five (by 0.003 to 0.011 of hidden quality); with no fairness term at all,
# Gini rose by 0.008 to 0.064 over 0.25's. Reliability and responsiveness weigh little
# because everyone starts at the usual record, so they mark lateness and refusals rather than
# mere experience.
WEIGHTS = {
    "quality": 0.65,
    "reliability": 0.05,
    "responsiveness": 0.10,
    "preference": 0.05,
    "fairness": 0.15,
}
# Thompson draws come from the posterior with its evidence counted this many times over: the
# same mean, a narrower spread. Plain draws (1.0) explored so widely on two to four jobs a
# parent that routing picked worse work than best-rated-first (the first shipped-path
# simulation, one world, 5 seeds: hidden quality 0.571 against 0.580); at 2.0 it picked better.
# In today's five worlds, 4, 8 or the posterior mean moved quality by less than the noise and
# spread earnings no better (README, "Routing, measured").
SHARPNESS = 2.0
# Everyone starts where most parents are (most deliver on time, most accept what they're
# offered), as if seen four times already: a record then moves them down for lateness or
# refusals, and a newcomer isn't ranked below someone merely for having had work before.
ON_TIME = (3.4, 0.6)  # (on time, late) pseudo-counts
ACCEPTS = (2.8, 1.2)  # (accepted, refused)
LEVEL_WORDS = {1: "beginner", 2: "intermediate", 3: "expert"}


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
    accepted: int = 0
    refused: int = 0  # declined or timed out
    on_time: int = 0
    late: int = 0
    recent_earnings: int = 0  # minor units, last 30 days
    prefers: bool = False
    verified: set[str] = field(default_factory=set)  # skills with a passed skill check


VERIFIED_BONUS = 2.0  # a passed check counts as two steps met (half a 5-star job)
# Work in their other skills says something about this one: each rating there counts this much
# here. With two to four jobs each, per-skill evidence alone stays at the prior for ever.
SHARED = 0.5


def prior(level: int, years: int, verified: bool = False) -> tuple[float, float]:
    """Beta prior from what a parent declared, and whether they passed the skill check:
    an expert with years starts well, not certain."""
    alpha = 1.0 + level + min(years, 10) / 5 + (VERIFIED_BONUS if verified else 0.0)
    beta = 1.0 + (3 - level) * 1.0
    return alpha, beta


STEPS = 4  # a 1-5 star rating is four steps, each met or missed


def rating_counts(stars: float) -> tuple[float, float]:
    """A 1-5 star rating as (good, bad) pseudo-observations, one per step: 4 stars is three
    steps met and one missed. A rating says more than a single yes or no, so with two to four
    jobs a parent their record soon outweighs what they declared."""
    return stars - 1, 5 - stars


def posterior(evidence: Evidence, skill: str) -> tuple[float, float]:
    """Beta(alpha, beta) for their quality in one skill: the declared prior, their (net)
    ratings in it, and half of their ratings in every other skill."""
    a0, b0 = prior(
        evidence.levels.get(skill, 1), evidence.years.get(skill, 0), skill in evidence.verified
    )
    good, bad = evidence.good.get(skill, 0.0), evidence.bad.get(skill, 0.0)
    elsewhere_good = max(evidence.all_good - good, 0.0)
    elsewhere_bad = max(evidence.all_bad - bad, 0.0)
    return a0 + good + SHARED * elsewhere_good, b0 + bad + SHARED * elsewhere_bad


@dataclass(frozen=True)
class Scored:
    member_id: int
    score: float
    terms: dict[str, float]


def score(
    member_id: int,
    evidence: Evidence,
    skills: list[str],
    rng: random.Random,
    max_recent_earnings: int,
) -> Scored:
    draws = []
    for skill in skills:
        alpha, beta = posterior(evidence, skill)
        draws.append(rng.betavariate(SHARPNESS * alpha, SHARPNESS * beta))
    quality = min(draws) if draws else 0.5  # as good as the weakest skill the work needs
    reliability = (ON_TIME[0] + evidence.on_time) / (
        sum(ON_TIME) + evidence.on_time + evidence.late
    )
    responsiveness = (ACCEPTS[0] + evidence.accepted) / (
        sum(ACCEPTS) + evidence.accepted + evidence.refused
    )
    fairness = 1 - (evidence.recent_earnings / max_recent_earnings if max_recent_earnings else 0)
    terms = {
        "quality": quality,
        "reliability": reliability,
        "responsiveness": responsiveness,
        "preference": 1.0 if evidence.prefers else 0.0,
        "fairness": fairness,
    }
    total = sum(WEIGHTS[k] * v for k, v in terms.items())
    return Scored(member_id, total, terms)


def why(
    evidence: Evidence, skills: list[str], terms: Mapping[str, float], names: Mapping[str, str]
) -> str:
    """A short line from the strongest reasons, in words a parent recognises."""
    parts = [
        f"{LEVEL_WORDS.get(evidence.levels.get(s, 1), 'beginner')} in {names.get(s, s).lower()}"
        + (" (verified)" if s in evidence.verified else "")
        for s in skills
    ]
    if evidence.ratings:
        good = sum(evidence.good.values())
        average = 1 + 4 * good / max(good + sum(evidence.bad.values()), 1e-9)
        parts.append(
            f"rated {average:.1f} from {evidence.ratings} job{'s' if evidence.ratings != 1 else ''}"
            " (allowing for how strictly each business rates)"
        )
    elif evidence.all_good + evidence.all_bad >= STEPS:
        jobs = round((evidence.all_good + evidence.all_bad) / STEPS)
        average = 1 + 4 * evidence.all_good / (evidence.all_good + evidence.all_bad)
        parts.append(
            f"rated {average:.1f} for {jobs} job{'s' if jobs != 1 else ''} in other skills, "
            "which counts here too"
        )
    else:
        parts.append("new here, so this is a chance to earn your first rating")
    if evidence.on_time >= 3 and terms["reliability"] >= 0.8:
        parts.append("you deliver on time")
    if evidence.prefers:
        parts.append("it's work you said you like")
    if terms["fairness"] >= 0.9 and evidence.ratings:
        parts.append("you've had less work lately")
    return "; ".join(parts)
