"""A sweep tries an open item again only when someone new could fit it: a quiet community's
items are left alone, and a parent becoming free, a skill added or quiet hours ending bring
them back at the next sweep. An item past its deadline still expires."""

from __future__ import annotations

from datetime import UTC, datetime

from core import commands as c
from core.states import WorkStatus
from tests.world import World


async def test_quiet_items_wait_and_a_change_brings_them_back(world: World) -> None:
    await world.town()
    bloom = await world.business("Bloom")
    priya = await world.parent("Priya", skills="design:expert")  # nobody proofreads
    items = [await world.funded(bloom, title=f"Proofread {n}") for n in range(3)]
    first = await world.app.sweep()
    assert first.items_routed == 3  # the first look, at the roster as it is
    assert (await world.app.sweep()).items_routed == 0  # nothing changed: nothing to try
    assert (await world.app.sweep()).items_routed == 0

    await world.app.handle(c.SetSkills(actor=priya, skills="design:expert, proofreading:expert"))
    await world.app.handle(c.GoUnavailable(actor=priya))  # her skills count from her next
    await world.app.handle(c.GoAvailable(actor=priya, window="3h"))  # availability
    # Becoming available routed one to her at once; the sweep tries the others again.
    assert (await world.app.sweep()).items_routed == 2
    offered = [i for i in items if (await world.item(i)).status == WorkStatus.OFFERED]
    assert offered, "a parent who fits now gets an offer"
    assert (await world.app.sweep()).items_routed == 0


async def test_quiet_hours_ending_count_as_a_change(world: World) -> None:
    await world.town()
    bloom = await world.business("Bloom")
    world.clock.set(datetime(2026, 3, 2, 21, 0, tzinfo=UTC))  # 21:00 in London
    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    await world.app.handle(c.UpdateProfile(actor=priya, quiet_hours="20:00-22:00"))
    await world.app.handle(c.GoAvailable(actor=priya, window="3h"))
    work_id = await world.funded(bloom, deadline="tomorrow 17:00")
    await world.app.sweep()
    assert (await world.item(work_id)).status == WorkStatus.OPEN  # she's in her quiet hours
    assert (await world.app.sweep()).items_routed == 0
    world.clock.set(datetime(2026, 3, 2, 22, 5, tzinfo=UTC))
    assert (await world.app.sweep()).items_routed == 1
    assert (await world.item(work_id)).status == WorkStatus.OFFERED


async def test_an_item_past_its_deadline_expires_however_quiet(world: World) -> None:
    await world.town()
    bloom = await world.business("Bloom")
    await world.parent("Priya", skills="design:expert")
    work_id = await world.funded(bloom, deadline="tomorrow 17:00")
    await world.app.sweep()
    world.clock.advance(days=2)
    await world.app.sweep()
    assert (await world.item(work_id)).status in (WorkStatus.EXPIRED, WorkStatus.REFUNDED)
