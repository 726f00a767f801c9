"""How good a match a parent is for an item: pure arithmetic over what the store remembers.

Quality is a Thompson draw from the router's belief of their quality in the weakest skill
asked (routing/belief.py): a newcomer with a promising level is tried often enough to learn
about them.
Reliability (on-time deliveries) is a posterior mean; responsiveness is the chance they take
an offer made now, at this hour of their week, discounted by how long they'd take to answer
(routing/rhythm.py); a fairness term favours parents who have earned less lately, so work
spreads among parents comparably good for the item.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import NamedTuple

from core.language import N_, _, ngettext
from routing.belief import DEFAULT_WORTH, STEPS, Evidence, beliefs, draw
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
ON_TIME_SEEN = sum(ON_TIME)
W_QUALITY, W_RELIABILITY, W_RESPONSIVENESS, W_PREFERENCE, W_FAIRNESS = (
    WEIGHTS[name] for name in ("quality", "reliability", "responsiveness", "preference", "fairness")
)
LEVEL_WORDS = {1: N_("beginner"), 2: N_("intermediate"), 3: N_("expert")}


class Scored(NamedTuple):  # fifty made per decision: a tuple is the cheapest record
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
        mixture = beliefs(evidence, skill, worth, spread)
        draws.append(draw(mixture, SHARPNESS, rng))
        means.append(min(max(mixture.mean, 0.02), 0.98))
    quality = min(draws) if draws else 0.5  # as good as the weakest skill the work needs
    reliability = (ON_TIME[0] + evidence.on_time) / (
        ON_TIME_SEEN + evidence.on_time + evidence.late
    )
    responsiveness = evidence.rhythm.soon()
    preference = 1.0 if evidence.prefers else 0.0
    fairness = 1 - (evidence.recent_earnings / max_recent_earnings if max_recent_earnings else 0)
    terms = {
        "quality": quality,
        "reliability": reliability,
        "responsiveness": responsiveness,
        "preference": preference,
        "fairness": fairness,
    }
    # The weighted terms written out (in WEIGHTS' order): this runs fifty times a decision.
    total = (
        W_QUALITY * quality
        + W_RELIABILITY * reliability
        + W_RESPONSIVENESS * responsiveness
        + W_PREFERENCE * preference
        + W_FAIRNESS * fairness
    )
    return Scored(member_id, total, terms, min(means) if means else 0.5)


def fair_among_the_best(scored: list[Scored]) -> list[Scored]:
    """The same scores, with each parent's fairness faded by how far the router believes them
    below the best candidate for the item (FAIR_SPAN)."""
    best = max((s.fit for s in scored), default=0.0)
    faded = []
    for s in scored:
        if s.fit >= best:  # the best keep their whole fairness term (most, among newcomers)
            faded.append(s)
            continue
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
