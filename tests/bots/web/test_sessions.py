"""Signing out, and what every page tells the browser: the content policy, who may frame it,
no referrer beyond the site, and nothing a signed-in person saw kept in a cache."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

from bots.run import web_app
from bots.web.app import partitioned, session_cookies
from bots.web.signin import sign_for_tests
from core import commands as c
from tests.bots.web.conftest import TOKEN, Site


async def test_every_page_sends_the_policy_and_signed_in_pages_are_not_cached(
    site: Site,
) -> None:
    await site.person(5001, "Priya")
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        for path in ("", "profile", "do", "do/why", "signin", "no-such-page"):
            async with browser.get(site.url(path)) as page:
                policy = page.headers.get("Content-Security-Policy", "")
                assert "script-src 'self'" in policy and "object-src 'none'" in policy, path
                assert "frame-ancestors 'self' https://web.telegram.org" in policy, path
                assert page.headers.get("Referrer-Policy") == "same-origin", path
                assert page.headers.get("X-Content-Type-Options") == "nosniff", path
                assert page.headers.get("Cache-Control") == "no-store", path
        async with browser.get(site.url("static/style.css")) as sheet:
            assert sheet.status == 200 and "no-store" not in sheet.headers.get("Cache-Control", "")
        async with browser.get(site.url("app")) as page:
            mini_app = await page.text()
        assert '<script src="static/mini_app.js"' in mini_app and "<script>" not in mini_app


async def test_sign_out_signs_out_even_with_a_stale_form(site: Site) -> None:
    await site.person(5001, "Priya")
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        async with browser.post(site.url("signout"), data={"csrf": "from-another-tab"}) as page:
            assert page.url.path == "/web/signin", page.url
            shown = await page.text()
            assert "You're signed out." in shown
        async with browser.get(site.url()) as page:
            assert page.url.path == "/web/signin"  # nobody is signed in any more


async def test_telegrams_sign_in_answer_is_posted_not_put_in_an_address(site: Site) -> None:
    await site.person(5004, "Mel")
    fields = {"id": "5004", "first_name": "Mel", "auth_date": str(int(time.time()))}
    signed = dict(parse_qsl(sign_for_tests(fields, TOKEN, mini_app=False)))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(site.url("auth/telegram")) as page:
            returned = await page.text()
        assert 'method="post" action="auth/telegram"' in returned
        assert '<script src="static/telegram_return.js"' in returned
        async with browser.post(site.url("auth/telegram"), data=signed) as page:
            assert "Signed in as Mel" in await page.text()
            assert "hash" not in page.url.query  # the signature never reached an address


async def test_a_copied_cookie_opens_nothing_after_sign_out_and_a_ban_ends_sessions(
    site: Site,
) -> None:
    await site.person(5001, "Priya")
    browser = await site.signed_in(5001, "Priya")
    copied = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    copied.cookie_jar.update_cookies(
        {c.key: c.value for c in browser.cookie_jar}, response_url=URL(site.url())
    )
    site.world.clock.advance(minutes=1)
    async with browser, copied:
        async with copied.get(site.url()) as page:
            assert "Hello, Priya" in await page.text()  # the copy works while she is in
        async with browser.post(site.url("signout"), data={}) as page:
            assert "You're signed out." in await page.text()
        async with copied.get(site.url()) as page:
            assert page.url.path == "/web/signin"  # and not after she signed out
    site.world.clock.advance(minutes=1)
    again = await site.signed_in(5001, "Priya")  # signing in again works at once
    async with again:
        site.world.clock.advance(minutes=1)
        kate = await site.world.moderator()
        await site.world.app.handle(
            c.BanMember(actor=kate, platform="telegram", who="5001", reason="spam")
        )
        async with again.get(site.url()) as page:
            assert page.url.path == "/web/signin"  # a suspension ends her sessions


async def test_a_session_left_unused_for_a_week_is_over(site: Site) -> None:
    await site.person(5001, "Priya")
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        site.world.clock.advance(days=6)
        async with browser.get(site.url()) as page:
            assert "Hello, Priya" in await page.text()
        site.world.clock.advance(days=7, minutes=1)
        async with browser.get(site.url()) as page:
            assert page.url.path == "/web/signin"


async def test_forgetting_a_person_ends_their_web_session(site: Site) -> None:
    priya = await site.person(5001, "Priya")
    browser = await site.signed_in(5001, "Priya")
    async with browser:
        site.world.clock.advance(minutes=1)
        await site.world.app.handle(c.ForgetMe(actor=priya, confirm="yes"))
        async with browser.get(site.url()) as page:
            assert page.url.path == "/web/signin"


async def test_each_person_lands_where_their_work_is(site: Site) -> None:
    await site.person(5001, "Priya")
    mel = await site.person(5004, "Mel")
    await site.world.app.handle(
        c.RegisterBusiness(actor=mel, name="Bloom Bakery", contact="mel@bloom.example")
    )
    await site.person(5009, "Kate")
    site.telegram.admins.add("5009")
    for telegram_id, name, landing in (
        (5001, "Priya", "/web/"),
        (5004, "Mel", "/web/items"),
        (5009, "Kate", "/web/moderate"),
    ):
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            async with browser.get(site.login_link(telegram_id, name)) as page:
                assert page.url.path == landing, (name, page.url)
                assert f"Signed in as {name}" in await page.text()


async def test_over_https_the_session_cookie_can_live_in_telegrams_iframe(site: Site) -> None:
    """Telegram's web clients embed the Mini App in a cross-site iframe: over HTTPS the
    cookie is SameSite=None, Secure and Partitioned (kept for that embedding alone)."""
    secure = session_cookies(b"k" * 32, secure=True).cookie_params
    assert secure["samesite"] == "None" and secure["secure"] is True
    assert session_cookies(b"k" * 32, secure=False).cookie_params["samesite"] == "Lax"
    response = web.Response()
    response.headers.add("Set-Cookie", "parentbrain=sealed; HttpOnly; SameSite=None; Secure")
    response.headers.add("Set-Cookie", "other=1")
    partitioned(response)
    assert response.headers.getall("Set-Cookie") == [
        "parentbrain=sealed; HttpOnly; SameSite=None; Secure; Partitioned",
        "other=1",
    ]


async def test_signing_in_over_https_sets_a_partitioned_cookie(site: Site) -> None:
    app = site.world.app
    app.settings.web_url = "https://pb.example/web"
    server = TestServer(web_app(app, {"telegram": site.telegram}))  # type: ignore[dict-item]
    await server.start_server()
    try:
        await site.person(5001, "Priya")
        fields = {"id": "5001", "first_name": "Priya", "auth_date": str(int(time.time()))}
        signed = sign_for_tests(fields, TOKEN, mini_app=False)
        async with aiohttp.ClientSession() as browser:
            link = server.make_url(f"/web/auth/telegram?{signed}")
            async with browser.get(link, allow_redirects=False) as page:
                [cookie] = page.headers.getall("Set-Cookie")
        assert cookie.startswith("parentbrain=") and cookie.endswith("; Partitioned")
        assert "SameSite=None" in cookie and "Secure" in cookie
    finally:
        await server.close()
        app.settings.web_url = "http://127.0.0.1/web"


async def test_every_box_on_every_page_has_the_commands_limit(site: Site) -> None:
    """A typed answer the command would refuse for its length can't be typed at all."""
    import re

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
    await site.world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="Done"))
    site.telegram.admins.add("5009")
    await site.person(5009, "Kate")
    pages = {
        (5001, "Priya"): ["", "profile", "do", "do/why", "do/available", "record"],
        (5004, "Mel"): ["items", "post", "do/cancel"],
        (5009, "Kate"): ["moderate", "do/funded", "do/resolve"],
    }
    for (number, name), paths in pages.items():
        async with await site.signed_in(number, name) as browser:
            for path in paths:
                async with browser.get(site.url(path)) as page:
                    shown = await page.text()
                boxes = re.findall(r"<(?:input|textarea)\b[^>]*>", shown)
                typed = [
                    b
                    for b in boxes
                    if not re.search(r'type="(hidden|file|checkbox|radio|password)"', b)
                ]
                assert typed or path in ("do", "record"), path  # lists, no boxes
                for box in typed:
                    assert "maxlength=" in box, (path, box)
