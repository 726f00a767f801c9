"""The numbers moderators read in /stats, and the same numbers for Prometheus."""

from __future__ import annotations

import pytest

from core import commands as c
from core.errors import NotAllowed
from core.stats import community_stats, stats, weekly
from tests.world import World


async def test_stats_follow_what_happened_in_the_community(world: World) -> None:
    priya = await world.parent("Priya")
    await world.parent("Tom", window=None)  # a member who isn't available
    shop = await world.business()
    done = await world.funded(shop)
    world.clock.advance(minutes=4)
    await world.job_done(priya, shop, done)
    await world.funded(shop, title="Another flyer")  # offered to Priya, not answered yet
    world.clock.advance(hours=2)
    mod = await world.moderator()

    async with world.app.uow() as uow:
        numbers = await community_stats(uow, await world.town())
        text = await stats(uow, mod)
        with pytest.raises(NotAllowed):
            await stats(uow, shop)

    assert numbers.members == 5 and numbers.available_now == 1
    assert numbers.minutes_to_first_offer == 0 and numbers.minutes_to_accept == 4
    assert numbers.items_open == 1 and numbers.oldest_open_hours == 2
    assert numbers.earned_this_month == {"GBP": 2125}
    assert "Members: 5, available now: 1" in text  # with the founder who set Town up
    assert "to a parent accepting: 4 min" in text
    assert "Earned by parents this month: £21.25" in text


async def test_metrics_count_what_happened_and_read_the_numbers_at_each_scrape(
    world: World,
) -> None:
    priya = await world.parent("Priya")
    shop = await world.business()
    done = await world.funded(shop)
    world.clock.advance(minutes=4)
    await world.job_done(priya, shop, done)
    with pytest.raises(NotAllowed):
        await world.app.handle(c.ConfirmFunding(actor=shop, work_id=done))
    await world.app.outbox.drain()

    exported = (await world.app.meter.render(world.app.uow)).decode()

    lines = set(exported.splitlines())
    assert "parentbrain_members_available 1.0" in lines
    assert "parentbrain_median_minutes_to_accept 4.0" in lines
    assert 'parentbrain_earned_this_month_minor{currency="GBP"} 2125.0' in lines
    assert f'parentbrain_community_members{{community="{await world.town()}"}} 4.0' in lines
    done_line = (
        'parentbrain_commands_total{command="AcceptOffer",outcome="done",platform="telegram"}'
    )
    assert f"{done_line} 1.0" in lines
    refused = (
        'parentbrain_commands_total{command="ConfirmFunding",outcome="refused",platform="telegram"}'
    )
    assert f"{refused} 1.0" in lines
    assert "parentbrain_funded_to_first_offer_seconds_count 1.0" in lines
    assert any(line.startswith('parentbrain_notices_total{outcome="sent"') for line in lines)
    assert any(line.startswith("parentbrain_notice_queue_seconds_count") for line in lines)
    assert "# HELP parentbrain_rate_limited_total 429 answers from a platform" in exported
    assert any(line.startswith("process_resident_memory_bytes") for line in lines)


async def test_weeks_for_the_charts_count_posts_fill_time_earnings_and_parents(
    world: World,
) -> None:
    shop = await world.business()
    old = await world.post(shop, title="Last week's flyer", deadline="in 10 days")
    world.clock.advance(days=7)
    priya = await world.parent("Priya")
    done = await world.funded(shop)
    world.clock.advance(minutes=8)
    await world.job_done(priya, shop, done)
    async with world.app.uow() as uow:
        weeks = await weekly(uow, await world.town(), "GBP", weeks=3)
    assert [w.items_posted for w in weeks] == [0, 1, 1]
    this_week = weeks[-1]
    assert this_week.minutes_to_fill == 8.0
    assert this_week.earned == 2125 and this_week.parents_working == 1
    assert weeks[-2].earned == 0 and old
