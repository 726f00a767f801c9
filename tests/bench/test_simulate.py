"""The routing simulation runs every policy through the real bus and store, in every world,
and reports every figure; what the figures say is for people to read, not for a test."""

from __future__ import annotations

import random
import subprocess
import sys

from bench.policies import OPTIONAL, POLICIES
from bench.simulate import main
from bench.worlds import START, WORLDS, make_world

FIGURES = {
    "quality",
    "quality_after_warm_up",
    "finished_share",
    "minutes_to_accept",
    "offers_per_item",
    "items_per_parent",
    "earnings_gini",
    "newcomer_offer_share",
    "newcomer_earnings_share",
    "retention",
    "regret",
}


def test_a_quick_run_reports_every_figure_for_every_world_and_policy() -> None:
    report = main(list(WORLDS), seeds=1, days=1, parents=12, workers=2)
    assert set(report["worlds"]) == set(WORLDS)
    for world in report["worlds"].values():
        for policy in POLICIES:
            assert set(world[policy]) == FIGURES
            assert set(world[policy]["quality"]) == {"mean", "sd"}
        assert world["oracle"]["regret"]["mean"] in (0.0, None)  # the oracle regrets nothing
        assert world["learning"]["offers_per_item"]["mean"] > 0  # offers were really made
        assert set(world["targets"]) == {
            "quality_at_least_best_rated",
            "quality_60pc_of_the_way_from_random_to_oracle",
            "gini_at_most_best_rated",
            "newcomer_offers_at_least_best_rated",
            "minutes_to_accept_within_10pc_of_best_rated",
        }
        for target in world["targets"].values():
            assert set(target) == {"met", "margin", "se"}
        assert "bayes_targets" not in world  # the yardsticks run only when asked for


def test_the_yardsticks_run_when_asked_for_and_meet_the_same_targets() -> None:
    report = main(["talent"], seeds=1, days=1, parents=12, workers=2, also=OPTIONAL)
    world = report["worlds"]["talent"]
    for policy in OPTIONAL:
        assert set(world[policy]) == FIGURES
        assert set(world[f"{policy}_targets"]) == set(world["targets"])
    assert world["bayes"]["offers_per_item"]["mean"] > 0


def test_each_world_is_the_same_for_every_policy_and_differs_as_it_says() -> None:
    drawn = {name: make_world(shape, random.Random(3), 40, 2) for name, shape in WORLDS.items()}
    again = make_world(WORLDS["talent"], random.Random(3), 40, 2)
    assert [p.quality for p in again.parents] == [p.quality for p in drawn["talent"].parents]
    assert again.posts == drawn["talent"].posts

    def joined_late(name: str) -> int:
        return sum(p.joins > START for p in drawn[name].parents)

    assert joined_late("churn") > joined_late("talent")
    assert sum(p.outstanding for p in drawn["outstanding"].parents) >= 1
    assert not any(p.outstanding for p in drawn["talent"].parents)
    spread = {n: max(w.harshness) - min(w.harshness) for n, w in drawn.items()}
    assert spread["harsh"] > spread["talent"]
    # Few items per parent: two to four over the run, on average.
    assert 2 <= len(drawn["talent"].posts) / 40 <= 4


def test_an_unknown_yardstick_is_refused_before_anything_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.simulate", "--also", "bayes,psychic"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "unknown policy ['psychic']; choose from bayes, bayes_fair" in done.stderr
    assert done.stdout == ""
