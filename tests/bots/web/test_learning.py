"""The parent's profile page shows their account on the community's learning site and the
courses that counted; the token form never shows the token back."""

from __future__ import annotations

import html

from core import commands as c
from tests.bots.web.conftest import Site
from tests.core.lms.test_learning_sites import ask
from tests.fakes.moodle_api import FakeMoodle


async def test_the_profile_shows_linked_courses(site: Site) -> None:
    moodle = FakeMoodle()
    moodle.courses[7] = "Editing for the web"
    await moodle.start()
    try:
        world = site.world
        kate = await world.join("Kate", moderator=True)
        await world.app.handle(c.ConnectLearningSite(actor=kate, url=moodle.url))
        await ask(world, kate, "token", moodle.token)
        await ask(world, kate, "map", "7 proofreading")
        priya = await site.person(5001, "Priya")
        moodle.add_user(41, "priya", "priya@example.com", "Priya")
        await ask(world, priya, "link", "priya")
        browser = await site.signed_in(5001, "Priya")
        async with browser:
            async with browser.get(site.url("profile")) as page:
                assert "Courses" not in await page.text()  # not linked yet: nothing to show
            await world.app.handle(c.ConfirmLearningCode(actor=priya, code=moodle.code_sent_to(41)))
            async with browser.get(site.url("profile")) as page:
                text = html.unescape(await page.text())
            assert "On Town Learning as priya." in text and "No completed course" in text
            moodle.users[41].enrolled.add(7)
            moodle.users[41].completed.add(7)
            await world.app.sync_learning()
            async with browser.get(site.url("profile")) as page:
                text = html.unescape(await page.text())
            assert "Completed, and counted here: Editing for the web." in text
    finally:
        await moodle.stop()
