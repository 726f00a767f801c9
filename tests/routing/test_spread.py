"""Each community's spreads (talent, a skill's own difference, rating noise) are learned
from its ratings and shrunk toward the defaults while there are few (routing/spread.py)."""

from __future__ import annotations

import random

from routing.scoring import Evidence, belief
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


def test_a_few_ratings_move_the_spreads_only_a_little() -> None:
    few = learned_spread(community(random.Random(3), 3, 2, 0.30, SKILL_SD, 0.30))
    assert RATING_SD <= few.rating < 0.24  # 9 pairs of ratings against 20 of the default
    assert TALENT_SD - 0.03 < few.talent < 0.2


def test_where_ratings_are_noisy_one_rating_moves_the_belief_less() -> None:
    rated_well = Evidence(levels={"design": 2}, good={"design": 4.0}, bad={"design": 0.0})
    usual = belief(rated_well, "design")[0]
    noisy = belief(rated_well, "design", spread=Spread(rating=0.30))[0]
    untried = belief(Evidence(levels={"design": 2}), "design")[0]
    assert untried < noisy < usual
