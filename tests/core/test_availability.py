"""/available, /unavailable and regular weekly hours, as a parent uses them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core import commands as c
from core.errors import DomainError
from core.states import WorkStatus
from tests.world import World


async def test_available_replies_with_the_end_time_in_the_members_timezone(world: World) -> None:
    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    reply = await world.app.handle(c.GoAvailable(actor=priya, window="until 3pm"))
    assert "until 15:00 (Europe/London)" in reply and "/unavailable" in reply
    await world.app.handle(c.UpdateProfile(actor=priya, timezone="Europe/Berlin"))
    reply = await world.app.handle(c.GoAvailable(actor=priya, window="2h"))
    assert "until 12:00 (Europe/Berlin)" in reply  # 09:00 UTC + 2h, shown as Berlin time


async def test_available_needs_skills_first_and_says_how(world: World) -> None:
    newcomer = await world.join("Newbie")
    with pytest.raises(DomainError, match="/profile skills"):
        await world.app.handle(c.GoAvailable(actor=newcomer))


async def test_available_for_some_skills_only(world: World) -> None:
    priya = await world.parent("Priya", skills="proofreading:expert, design", window=None)  # type: ignore[arg-type]
    reply = await world.app.handle(c.GoAvailable(actor=priya, window="2h", skills="design"))
    assert "for design" in reply
    work_id = await world.funded(await world.business())  # a proofreading item
    assert await world.offers(work_id) == []
    with pytest.raises(DomainError, match="isn't on your profile"):
        await world.app.handle(c.GoAvailable(actor=priya, skills="legal advice"))


async def test_unavailable_stops_new_offers(world: World) -> None:
    priya = await world.parent("Priya")
    assert "off now" in await world.app.handle(c.GoUnavailable(actor=priya))
    work_id = await world.funded(await world.business())
    assert await world.offers(work_id) == []
    assert "weren't available" in await world.app.handle(c.GoUnavailable(actor=priya))


async def test_availability_ends_by_itself(world: World) -> None:
    await world.parent("Priya", window="1h")
    world.clock.advance(minutes=61)
    work_id = await world.funded(await world.business(), estimate="15m")
    assert (await world.item(work_id)).status == WorkStatus.OPEN


async def test_not_enough_time_left_for_the_estimate(world: World) -> None:
    await world.parent("Priya", window="30m")
    work_id = await world.funded(await world.business(), estimate="45m")
    assert await world.offers(work_id) == []


async def test_weekly_hours_switch_a_parent_on_and_off(world: World) -> None:
    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    reply = await world.app.handle(c.AddWeeklyWindow(actor=priya, spec="weekdays 20:00-22:00"))
    assert "weekdays 20:00-22:00" in reply
    world.clock.set(datetime(2026, 3, 2, 19, 0, tzinfo=UTC))  # Monday 19:00 London
    assert (await world.app.sweep()).switched_on == []
    world.clock.set(datetime(2026, 3, 2, 20, 1, tzinfo=UTC))
    assert (await world.app.sweep()).switched_on == [priya.member_id]
    assert (await world.app.sweep()).switched_on == []  # once per window

    shop = await world.business()
    assert await world.offers(await world.funded(shop, estimate="30m")) != []
    world.clock.set(datetime(2026, 3, 2, 22, 1, tzinfo=UTC))
    later = await world.funded(shop, title="Late flyer", estimate="30m")
    assert [o for o in await world.offers(later) if o.member_id == priya.member_id] == []


async def test_unavailable_during_a_weekly_window_keeps_the_parent_off(world: World) -> None:
    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    await world.app.handle(c.AddWeeklyWindow(actor=priya, spec="daily 10:00-12:00"))
    world.clock.set(datetime(2026, 3, 2, 10, 5, tzinfo=UTC))
    await world.app.sweep()
    await world.app.handle(c.GoUnavailable(actor=priya))
    world.clock.set(datetime(2026, 3, 2, 10, 30, tzinfo=UTC))
    assert (await world.app.sweep()).switched_on == []
    world.clock.set(datetime(2026, 3, 3, 10, 5, tzinfo=UTC))  # the next day's window
    assert (await world.app.sweep()).switched_on == [priya.member_id]
    assert "Cleared" in await world.app.handle(c.ClearSchedule(actor=priya))


async def test_tonight_typed_in_the_morning_waits_for_the_evening(world: World) -> None:
    priya = await world.parent("Priya", window=None)
    reply = await world.app.handle(c.GoAvailable(actor=priya, window="tonight"))  # 09:00
    assert "tonight from 19:00 to 23:00 (Europe/London); offers start then" in reply
    work_id = await world.funded(await world.business(), urgent=True)
    assert await world.offers(work_id) == []  # no five-minute offer at breakfast

    world.clock.advance(hours=10, minutes=1)  # 19:01
    await world.app.sweep()
    await world.pending_offer(work_id, priya)


async def test_regular_hours_say_back_what_was_stored_with_overlaps_joined(world: World) -> None:
    priya = await world.parent("Priya", window=None)
    await world.app.handle(c.AddWeeklyWindow(actor=priya, spec="mon-fri 20:00-22:00"))
    reply = await world.app.handle(c.AddWeeklyWindow(actor=priya, spec="wed 21:00-23:00"))
    assert reply.endswith(
        "mon,tue,thu,fri 20:00-22:00; wed 20:00-23:00. I'll switch you on and off then."
    )


async def test_available_says_why_offers_wait_at_the_job_limit_or_in_quiet_hours(
    world: World,
) -> None:
    priya = await world.parent("Priya")
    work_id = await world.funded(await world.business())
    offer_id = await world.pending_offer(work_id, priya)
    await world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer_id))
    reply = await world.app.handle(c.GoAvailable(actor=priya, window="2h"))
    assert "You're doing 1 job, as many as you take at once" in reply
    assert "Offers will arrive here" not in reply

    tom = await world.parent("Tom")
    await world.app.handle(c.UpdateProfile(actor=tom, quiet_hours="08:00-10:00"))  # it's 09:00
    reply = await world.app.handle(c.GoAvailable(actor=tom, window="2h"))
    assert "It's your quiet time (08:00-10:00), so offers wait until it ends" in reply
