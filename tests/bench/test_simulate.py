"""The simulated community: learning from ratings pays off, and work spreads."""

from __future__ import annotations

import argparse

import pytest

from bench.simulate import run


@pytest.mark.parametrize("world", ["independent", "talent"])
def test_parentbrain_learns_quality_and_spreads_work_more_fairly_than_greedy(world: str) -> None:
    args = argparse.Namespace(weeks=5, parents=150, items_per_day=30, seed=4, world=world)
    results = {policy: run(policy, args) for policy in ("random", "greedy", "parentbrain")}
    learned, greedy, anyone = results["parentbrain"], results["greedy"], results["random"]

    assert learned["mean_quality"] > anyone["mean_quality"] + 0.05
    assert learned["mean_quality"] >= 0.9 * greedy["mean_quality"]
    assert learned["earnings_gini"] < greedy["earnings_gini"]
    assert learned["newcomer_share"] > greedy["newcomer_share"]
