"""Each community's spreads (talent, a skill's own difference, rating noise) are learned
from its ratings and shrunk toward the defaults while there are few (routing/spread.py)."""

from __future__ import annotations

import math
import random
import statistics

from routing.belief import Evidence, belief
from routing.spread import DEFAULT_SPREAD, RATING_SD, SKILL_SD, TALENT_SD, Spread, learned_spread

SKILLS = ("proofreading", "design", "emails")


def community(
    rng: random.Random, parents: int, ratings: int, talent: float, skill: float, noise: float
) -> list[tuple[int, str, float]]:
    """Each parent rated `ratings` times in each of three skills, as the model says."""
    rated = []
    for parent in range(parents):
        shared = rng.gauss(0, talent)
        for code in SKILLS:
            own = rng.gauss(0, skill)
            rated += [(parent, code, shared + own + rng.gauss(0, noise)) for _ in range(ratings)]
    return rated


def test_with_no_ratings_the_defaults_hold() -> None:
    assert learned_spread([]) == DEFAULT_SPREAD


def test_a_community_whose_ratings_are_noisier_learns_it() -> None:
    noisy = learned_spread(community(random.Random(1), 200, 3, TALENT_SD, SKILL_SD, 0.30))
    assert 0.26 < noisy.rating < 0.34
    assert abs(noisy.talent - TALENT_SD) < 0.05  # and the rest stays about where it is


def test_a_community_whose_parents_differ_more_learns_it() -> None:
    varied = learned_spread(community(random.Random(2), 200, 3, 0.30, SKILL_SD, RATING_SD))
    assert 0.25 < varied.talent < 0.35
    assert abs(varied.rating - RATING_SD) < 0.03


def test_a_few_ratings_move_the_spreads_only_part_of_the_way() -> None:
    few = learned_spread(community(random.Random(3), 3, 2, 0.30, SKILL_SD, 0.30))
    assert RATING_SD < few.rating < 0.28  # 18 ratings against 5 of the default
    assert TALENT_SD - 0.03 < few.talent < 0.28


def test_rating_only_those_who_did_well_does_not_hide_how_widely_parents_differ() -> None:
    """The router asks again those whose first rating was good, so the parents rated often
    are alike; the spread is still that of the whole community."""
    rng = random.Random(4)
    rated = []
    for parent in range(600):
        shared = rng.gauss(0, 0.25)
        own = {code: rng.gauss(0, SKILL_SD) for code in SKILLS}
        first = shared + own["design"] + rng.gauss(0, RATING_SD)
        rated.append((parent, "design", first))
        if first > 0:
            rated += [
                (parent, code, shared + own[code] + rng.gauss(0, RATING_SD))
                for code in SKILLS
                for _ in range(2)
            ]
    learned = learned_spread(rated)
    assert abs(math.hypot(learned.talent, learned.skill) - math.hypot(0.25, SKILL_SD)) < 0.03
    assert abs(learned.rating - RATING_SD) < 0.02


def test_few_parents_rated_in_two_skills_still_tell_a_wide_talent() -> None:
    """Twenty parents, most rated in one skill only, whose talent varies widely (0.3, skills
    little): across communities like that, most of how far parents differ is read as the
    talent their skills share, so a good rating in one skill speaks for the next."""
    learned = []
    for seed in range(30):
        rng = random.Random(seed)
        rated = []
        for parent in range(20):
            shared = rng.gauss(0, 0.30)
            skills = rng.sample(SKILLS, 2 if rng.random() < 0.3 else 1)
            own = {code: rng.gauss(0, 0.07) for code in skills}
            for _ in range(2):
                code = rng.choice(skills)
                rated.append((parent, code, shared + own[code] + rng.gauss(0, 0.08)))
        learned.append(learned_spread(rated))
    talent = statistics.fmean(s.talent for s in learned)
    skill = statistics.fmean(s.skill for s in learned)
    assert talent > 0.18 and talent > 1.5 * skill


def test_where_ratings_are_noisy_one_rating_moves_the_belief_less() -> None:
    rated_well = Evidence(levels={"design": 2}, good={"design": 4.0}, bad={"design": 0.0})
    usual = belief(rated_well, "design")[0]
    noisy = belief(rated_well, "design", spread=Spread(rating=0.30))[0]
    untried = belief(Evidence(levels={"design": 2}), "design")[0]
    assert untried < noisy < usual
