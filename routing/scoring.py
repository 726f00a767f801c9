"""How good a match a parent is for an item: pure arithmetic over what the store remembers.

Quality in a skill starts at what the parent's declared level is worth in this community
(learned from its ratings, routing/worth.py), plus a little for years and a passed skill
check. Their ratings then move it, read net of how strictly each rater rates: ratings in other
skills against what their levels there promised, which speak for a talent shared by all their
skills, and ratings in this skill for the skill itself. The belief is a normal one, kept as a
Beta of the same mean and variance so a draw from it stays between 0 and 1 (Thompson
sampling): a newcomer with a promising level is tried often enough to learn about them.
Reliability (on-time deliveries) is a posterior mean; responsiveness is the chance they take
an offer made now, at this hour of their week, discounted by how long they'd take to answer
(routing/rhythm.py); a fairness term favours parents who have earned less lately, so work
spreads among parents comparably good for the item.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.language import N_, _, ngettext
from routing.rhythm import Rhythm
from routing.spread import DEFAULT_SPREAD, Spread

# Fairness carries 0.15 of the score. In the simulation's five worlds (bench/simulate.py,
# 10 seeds; README, "Routing, measured") it still spreads earnings more evenly than
# best-rated-first in every world; at 0.25 it spread them further but picked worse work in
# four worlds of five (by 0.003 to 0.011 of hidden quality); with no fairness term at all,
# Gini rose by 0.008 to 0.064 over 0.25's. With today's belief (20 seeds), 0.20 spread
# earnings further but picked worse work in every world. Reliability
# and responsiveness weigh little because everyone starts at the usual record, so they mark
# lateness and refusals rather than mere experience.
WEIGHTS = {
    "quality": 0.65,
    "reliability": 0.05,
    "responsiveness": 0.10,
    "preference": 0.05,
    "fairness": 0.15,
}
# Thompson draws come from the posterior with its evidence counted this many times over: the
# same mean, a narrower spread. Over 20 seeds of the simulation's five worlds (README,
# "Routing, measured"), with the belief read this way, 8 picked better work than 2 in every
# world, about as well as no draw at all (the mean), and still gave newcomers a larger share
# of offers than best-rated-first.
SHARPNESS = 8.0
# Fairness spreads the work among parents comparably good for it: its pull fades as the
# router's belief of a parent's quality falls below the best candidate's, and is gone 0.4 below
# it (over a star and a half). At full strength for everyone it handed items to parents
# believed clearly worse merely for having earned less lately. Over 20 seeds of the
# simulation's seven worlds (README, "Routing, measured"), fading over 0.4 picked work as good
# or better in every world (0.000 to 0.007 of hidden quality; 0.005 in `varied`), met the 60%
# line in all seven (`churn` had missed it), and kept the earnings Gini below
# best-rated-first's in all seven; fading over 0.2 (four worlds) or 0.3 picked about as well
# but left the Gini above best-rated-first's in `harsh` on average.
FAIR_SPAN = 0.4
# Everyone starts where most parents are (most deliver on time, most accept what they're
# offered), as if seen four times already: a record then moves them down for lateness or
# refusals, and a newcomer isn't ranked below someone merely for having had work before.
ON_TIME = (3.4, 0.6)  # (on time, late) pseudo-counts
LEVEL_WORDS = {1: N_("beginner"), 2: N_("intermediate"), 3: N_("expert")}


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


# Quality (0..1, as a rating is: 1 star is 0, 5 stars is 1) each declared level promises
# before a community's own ratings say what it is worth there (routing/worth.py).
DEFAULT_WORTH: Mapping[int, float] = {1: 0.4, 2: 0.6, 3: 0.8}
# The model behind quality in one skill: what their declared level is worth in this community
# (routing/worth.py), plus a talent shared by all their skills, plus this skill's own
# difference; each rating is that plus the rater's noise. How much each varies is learned per
# community (routing/spread.py).
YEARS_WORTH = 0.006  # per year declared in the skill, up to ten
VERIFIED_WORTH = 0.05  # a passed skill check


def expected(
    level: int, years: int, verified: bool = False, worth: Mapping[int, float] = DEFAULT_WORTH
) -> float:
    """The quality what a parent declared promises, before any rating."""
    return (
        worth.get(level, worth[1])
        + YEARS_WORTH * min(years, 10)
        + (VERIFIED_WORTH if verified else 0.0)
    )


def belief(
    evidence: Evidence,
    skill: str,
    worth: Mapping[int, float] = DEFAULT_WORTH,
    spread: Spread = DEFAULT_SPREAD,
) -> tuple[float, float]:
    """Mean and variance of their quality in one skill, given what they declared and their
    (net) ratings: first their ratings in other skills, read against what their levels there
    promised, which speak for the shared talent only; then their ratings in this skill."""
    level = evidence.levels.get(skill, 1)
    mean = expected(level, evidence.years.get(skill, 0), skill in evidence.verified, worth)
    talent, own, noise = spread.talent**2, spread.skill**2, spread.rating**2
    variance = talent + own
    here = (evidence.good.get(skill, 0.0) + evidence.bad.get(skill, 0.0)) / STEPS
    here_quality = evidence.good.get(skill, 0.0) / STEPS
    elsewhere = sum(count for count, _ in evidence.by_level.values()) - here
    if elsewhere > 0.5:
        promised = sum(
            count * worth.get(lvl, worth[1]) for lvl, (count, _) in evidence.by_level.items()
        )
        promised -= here * worth.get(level, worth[1])
        quality = sum(total for _, total in evidence.by_level.values()) - here_quality
        surprise = min(max(quality, 0.0), elsewhere) / elsewhere - promised / elsewhere
        # That mean surprise is the talent, those skills' own differences and the raters' noise.
        apart = talent + own + noise / elsewhere
        mean += talent / apart * surprise
        variance -= talent**2 / apart
    if here > 0.5:
        gain = variance / (variance + noise / here)
        mean += gain * (here_quality / here - mean)
        variance *= 1 - gain
    return mean, variance


def posterior(
    evidence: Evidence,
    skill: str,
    worth: Mapping[int, float] = DEFAULT_WORTH,
    spread: Spread = DEFAULT_SPREAD,
) -> tuple[float, float]:
    """Beta(alpha, beta) with belief's mean and variance, kept within 0 and 1: what Thompson
    sampling draws from."""
    mean, variance = belief(evidence, skill, worth, spread)
    mean = min(max(mean, 0.02), 0.98)
    strength = max(mean * (1 - mean) / variance - 1, 1.0)
    return mean * strength, (1 - mean) * strength


def prior(level: int, years: int, verified: bool = False) -> tuple[float, float]:
    """The Beta a parent starts from, from what they declared and whether they passed the
    skill check: an expert with years starts well, not certain."""
    declared = Evidence(
        levels={"x": level}, years={"x": years}, verified={"x"} if verified else set()
    )
    return posterior(declared, "x")


STEPS = 4  # a 1-5 star rating is four steps, each met or missed


@dataclass(frozen=True)
class Scored:
    member_id: int
    score: float
    terms: dict[str, float]
    fit: float = 0.5  # the belief's mean quality in the weakest skill asked, before any draw


def score(
    member_id: int,
    evidence: Evidence,
    skills: list[str],
    rng: random.Random,
    max_recent_earnings: int,
    worth: Mapping[int, float] = DEFAULT_WORTH,
    spread: Spread = DEFAULT_SPREAD,
) -> Scored:
    draws, means = [], []
    for skill in skills:
        alpha, beta = posterior(evidence, skill, worth, spread)
        draws.append(rng.betavariate(SHARPNESS * alpha, SHARPNESS * beta))
        means.append(alpha / (alpha + beta))
    quality = min(draws) if draws else 0.5  # as good as the weakest skill the work needs
    reliability = (ON_TIME[0] + evidence.on_time) / (
        sum(ON_TIME) + evidence.on_time + evidence.late
    )
    responsiveness = evidence.rhythm.soon()
    fairness = 1 - (evidence.recent_earnings / max_recent_earnings if max_recent_earnings else 0)
    terms = {
        "quality": quality,
        "reliability": reliability,
        "responsiveness": responsiveness,
        "preference": 1.0 if evidence.prefers else 0.0,
        "fairness": fairness,
    }
    total = sum(WEIGHTS[k] * v for k, v in terms.items())
    return Scored(member_id, total, terms, min(means) if means else 0.5)


def fair_among_the_best(scored: list[Scored]) -> list[Scored]:
    """The same scores, with each parent's fairness faded by how far the router believes them
    below the best candidate for the item (FAIR_SPAN)."""
    best = max((s.fit for s in scored), default=0.0)
    faded = []
    for s in scored:
        kept = max(0.0, 1.0 - (best - s.fit) / FAIR_SPAN)
        fairness = s.terms["fairness"] * kept
        lost = WEIGHTS["fairness"] * (s.terms["fairness"] - fairness)
        faded.append(Scored(s.member_id, s.score - lost, {**s.terms, "fairness": fairness}, s.fit))
    return faded


def why(
    evidence: Evidence, skills: list[str], terms: Mapping[str, float], names: Mapping[str, str]
) -> str:
    """A short line from the strongest reasons, in words a parent recognises."""
    parts = [
        (
            _(
                "{level} in {skill} (verified)",
                level=_(LEVEL_WORDS.get(evidence.levels.get(s, 1), LEVEL_WORDS[1])),
                skill=names.get(s, s).lower(),
            )
            if s in evidence.verified
            else _(
                "{level} in {skill}",
                level=_(LEVEL_WORDS.get(evidence.levels.get(s, 1), LEVEL_WORDS[1])),
                skill=names.get(s, s).lower(),
            )
        )
        for s in skills
    ]
    if evidence.ratings:
        good = sum(evidence.good.values())
        average = 1 + 4 * good / max(good + sum(evidence.bad.values()), 1e-9)
        parts.append(
            ngettext(
                "rated {average:.1f} from {n} job (allowing for how strictly each business rates)",
                "rated {average:.1f} from {n} jobs (allowing for how strictly each business rates)",
                evidence.ratings,
                average=average,
            )
        )
    elif evidence.all_good + evidence.all_bad >= STEPS:
        jobs = round((evidence.all_good + evidence.all_bad) / STEPS)
        average = 1 + 4 * evidence.all_good / (evidence.all_good + evidence.all_bad)
        parts.append(
            ngettext(
                "rated {average:.1f} for {n} job in other skills, which counts here too",
                "rated {average:.1f} for {n} jobs in other skills, which counts here too",
                jobs,
                average=average,
            )
        )
    else:
        parts.append(_("new here, so this is a chance to earn your first rating"))
    if evidence.on_time >= 3 and terms["reliability"] >= 0.8:
        parts.append(_("you deliver on time"))
    if (quickly := evidence.rhythm.why()) is not None:
        parts.append(quickly)
    if evidence.prefers:
        parts.append(_("it's work you said you like"))
    if terms["fairness"] >= 0.9 and evidence.ratings:
        parts.append(_("you've had less work lately"))
    return "; ".join(parts)
