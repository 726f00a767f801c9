"""The `bayes` policy's estimate, on small hand-made records: it is the yardstick the learning
router is measured against, so it must read ratings the way the world makes them."""

from __future__ import annotations

import random

import pytest

from bench.bayes import estimate, ranked
from bench.worlds import START, WORLDS, Parent, Rated, World, expected_quality, make_world


def parent(number: int, **declared: int) -> Parent:
    return Parent(
        number=number,
        joins=START,
        declared=declared,
        quality={},
        windows=[],
        hours=2,
        accepts=0.9,
        reaction=3.0,
        on_time=0.9,
    )


def world_with_one_parent(name: str, **declared: int) -> World:
    """A drawn world whose member 7 declared `declared` and has no ratings yet."""
    world = make_world(WORLDS[name], random.Random(1), parents=4, days=1)
    world.by_member[7] = parent(1, **declared)
    return world


def test_with_no_ratings_the_estimate_is_what_the_declared_level_is_worth() -> None:
    world = world_with_one_parent("talent", design=3, emails=1)
    assert estimate(world, 7, "design") == pytest.approx(expected_quality(3))
    assert estimate(world, 7, "emails") == pytest.approx(expected_quality(1))


def test_a_good_rating_lifts_the_skill_it_was_in_more_than_the_next_skill() -> None:
    world = world_with_one_parent("talent", design=2, emails=2)
    world.rated[7] = [Rated("design", 5, 0.0)]
    design, emails = estimate(world, 7, "design"), estimate(world, 7, "emails")
    assert design > emails > expected_quality(2)


def test_a_rating_elsewhere_says_less_where_skills_are_nearly_independent() -> None:
    lifts = {}
    for name in ("talent", "specialists"):
        world = world_with_one_parent(name, design=2, emails=2)
        world.rated[7] = [Rated("design", 5, 0.0)]
        lifts[name] = estimate(world, 7, "emails") - expected_quality(2)
    assert 0 < lifts["specialists"] < lifts["talent"] / 3


def test_three_stars_from_a_harsh_business_are_worth_more_than_from_a_lenient_one() -> None:
    harsh = world_with_one_parent("harsh", design=2)
    harsh.rated[7] = [Rated("design", 3, 1.2)]
    lenient = world_with_one_parent("harsh", design=2)
    lenient.rated[7] = [Rated("design", 3, -0.6)]
    assert estimate(harsh, 7, "design") > estimate(lenient, 7, "design")


def test_more_ratings_move_the_estimate_further_toward_what_they_say() -> None:
    world = world_with_one_parent("talent", design=1)
    world.rated[7] = [Rated("design", 5, 0.0)]
    once = estimate(world, 7, "design")
    world.rated[7] = [Rated("design", 5, 0.0)] * 3
    assert expected_quality(1) < once < estimate(world, 7, "design") <= 1.0


def test_with_fairness_the_yardstick_puts_a_parent_without_work_first() -> None:
    world = world_with_one_parent("talent", design=3)
    world.by_member[8] = parent(2, design=2)
    world.rated[7] = [Rated("design", 4, 0.0)] * 2  # two jobs done, and done well
    assert ranked(world, [8, 7], ["design"]) == [7, 8]
    assert ranked(world, [7, 8], ["design"], spread=True) == [8, 7]
