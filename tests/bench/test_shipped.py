"""The simulation on the shipped path runs every policy through the real bus and store and
reports every figure; what the figures say is for people to read, not for a test."""

from __future__ import annotations

from bench.shipped import POLICIES, main

FIGURES = {
    "quality",
    "quality_after_warm_up",
    "finished_share",
    "minutes_to_accept",
    "offers_per_item",
    "earnings_gini",
    "newcomer_offer_share",
    "newcomer_earnings_share",
    "regret",
}


async def test_a_quick_run_reports_every_figure_for_every_policy() -> None:
    report = await main(seeds=1, days=1, parents=20)
    assert report["world"] == "talent"
    for policy in POLICIES:
        assert set(report[policy]) == FIGURES
        assert set(report[policy]["quality"]) == {"mean", "sd"}
    assert report["oracle"]["regret"]["mean"] in (0.0, None)  # the oracle regrets nothing
    assert report["learning"]["offers_per_item"]["mean"] >= 1  # offers were really made
