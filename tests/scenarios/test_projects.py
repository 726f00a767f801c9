"""A project from post to rating, on every front end: posted in milestones, offered whole,
funded and approved milestone by milestone, and followed on /project."""

from __future__ import annotations

from tests.scenarios.driver import Driver
from tests.scenarios.test_journeys import said

WEBSITE = {
    "title": "Rewrite our website copy",
    "description": "Three pages, friendly and short.",
    "skills": "proofreading",
    "estimate": "1h",
    "milestones": "Home page copy | £120 | tomorrow 17:00\n"
    "About page | £150 | in 3 days\n"
    "Launch post | £90 | in 5 days",
}


async def test_a_business_runs_a_project_with_one_parent_milestone_by_milestone(
    driver: Driver,
) -> None:
    await driver.onboard("Priya", ["Proofreading"], "expert")
    await driver.command("Priya", "available", "3h")
    await driver.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    posted = await driver.post_project("Mel", **WEBSITE)
    assert said(posted, "3 milestones, £360.00 in all", "the parent receives £306.00"), posted
    driver.make_moderator("Kate")

    assert said(await driver.command("Kate", "funded", "1 bank ref 1"), "Funding of £120.00")
    assert said(driver.dms("Priya"), "New paid project", "You receive £306.00 in all")
    assert said(await driver.press("Priya", "Accept"), "is yours")
    assert said(driver.dms("Mel"), "Priya took on your project", "Fund milestone 2, milestone 3")

    shown = await driver.command("Mel", "project", "1")
    assert said(shown, "1. Home page copy (#1): £120.00", "funded, being worked on")
    assert said(shown, "2. About page (#2): £150.00", "not funded yet")
    assert said(await driver.command("Priya", "project", "1"), "£102.00 for you")
    assert said(await driver.command("Priya", "submit", "2 early draft"), "waiting for payment")

    await driver.command("Priya", "submit", "1 https://docs.example/home")
    await driver.press("Mel", "Approve")
    assert said(driver.dms("Priya"), "Milestone 1 of", "£102.00 is on its way to you")
    assert said(driver.dms("Mel"), "Fund milestone 2 (£150.00)")

    await driver.command("Kate", "funded", "2 bank ref 2")
    assert said(driver.dms("Priya"), "Milestone 2 of", "is funded")
    await driver.command("Kate", "funded", "3 bank ref 3")
    await driver.command("Priya", "submit", "3 launch post")
    await driver.command("Priya", "submit", "2 about page")
    assert said(await driver.forge("Mel", "wa:3"), "Approve milestone 2 (#2) first")
    await driver.forge("Mel", "wa:2")
    await driver.forge("Mel", "wa:3")
    assert said(driver.dms("Priya"), "the project is complete")
    await driver.press("Mel", "★★★★★")
    await driver.press("Priya", "★★★★")
    assert said(driver.dms("Priya"), "rated you ★★★★★")
    assert said(await driver.command("Mel", "project"), '1 "Rewrite our website copy": done')
    assert said(await driver.command("Kate", "owed"), "to Priya")


async def test_a_business_cancels_a_project_half_way_and_gets_back_what_was_not_delivered(
    driver: Driver,
) -> None:
    await driver.onboard("Priya", ["Proofreading"], "expert")
    await driver.command("Priya", "available", "3h")
    await driver.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    await driver.post_project("Mel", **WEBSITE)
    driver.make_moderator("Kate")
    await driver.command("Kate", "funded", "1 bank ref 1")
    await driver.press("Priya", "Accept")
    await driver.command("Kate", "funded", "2 bank ref 2")
    assert said(await driver.command("Mel", "cancel", "2"), "/project 1 cancel")
    cancelled = await driver.command("Mel", "project", "1 cancel")
    assert said(cancelled, "£270.00 for 2 funded milestones", "1 unfunded milestone dropped")
    assert said(driver.dms("Priya"), "The business cancelled project")
    assert said(await driver.command("Mel", "project", "1"), "cancelled", "refunded")
    assert said(await driver.command("Rex", "project", "1"), "another business")


async def test_a_wrong_milestone_line_is_explained_and_nothing_is_posted(driver: Driver) -> None:
    await driver.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    wrong = WEBSITE | {"milestones": "Home page copy | £120 | tomorrow 17:00\nAbout page | £150"}
    answered = await driver.post_project("Mel", **wrong)
    assert said(answered, "Milestone 2 needs what is delivered, its amount and its due date")
    assert said(await driver.command("Mel", "project"), "You have no projects yet")
    assert said(await driver.command("Priya", "postproject"), "Register your business first")
    assert said(await driver.command("Mel", "project", "abc"), "project number")
    assert said(await driver.command("Mel", "project", "99"), "There is no project 99")
    assert said(await driver.forge("Mel", "jr:99"), "There is no project 99")
    assert said(await driver.forge("Mel", "jc:99"), "There is no project 99")
