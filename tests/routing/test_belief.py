"""The router's belief of a parent's quality: what they declared, moved by their ratings, with
a talent that is heavy-tailed (routing/belief.py)."""

from __future__ import annotations

import random

from routing.belief import DEFAULT_WORTH, Evidence, belief, beliefs, draw
from routing.scoring import SHARPNESS


def rated_once(stars: int) -> Evidence:
    """A beginner rated once in the skill, net of the rater's strictness."""
    quality = (stars - 1) / 4
    return Evidence(
        levels={"x": 1},
        good={"x": 4 * quality},
        bad={"x": 4 * (1 - quality)},
        ratings=1,
        by_level={1: (1.0, quality)},
    )


def moved(stars: int) -> float:
    """How far one rating moves the belief, as a share of how far it was from the level's
    promise."""
    untried = belief(Evidence(levels={"x": 1}), "x")[0]
    return (belief(rated_once(stars), "x")[0] - untried) / ((stars - 1) / 4 - untried)


def test_an_untried_parent_is_believed_what_their_level_promises() -> None:
    mean, _ = belief(Evidence(levels={"x": 1}), "x")
    assert abs(mean - DEFAULT_WORTH[1]) < 1e-9


def test_an_outstanding_rating_is_believed_sooner_than_an_ordinary_one() -> None:
    """Most parents are about what their level says and a few are far better or worse: five
    stars for a beginner is read as mostly the parent, three stars as mostly luck. A normal
    belief moved the same share for both."""
    assert moved(5) > moved(3) + 0.15
    assert moved(1) > moved(3) + 0.05  # and a very poor one too
    assert belief(rated_once(5), "x")[0] > 0.85  # nearly the five stars it was


def test_an_untried_beginner_is_now_and_then_tried_as_if_far_better() -> None:
    """A newcomer could be one of the few far better than their level says, so the router's
    draws for an untried beginner sometimes rank them above an intermediate's promise (one in
    a few thousand with a normal belief of the same spread)."""
    rng = random.Random(1)
    mixture = beliefs(Evidence(levels={"x": 1}), "x")
    draws = [draw(mixture, SHARPNESS, rng) for _ in range(20_000)]
    above = sum(d > DEFAULT_WORTH[2] for d in draws) / len(draws)
    assert 0.003 < above < 0.02
    assert abs(sum(draws) / len(draws) - DEFAULT_WORTH[1]) < 0.01  # on average, their level
