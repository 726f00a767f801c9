"""The week page and the family calendar's private address on the web."""

from __future__ import annotations

import html

import aiohttp
import icalendar

from core import commands as c
from tests.bots.web.conftest import Site


async def test_the_week_page_and_the_calendar_address(site: Site) -> None:
    priya = await site.person(5001, "Priya")
    await site.world.app.handle(c.SetSkills(actor=priya, skills="proofreading:expert"))
    await site.world.app.handle(c.GoAvailable(actor=priya, window="2h"))
    bloom = await site.world.business("Bloom")
    work_id = await site.world.funded(bloom)
    await site.world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await site.world.pending_offer(work_id, priya))
    )
    async with await site.signed_in(5001, "Priya") as browser:
        async with browser.get(site.url("week")) as page:
            text = html.unescape(await page.text())
        assert "My week" in text and '<svg role="img"' in text
        assert f"#{work_id} Proofread a flyer" in text
        assert 'href="/web/week"' in text  # "My week" is in the navigation

    said = await site.world.app.handle(c.ResetCalendar(actor=priya))
    path = said.split("/web/")[1].split()[0]
    async with aiohttp.ClientSession() as calendar_app:
        async with calendar_app.get(site.url(path)) as feed:
            assert feed.status == 200 and feed.content_type == "text/calendar"
            parsed = icalendar.Calendar.from_ical(await feed.read())
        assert [str(e["UID"]) for e in parsed.walk("VEVENT")] == [f"job-{work_id}@parentbrain"]
        await site.world.app.handle(c.ResetCalendar(actor=priya, reset=True))
        async with calendar_app.get(site.url(path)) as gone:
            assert gone.status == 404
