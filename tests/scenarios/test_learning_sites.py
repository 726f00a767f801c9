"""The community's Moodle site, on every front end: a moderator connects it (the token given
privately) and maps a course; a parent links their account with the code the site sends, and
a completed course verifies their skill and earns a credential."""

from __future__ import annotations

from tests.fakes.moodle_api import FakeMoodle
from tests.scenarios.driver import Driver
from tests.scenarios.test_journeys import said


async def test_a_completed_course_counts_like_a_passed_check(driver: Driver) -> None:
    moodle = FakeMoodle()
    moodle.courses[7] = "Editing for the web"
    await moodle.start()
    try:
        driver.make_moderator("Kate")
        await driver.onboard("Kate", ["Design"], "expert")
        asked = await driver.command("Kate", "lms", f"connect {moodle.url}", where="group")
        assert said(asked, "asked you for the site's token in a private message")
        assert said(driver.dms("Kate"), "type /lmstoken followed by the token")
        wrong = await driver.command("Kate", "lmstoken", "not-the-token")
        assert said(wrong, "didn't accept that token")
        connected = await driver.command("Kate", "lmstoken", moodle.token)
        assert said(connected, "Connected to Town Learning")
        assert said(
            await driver.command("Kate", "lms", "courses", where="group"), "7: Editing for the web"
        )
        mapped = await driver.command("Kate", "lms", "map 7 proofreading expert", where="group")
        assert said(mapped, "counts for proofreading at expert level")

        await driver.onboard("Priya", ["Proofreading"], "beginner")
        assert said(await driver.command("Priya", "learn"), "Editing for the web (expert)")
        assert said(await driver.command("Priya", "lms"), "/lms link")
        moodle.add_user(41, "priya", "priya@example.com", "Priya Shah")
        sent = await driver.command("Priya", "lms", "link priya@example.com")
        assert said(sent, "sent a code to your messages on Town Learning")
        assert said(await driver.command("Priya", "lms", "code 999999"), "isn't the code")
        linked = await driver.command("Priya", "lms", f"code {moodle.code_sent_to(41)}")
        assert said(linked, "Linked: priya on Town Learning is yours here")

        moodle.users[41].enrolled.add(7)
        moodle.users[41].completed.add(7)
        read = await driver.command("Kate", "lms", "sync", where="group")
        assert said(read, "1 new completion recorded")
        assert said(driver.dms("Priya"), 'Well done on finishing "Editing for the web"')
        assert said(
            driver.dms("Priya"), "issued you a credential: Proofreading: Editing for the web"
        )
        assert said(
            await driver.command("Priya", "record"), "Proofreading: no jobs yet, verified ✓"
        )
        assert said(await driver.command("Kate", "lms", "sync", where="group"), "0 new completions")
        assert said(await driver.command("Priya", "lms", "connect https://x.example"), "moderators")
    finally:
        await moodle.stop()
