"""Family time on every front end: the week, the calendar's address, and a household."""

from __future__ import annotations

from tests.scenarios.driver import Driver
from tests.scenarios.test_journeys import said


async def test_a_parent_sees_their_week_gets_a_calendar_and_plans_with_a_partner(
    driver: Driver,
) -> None:
    await driver.onboard("Priya", ["Proofreading"], "expert")
    await driver.onboard("Sam", ["Design"], "beginner")
    week = await driver.command("Priya", "week")
    assert said(week, "Your last seven days: free for 0 hours", "Your week as a chart")
    assert said(await driver.command("Priya", "week", "on"), "Every Sunday evening")
    address = await driver.command("Priya", "calendar")
    assert said(address, "/cal/", ".ics", "Google Calendar")
    assert said(await driver.command("Priya", "calendar", "reset"), "old one stopped working")

    assert said(await driver.command("Priya", "household"), "not in a household")
    invited = await driver.command("Priya", "household", "invite @sam")
    assert said(invited, "Invitation sent to Sam")
    assert said(driver.dms("Sam"), "Priya invites you to plan as a household")
    assert said(await driver.press("Sam", "Join"), "You and Priya are a household now")
    assert said(await driver.command("Priya", "household"), "• Sam: not available now")
    assert said(await driver.command("Sam", "household", "one"), "One job at a time")
    assert said(driver.dms("Priya"), "Sam chose for your household: One job at a time")
