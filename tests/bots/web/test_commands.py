"""Every catalogue command on the web: listed for who may use it, a form from its options, its
answer with its buttons, and the one answer policy (a sentence, never a 500)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import aiohttp

from core import commands as c
from core.actors import Actor
from core.states import OfferStatus, WorkStatus
from tests.bots.web.conftest import Site
from tests.bots.web.test_web import csrf_in


async def an_offer_for_priya(site: Site) -> tuple[Actor, int, int]:
    """Priya proofreads and is free; a funded item's offer is hers: (Priya, item, offer)."""
    priya = await site.person(5001, "Priya")
    await site.world.app.handle(c.SetSkills(actor=priya, skills="proofreading:expert"))
    await site.world.app.handle(c.GoAvailable(actor=priya, window="3h"))
    work_id = await site.world.funded(await site.world.business())
    [offer] = await site.world.offers(work_id)
    return priya, work_id, offer.id


async def test_everything_lists_what_this_person_may_do_from_the_catalogue(site: Site) -> None:
    await site.person(5001, "Priya")
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.get(site.url("do")) as page:
            page_html = await page.text()
    listing = html.unescape(re.sub(r"<[^>]+>", "", page_html))
    assert "/status: whether you're available, your jobs and your offers" in listing
    assert "/why" in listing and "/block" in listing and "/business" in listing
    assert "/funded" not in listing and "/myitems" not in listing  # moderators', businesses'
    assert re.search(r'href="[^"]*/do/status"', page_html)  # each a link to its form
    assert re.search(r'href="[^"]*/do">Everything</a>', page_html)  # in the navigation


async def test_a_read_answers_at_once_and_its_buttons_work_on_the_page(site: Site) -> None:
    _, work_id, offer = await an_offer_for_priya(site)
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.get(site.url("do/offers")) as page:
            shown = html.unescape(await page.text())
        assert f'#{offer} "Proofread a flyer": you receive £21.25' in shown
        assert f'value="oa:{offer}"' in shown
        async with browser.post(
            site.url("press"),
            data={"token": f"oa:{offer}", "csrf": csrf_in(shown)},
            headers={"Referer": site.url("do/offers")},
        ) as page:
            assert "is yours" in html.unescape(await page.text())
    assert (await site.world.item(work_id)).status == WorkStatus.ASSIGNED


async def test_a_foreign_or_forged_button_is_one_sentence_and_changes_nothing(site: Site) -> None:
    _, work_id, offer = await an_offer_for_priya(site)
    await site.person(5003, "Aisha")
    aisha = await site.signed_in(5003, "Aisha")
    async with aisha:
        async with aisha.get(site.url("do")) as page:
            token = csrf_in(await page.text())
        for pressed, said in ((f"oa:{offer}", "sent to someone else"), ("zz:1", "no longer")):
            async with aisha.post(
                site.url("press"), data={"token": pressed, "csrf": token}
            ) as page:
                assert page.status == 200 and said in html.unescape(await page.text())
    assert (await site.world.offers(work_id))[0].status == OfferStatus.PENDING


async def test_a_form_built_from_the_options_answers_a_mistake_beside_it(site: Site) -> None:
    await site.person(5001, "Priya")
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.get(site.url("do/why")) as page:
            form = await page.text()
        assert '<label for="offer">The offer\'s number</label>' in form
        assert '<base href="/web/">' in form  # its relative links hold two levels down
        async with browser.post(
            site.url("do/why"), data={"offer": "abc", "csrf": csrf_in(form)}
        ) as page:
            assert page.status == 422
            answered = html.unescape(await page.text())
        # The command it mentions is a link to where the web does it.
        assert 'Please give the offer number, like: <a href="/web/do/why">/why</a> 12' in answered
        assert 'value="abc"' in answered  # what was typed stays
        async with browser.post(
            site.url("do/funded"), data={"item": "1", "csrf": csrf_in(form)}
        ) as page:
            assert "Only the community's moderators" in html.unescape(await page.text())
        async with browser.get(site.url("do/nothing-here")) as page:
            assert page.status == 404


async def test_a_button_that_asks_for_words_asks_for_them_on_the_page(site: Site) -> None:
    world = site.world
    priya, work_id, offer = await an_offer_for_priya(site)
    await world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer))
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.get(site.url("do")) as page:
            token = csrf_in(await page.text())
        async with browser.post(
            site.url("press"), data={"token": f"ws:{work_id}", "csrf": token}
        ) as page:
            asked = await page.text()
        assert "Send your work now" in asked and 'name="words"' in asked
        async with browser.post(
            site.url("press"),
            data={"token": f"ws:{work_id}", "words": "https://docs.example/v2", "csrf": token},
        ) as page:
            assert "Sent your work" in html.unescape(await page.text())
    assert (await world.item(work_id)).status == WorkStatus.SUBMITTED


async def test_a_refused_form_elsewhere_is_a_sentence_on_its_page_not_a_500(site: Site) -> None:
    """The web's answer policy holds for every form: a command whose fields don't fit is
    refused in words on the page it came from."""
    await site.person(5001, "Priya")
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.get(site.url("profile")) as page:
            token = csrf_in(await page.text())
        async with browser.post(
            site.url("available"),
            data={"window": "x" * 500, "csrf": token},
            headers={"Referer": site.url("profile")},
        ) as page:
            assert page.status == 200 and page.url.path.endswith("/profile")
            said = html.unescape(await page.text())
        assert re.search(r'class="said"[^>]*>The window', said), said


async def test_the_profile_form_comes_from_its_declaration_and_refuses_in_words(
    site: Site,
) -> None:
    await site.person(5001, "Priya")
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.get(site.url("profile")) as page:
            form = await page.text()
        assert '<label for="rate_floor">Lowest hourly rate you&#39;d accept</label>' in form
        assert 'maxlength="500"' in form  # the bio's limit, as UpdateProfile has it
        token = csrf_in(form)
        async with browser.post(site.url("profile"), data={"csrf": token}) as page:
            assert "Nothing to change: fill in what you&#39;d like to." in await page.text()
        async with browser.post(
            site.url("profile"), data={"bio": "x" * 600, "csrf": token}
        ) as page:
            assert page.status == 200
            said = html.unescape(await page.text())
        assert "The bio doesn't look right" in said, said
        async with browser.post(
            site.url("profile"), data={"skills": "proofreading:expert", "csrf": token}
        ) as page:
            assert "Saved: proofreading (expert)" in html.unescape(await page.text())


async def test_everyday_mistakes_on_any_form_are_sentences_and_change_nothing(
    site: Site,
) -> None:
    """Forms that build their command before running it (a rating, a dispute's note, a
    suspension) are answered by the same policy: a sentence on the page, never a 500."""
    await site.person(5009, "Kate")
    site.telegram.admins.add("5009")
    browser = await site.signed_in(5009, "Kate")
    async with browser:
        async with browser.get(site.url("moderate")) as page:
            token = csrf_in(await page.text())
        for path, fields, sentence in (
            ("items/1/rate", {"stars": "9"}, "The stars doesn't look right"),
            ("items/1/dispute", {"note": ""}, "The reason doesn't look right"),
            ("moderate/ban", {"who": "", "platform": "telegram"}, "The who doesn't look right"),
            ("payout-details", {"details": "x" * 400}, "The details doesn't look right"),
        ):
            async with browser.post(
                site.url(path),
                data={**fields, "csrf": token},
                headers={"Referer": site.url("moderate")},
            ) as page:
                shown = html.unescape(await page.text())
                assert page.status == 200 and page.url.path.endswith("/moderate"), path
            assert sentence in shown, (path, texts(shown))


def texts(page: str) -> list[str]:
    return re.findall(r'<p class="said"[^>]*>(.*?)</p>', page, re.S)


async def test_an_upload_to_someone_elses_job_is_refused_before_anything_is_stored(
    site: Site,
) -> None:
    priya, work_id, offer = await an_offer_for_priya(site)
    await site.world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer))
    await site.person(5003, "Aisha")
    aisha = await site.signed_in(5003, "Aisha")
    async with aisha:
        async with aisha.get(site.url()) as page:
            token = csrf_in(await page.text())
        form = aiohttp.FormData()
        form.add_field("csrf", token)
        form.add_field("body", "mine now")
        form.add_field("files", b"%PDF " + b"x" * 1000, filename="menu.pdf")
        async with aisha.post(site.url(f"jobs/{work_id}/deliver"), data=form) as page:
            assert page.status == 200
            assert f"Work item #{work_id} isn't assigned to you." in html.unescape(
                await page.text()
            )
    assert stored_files(site.world.app.settings.files_dir) == []
    assert (await site.world.item(work_id)).status == WorkStatus.ASSIGNED


def stored_files(folder: str) -> list[Path]:
    return [p for p in Path(folder).rglob("*") if p.is_file()]


async def test_the_profile_shows_what_is_saved_and_an_emptied_field_is_cleared(
    site: Site,
) -> None:
    await site.person(5001, "Priya")
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.get(site.url("profile")) as page:
            token = csrf_in(await page.text())
        fields = {"rate_floor": "£15", "quiet_hours": "22:00-07:00", "max_jobs": "2"}
        async with browser.post(site.url("profile"), data={**fields, "csrf": token}) as page:
            saved = html.unescape(await page.text())
        assert "minimum rate £15.00 an hour" in saved and "up to 2 jobs at once" in saved
        assert 'name="rate_floor" value="£15.00"' in saved  # shown as saved
        assert 'name="max_jobs" value="2"' in saved
        shown = {"timezone": "Europe/London", "quiet_hours": "22:00-07:00", "max_jobs": "2"}
        async with browser.post(
            site.url("profile"), data={**shown, "rate_floor": "", "csrf": token}
        ) as page:
            cleared = html.unescape(await page.text())
        assert "Updated no minimum rate." in cleared, texts(cleared)
        assert "Minimum rate: none\n" in cleared and "none an hour" not in cleared


async def test_a_job_card_keeps_the_brief_and_who_it_is_for(site: Site) -> None:
    priya, work_id, offer = await an_offer_for_priya(site)
    await site.world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer))
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.get(site.url()) as page:
            day = html.unescape(await page.text())
    assert f"#{work_id} Proofread a flyer" in day
    assert "For Bloom Ltd · due" in day and "One page, 300 words." in day


async def test_a_business_cancels_from_its_items_after_saying_yes(site: Site) -> None:
    mel = await site.person(5004, "Mel")
    await site.world.app.handle(
        c.RegisterBusiness(actor=mel, name="Bloom Bakery", contact="mel@bloom.example")
    )
    work_id = await site.world.post(mel)
    browser = await site.signed_in(5004, "Mel")
    async with browser:
        async with browser.get(site.url("items")) as page:
            items = await page.text()
        assert f'value="wn:{work_id}"' in items and "Cancel it" in items
        cancel = {"token": f"wn:{work_id}", "csrf": csrf_in(items)}
        async with browser.post(site.url("press"), data=cancel) as page:
            assert f"Cancel item #{work_id}?" in html.unescape(await page.text())
        assert (await site.world.item(work_id)).status == WorkStatus.AWAITING_PAYMENT
        async with browser.post(
            site.url("press"),
            data={**cancel, "confirmed": "yes"},
            headers={"Referer": site.url("items")},
        ) as page:
            assert "Cancelled" in html.unescape(await page.text())
    assert (await site.world.item(work_id)).status == WorkStatus.CANCELLED


def test_sentences_speak_web_with_links_where_the_chats_say_type() -> None:
    from bots.web.words import speak_web

    where = {"unavailable": "/web/do/unavailable", "submit": "/web/"}
    said = speak_web(
        "Offers will arrive here; type /unavailable to stop. Deliver with /submit 5. "
        "Type /quiz in the chat. See https://learn.example/course/view.php?id=7 <b>",
        where,
    )
    assert 'use <a href="/web/do/unavailable">/unavailable</a> to stop' in said
    assert 'with <a href="/web/">/submit</a> 5' in said
    assert "Type /quiz in the chat" in said  # a chat-only command stays as words
    assert "view.php?id=7 &lt;b&gt;" in said  # an address is left alone, the rest escaped
