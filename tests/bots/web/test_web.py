"""The web pages: signing in, a parent's day and a business's post, each a core command."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import aiohttp
from pydantic import SecretStr
from sqlalchemy import select

from bots.web.signin import sign_for_tests
from core import commands as c
from core.models import CommunityBusiness, Offer, WorkItem
from core.states import OfferStatus, WorkStatus
from tests.bots.web.conftest import TOKEN, Site
from tests.fakes.discord_api import FakeDiscord


def csrf_in(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def test_telegram_login_signs_in_and_forged_or_old_links_do_not(site: Site) -> None:
    await site.person(5001, "Priya")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(site.login_link(5001, "Priya", forged=True)) as page:
            assert page.status == 403 and "from Telegram; open it from the bot" in await page.text()
        async with browser.get(site.login_link(5001, "Priya", age=2 * 24 * 3600)) as page:
            assert page.status == 403 and "expired" in await page.text()
        async with browser.get(site.url()) as page:
            assert "Sign in" in await page.text()  # still nobody
        async with browser.get(site.login_link(5001, "Priya")) as page:
            assert "Hello, Priya" in await page.text()
        cookie = next(iter(browser.cookie_jar))
        assert cookie["httponly"] and cookie["samesite"] == "Lax"


async def test_a_mini_app_signs_in_with_init_data_and_a_forged_one_is_refused(site: Site) -> None:
    await site.person(5002, "Tom")
    user = json.dumps({"id": 5002, "first_name": "Tom"})
    fields = {"auth_date": str(int(time.time())), "query_id": "AAE", "user": user}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        forged = sign_for_tests(fields, "wrong", mini_app=True)
        async with browser.post(site.url("auth/mini-app"), data={"init_data": forged}) as page:
            assert page.status == 403
        signed = sign_for_tests(fields, TOKEN, mini_app=True)
        async with browser.post(site.url("auth/mini-app"), data={"init_data": signed}) as page:
            assert "Hello, Tom" in await page.text()


async def test_a_parent_goes_available_and_a_form_without_its_token_changes_nothing(
    site: Site,
) -> None:
    priya = await site.person(5001, "Priya")
    await site.world.app.handle(c.SetSkills(actor=priya, skills="proofreading:expert"))
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.post(site.url("available"), data={"window": "2h"}) as page:
            assert page.status == 403 and "nothing was done" in await page.text()
        async with browser.get(site.url()) as page:
            home = await page.text()
        assert "You're available" not in home
        async with browser.post(
            site.url("available"), data={"window": "2h", "csrf": csrf_in(home)}
        ) as page:
            assert "You&#39;re available until" in await page.text()


async def test_offers_are_answered_on_the_page_and_only_by_their_parent(site: Site) -> None:
    priya = await site.person(5001, "Priya")
    await site.person(5003, "Aisha")
    await site.world.app.handle(c.SetSkills(actor=priya, skills="proofreading:expert"))
    await site.world.app.handle(c.GoAvailable(actor=priya, window="3h"))
    shop = await site.world.business()
    work_id = await site.world.funded(shop)
    [offer] = await site.world.offers(work_id)

    aisha = await site.signed_in(5003, "Aisha")
    async with aisha:
        async with aisha.get(site.url()) as page:
            token = csrf_in(await page.text())
        async with aisha.post(site.url(f"offers/{offer.id}/accept"), data={"csrf": token}) as page:
            assert "sent to someone else" in await page.text()
    assert (await site.world.offers(work_id))[0].status == OfferStatus.PENDING

    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.get(site.url()) as page:
            home = await page.text()
        assert "Proofread a flyer" in home and "£21.25" in home
        async with browser.post(
            site.url(f"offers/{offer.id}/accept"), data={"csrf": csrf_in(home)}
        ) as page:
            assert "is yours" in await page.text()
    assert (await site.world.item(work_id)).status == WorkStatus.ASSIGNED


async def test_a_business_posts_with_a_form_that_shows_each_mistake_by_its_field(
    site: Site,
) -> None:
    mel = await site.person(5004, "Mel")
    await site.world.app.handle(
        c.RegisterBusiness(actor=mel, name="Bloom Bakery", contact="mel@bloom.example")
    )
    browser = await site.signed_in(5004, "Mel")
    fields = {
        "title": "Proofread our menu",
        "description": "Two pages.",
        "skills": "proofreading",
        "budget": "lots",
        "estimate": "45m",
        "deadline": "tomorrow 17:00",
    }
    async with browser:
        async with browser.get(site.url("post")) as page:
            token = csrf_in(await page.text())
        async with browser.post(site.url("post"), data={**fields, "csrf": token}) as page:
            assert page.status == 422
            form = await page.text()
        assert re.search(r'id="budget-error">[^<]*£', form), "the budget's error sits by it"
        assert 'value="Proofread our menu"' in form  # nothing typed is lost
        async with site.world.app.uow() as uow:
            assert await uow.session.get(WorkItem, 1) is None
        fields["budget"] = "£25"
        async with browser.post(site.url("post"), data={**fields, "csrf": token}) as page:
            items = await page.text()
        assert "Posted #1" in items and "PB-1" in items
        await site.world.app.handle(
            c.ConfirmFunding(actor=await site.world.moderator(), work_id=1, reference="BT")
        )
        async with browser.get(site.url("statement.csv")) as page:
            assert page.headers["Content-Type"].startswith("text/csv")
            sheet = await page.text()
        assert sheet.splitlines()[1].endswith(",1,Proofread our menu,fund,25.00,GBP")


async def test_signed_out_people_are_sent_to_sign_in(site: Site) -> None:
    async with aiohttp.ClientSession() as browser:
        async with browser.get(site.url("items")) as page:
            assert page.url.path == "/web/signin"
            assert "Sign in" in await page.text()
    _ = Offer


async def test_discord_sign_in_goes_through_oauth2_and_checks_its_state(site: Site) -> None:
    fake = FakeDiscord()
    await fake.start()
    try:
        settings = site.world.app.settings
        settings.discord_client_id, settings.discord_client_secret = "app1", SecretStr("s3cret")
        settings.discord_oauth_url = fake.url.removesuffix("/api/v10")
        settings.web_url = str(site.server.make_url("/web"))
        fake.users[7007] = "Dee"
        await site.world.app.handle(
            c.RegisterAccount(
                platform="discord",
                external_id="7007",
                display_name="Dee",
                community_id=await site.world.town(),
                platform_says_member=True,
            )
        )
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            async with browser.get(site.url("auth/discord")) as page:
                assert "error=access_denied" in str(page.url)  # nobody approved it
            fake.oauth_user = 7007
            async with browser.get(site.url("auth/discord")) as page:
                assert "Hello, Dee" in await page.text()
            async with browser.get(site.url("auth/discord/callback?code=x&state=forged")) as page:
                assert page.status == 403 and "out of date" in await page.text()
    finally:
        await fake.stop()


async def test_the_bots_menu_button_opens_the_mini_app(site: Site) -> None:
    from bots.telegram.app import TelegramAdapter
    from tests.fakes.telegram_api import FakeTelegram

    fake = FakeTelegram()
    await fake.start()
    settings = site.world.app.settings.model_copy(
        update={"web_url": "https://pb.example/web", "telegram_webhook_url": None}
    )
    adapter = TelegramAdapter(settings, site.world.app, base_url=fake.url)
    try:
        await adapter.start()
        [button] = [p["menu_button"] for m, p in fake.calls if m == "setChatMenuButton"]
        assert json.loads(button)["web_app"]["url"] == "https://pb.example/web/app"
    finally:
        await adapter.stop()
        await fake.stop()


async def test_moderators_work_their_queue_and_others_may_not(site: Site) -> None:
    kate = await site.person(5009, "Kate")
    await site.person(5003, "Aisha")
    shop = await site.world.business()
    work_id = await site.world.post(shop)

    aisha = await site.signed_in(5003, "Aisha")
    async with aisha:
        async with aisha.get(site.url("moderate")) as page:
            assert page.status == 403 and "Only the community" in await page.text()
        async with aisha.get(site.url()) as page:
            token = csrf_in(await page.text())
        async with aisha.post(
            site.url(f"moderate/funded/{work_id}"), data={"csrf": token, "confirmed": "yes"}
        ) as page:
            assert "Only the community" in await page.text()
    assert (await site.world.item(work_id)).status == WorkStatus.AWAITING_PAYMENT

    site.telegram.admins.add("5009")  # Telegram says Kate administers the group
    browser = await site.signed_in(5009, "Kate")
    async with browser:
        async with browser.get(site.url("moderate")) as page:
            queue = html.unescape(await page.text())
        assert (
            f'#{work_id} "Proofread a flyer": £25.00 from Bloom Ltd, reference PB-{work_id}'
            in queue
        )
        assert "<svg" in queue and "Items by where they are" in queue
        assert "Earned by parents, week by week" in queue
        arrived = {"csrf": csrf_in(queue), "reference": "BT 0302"}
        async with browser.post(site.url(f"moderate/funded/{work_id}"), data=arrived) as page:
            asked = html.unescape(await page.text())
        assert "Are you sure?" in asked and f"payment for item #{work_id} arrived" in asked
        assert 'name="reference" value="BT 0302"' in asked  # what was typed goes with the yes
        assert (await site.world.item(work_id)).status == WorkStatus.AWAITING_PAYMENT
        async with browser.post(
            site.url(f"moderate/funded/{work_id}"), data={**arrived, "confirmed": "yes"}
        ) as page:
            assert "Funding of £25.00 recorded" in await page.text()
    assert (await site.world.item(work_id)).status == WorkStatus.OPEN
    newcomer = await site.world.business("Nova")  # a business nobody has vetted yet
    async with await site.signed_in(5009, "Kate") as browser:
        async with browser.get(site.url("moderate")) as page:
            queue = html.unescape(await page.text())
        assert "Business #2: Nova Ltd" in queue
        async with browser.post(
            site.url("moderate/business/verify/2"), data={"csrf": csrf_in(queue)}
        ) as page:
            assert "Verified Nova Ltd" in await page.text()
            assert newcomer.member_id
        # Turned away: with the reason typed, and with none (a polite default).
        for number, name, reason in ((3, "Orbit", "Selling essays"), (4, "Pebble", "  ")):
            await site.world.business(name)
            async with browser.get(site.url("moderate")) as page:
                queue = html.unescape(await page.text())
            async with browser.post(
                site.url(f"moderate/business/reject/{number}"),
                data={"csrf": csrf_in(queue), "reason": reason},
            ) as page:
                assert f"Rejected {name} Ltd; they've been told why." in html.unescape(
                    await page.text()
                )
        async with site.world.app.uow() as uow:
            standing = dict(
                (
                    await uow.session.execute(
                        select(CommunityBusiness.business_id, CommunityBusiness.rejected_reason)
                    )
                ).all()
            )
        assert standing[3] == "Selling essays"
        assert standing[4] == "not right for this community"
    # Telegram was asked once about each of them, and the answers kept for a few minutes.
    assert site.telegram.asked == 2 and kate.member_id  # sessions share the kept answer


async def test_a_parent_delivers_a_file_and_the_business_approves_and_rates_on_the_page(
    site: Site,
) -> None:
    priya = await site.person(5001, "Priya")
    await site.world.app.handle(c.SetSkills(actor=priya, skills="proofreading:expert"))
    await site.world.app.handle(c.GoAvailable(actor=priya, window="3h"))
    mel = await site.person(5004, "Mel")
    await site.world.app.handle(
        c.RegisterBusiness(actor=mel, name="Bloom Bakery", contact="mel@bloom.example")
    )
    work_id = await site.world.funded(mel)
    [offer] = await site.world.offers(work_id)
    await site.world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer.id))

    parent = await site.signed_in(5001, "Priya")
    async with parent:
        async with parent.get(site.url()) as page:
            home = await page.text()
        assert f'action="jobs/{work_id}/deliver"' in home
        form = aiohttp.FormData()
        form.add_field("csrf", csrf_in(home))
        form.add_field("body", "Fixed 12 typos")
        form.add_field(
            "files", b"%PDF menu", filename="menu-v2.pdf", content_type="application/pdf"
        )
        async with parent.post(site.url(f"jobs/{work_id}/deliver"), data=form) as page:
            assert "Sent your work" in html.unescape(await page.text())
    await site.world.app.outbox.drain()
    [delivered] = [n for n in site.world.messenger().to("5004") if n.files]
    [file] = delivered.files
    assert file.name == "menu-v2.pdf" and await site.world.app.files.get(file.key) == b"%PDF menu"

    business = await site.signed_in(5004, "Mel")
    async with business:
        async with business.get(site.url("items")) as page:
            items = html.unescape(await page.text())
        assert "Delivered: Fixed 12 typos" in items and "menu-v2.pdf" in items
        link = re.search(r'href="(files/\d+\?until=\d+&amp;sig=\w+)"', await page.text())
        assert link, "each delivered file is a link for the business"
        address = html.unescape(link[1])
        async with business.get(site.url(address)) as got:
            assert got.status == 200 and await got.read() == b"%PDF menu"
            assert got.headers["Content-Disposition"] == 'attachment; filename="menu-v2.pdf"'
        async with business.get(site.url(address.replace("sig=", "sig=0"))) as forged:
            assert forged.status == 403
        token = csrf_in(items)
        async with business.post(
            site.url(f"items/{work_id}/approve"), data={"csrf": token, "confirmed": "yes"}
        ) as page:
            assert "The parent is being paid" in html.unescape(await page.text())
        async with business.post(
            site.url(f"items/{work_id}/rate"), data={"csrf": token, "stars": "5"}
        ) as page:
            rated = await page.text()
            assert "Thanks!" in rated
        assert "You rated this work." in rated and f"items/{work_id}/rate" not in rated
    assert (await site.world.item(work_id)).status == WorkStatus.APPROVED

    # The link is Mel's alone: another person's session gets nothing from it, and it expires.
    async with await site.signed_in(5001, "Priya") as other, other.get(site.url(address)) as got:
        assert got.status == 403 and "isn't yours" in html.unescape(await got.text())
    site.world.clock.advance(minutes=16)
    async with await site.signed_in(5004, "Mel") as again, again.get(site.url(address)) as got:
        assert got.status == 403 and "expired" in await got.text()

    # Priya's payout details, given on her page, reach the moderators only masked to her.
    parent = await site.signed_in(5001, "Priya")
    async with parent:
        async with parent.get(site.url()) as page:
            token = csrf_in(await page.text())
        async with parent.post(
            site.url("payout-details"),
            data={"csrf": token, "details": "Priya Shah 12-34-56 12345678"},
        ) as page:
            shown = html.unescape(await page.text())
        assert "Saved: the moderators will pay you to Priya Shah" in shown
        assert "12345678" not in shown


async def test_a_business_cannot_decide_on_another_business_item(site: Site) -> None:
    mel = await site.person(5004, "Mel")
    await site.world.app.handle(
        c.RegisterBusiness(actor=mel, name="Bloom Bakery", contact="mel@bloom.example")
    )
    other = await site.world.business("Zed")
    work_id = await site.world.post(other)
    business = await site.signed_in(5004, "Mel")
    async with business:
        async with business.get(site.url("items")) as page:
            token = csrf_in(await page.text())
        async with business.post(
            site.url(f"items/{work_id}/approve"), data={"csrf": token, "confirmed": "yes"}
        ) as page:
            assert "belongs to another business" in await page.text()
    assert (await site.world.item(work_id)).status == WorkStatus.AWAITING_PAYMENT


async def test_a_moderator_suspends_from_the_page_and_sees_it_in_the_audit(site: Site) -> None:
    await site.person(5009, "Kate")
    await site.person(5003, "Tom", handle="tom")
    site.telegram.admins.add("5009")
    browser = await site.signed_in(5009, "Kate")
    async with browser:
        async with browser.get(site.url("moderate")) as page:
            token = csrf_in(await page.text())
        async with browser.post(
            site.url("moderate/ban"),
            data={
                "csrf": token,
                "who": "@tom",
                "platform": "telegram",
                "duration": "7d",
                "reason": "ignoring deadlines",
            },
        ) as page:
            after = html.unescape(await page.text())
        assert "Suspended Tom for 7d" in after
        assert "suspended" in after.split("Latest actions")[1].lower()


async def test_an_old_mini_app_sign_in_is_refused(site: Site) -> None:
    await site.person(5002, "Tom")
    user = json.dumps({"id": 5002, "first_name": "Tom"})
    fields = {"auth_date": str(int(time.time()) - 3 * 24 * 3600), "user": user}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        signed = sign_for_tests(fields, TOKEN, mini_app=True)
        async with browser.post(site.url("auth/mini-app"), data={"init_data": signed}) as page:
            assert page.status == 403 and "expired" in await page.text()
        async with browser.get(site.url()) as page:
            assert "Sign in" in await page.text()


async def test_a_parent_changes_their_profile_on_the_page(site: Site) -> None:
    await site.person(5001, "Priya")
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.get(site.url("profile")) as page:
            token = csrf_in(await page.text())
        async with browser.post(
            site.url("profile"),
            data={
                "csrf": token,
                "skills": "proofreading:expert",
                "rate_floor": "£15",
                "timezone": "Europe/Dublin",
            },
        ) as page:
            shown = html.unescape(await page.text())
        assert "proofreading (expert)" in shown and "Europe/Dublin" in shown
        async with browser.post(
            site.url("profile"), data={"csrf": token, "timezone": "Mars/Olympus"}
        ) as page:
            refused = html.unescape(await page.text())
        assert "Mars/Olympus" in refused.split("Your profile")[0]  # said why, above
        assert "Timezone: Europe/Dublin" in refused  # and nothing changed


async def test_an_upload_over_the_limit_is_stopped_while_read_and_said_in_words(
    site: Site,
) -> None:
    priya = await site.person(5001, "Priya")
    kept = Path(site.world.app.settings.files_dir)
    files_before = sorted(p.name for p in kept.glob("*"))  # noqa: ASYNC240
    async with await site.signed_in(5001, "Priya") as browser:
        form = aiohttp.FormData()
        form.add_field("files", b"x" * (61 * 1024 * 1024), filename="huge.mov")
        async with browser.post(site.url("jobs/1/deliver"), data=form) as page:
            assert page.status == 413
            assert "more than this page takes at once" in html.unescape(await page.text())
    assert sorted(p.name for p in kept.glob("*")) == files_before  # noqa: ASYNC240
    assert priya.member_id


async def test_each_route_reads_only_the_body_it_needs(site: Site) -> None:
    """A form takes 256 KB, a pasted credential 128 KB; more is a 413 with a sentence."""
    await site.person(5001, "Priya")
    async with await site.signed_in(5001, "Priya") as browser:
        async with browser.get(site.url("profile")) as page:
            token = csrf_in(await page.text())
        async with browser.post(
            site.url("profile"), data={"csrf": token, "bio": "x" * (300 * 1024)}
        ) as page:
            assert page.status == 413
            assert "more than this page takes" in html.unescape(await page.text())
        async with browser.post(
            site.url("credentials/check"), data={"credential": "x" * (200 * 1024)}
        ) as page:
            assert page.status == 413
        async with browser.post(
            site.url("credentials/check"), data={"credential": "x" * (100 * 1024)}
        ) as page:
            assert page.status == 422  # read, and refused for what it is


async def test_a_form_sent_twice_is_applied_once(site: Site) -> None:
    """A double tap, or a browser sending a form again, carries the form's own id: the
    second is told it's done, and nothing happens twice."""
    from sqlalchemy import func, select

    from core.models import Availability

    priya = await site.person(5001, "Priya")
    await site.world.app.handle(c.SetSkills(actor=priya, skills="proofreading:expert"))
    async with await site.signed_in(5001, "Priya") as browser:
        async with browser.get(site.url()) as page:
            home = await page.text()
        once = re.search(r'name="once" value="([^"]+)"', home)
        assert once, "every form carries its own id"
        form = {"window": "2h", "csrf": csrf_in(home), "once": once[1]}
        async with browser.post(site.url("available"), data=form) as page:
            assert "You're available" in html.unescape(await page.text())
        async with browser.post(site.url("available"), data=form) as page:
            assert "That's done already." in html.unescape(await page.text())
    async with site.world.app.uow() as uow:
        live = await uow.session.scalar(select(func.count()).where(Availability.ended_at.is_(None)))
    assert live == 1
