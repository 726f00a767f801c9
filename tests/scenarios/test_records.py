"""A parent's work record and credentials, on every front end: a passed check arrives as a
file to keep, /record shows it, /record share makes an address and /record stop ends it."""

from __future__ import annotations

from tests.scenarios.driver import Driver
from tests.scenarios.test_journeys import said


async def test_a_parent_earns_a_credential_and_shares_their_record(driver: Driver) -> None:
    await driver.onboard("Priya", ["Proofreading"], "intermediate")
    assert said(await driver.command("Priya", "record"), "Your work record is empty for now")

    await driver.command("Priya", "quiz", "proofreading")
    await driver.press("Priya", "It's raining again.")
    await driver.press("Priya", "accommodate")
    await driver.press("Priya", "effect")
    passed = await driver.press("Priya", "the days of the week, like monday")
    assert said(passed, "you passed", "Your credential for it is on its way")
    assert said(driver.dms("Priya"), "issued you a credential: Proofreading: skill check passed")
    kept = [content for name, content in driver.files("Priya") if name.endswith(".jwt")]
    assert kept and kept[-1].count(b".") == 2  # a signed credential (a compact JWS) to keep

    record = await driver.command("Priya", "record")
    assert said(record, "Proofreading: no jobs yet, verified ✓", "skill check passed")
    assert said(record, "Not shared. /record share")

    shared = await driver.command("Priya", "record", "share")
    assert said(shared, "Your work record is shared at http", "/r/")
    assert said(await driver.command("Priya", "record"), "Shared at http")
    assert said(await driver.command("Priya", "record", "stop"), "no longer shows your record")
    assert said(await driver.command("Priya", "record", "frame it"), "/record share")


async def test_a_business_chooses_whether_records_name_it(driver: Driver) -> None:
    await driver.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    assert said(await driver.command("Mel", "showname", "on"), "will name Bloom Bakery")
    assert said(await driver.command("Mel", "showname", "off"), 'will say "a business"')
    assert said(await driver.command("Mel", "showname", "maybe"), "/showname on")
