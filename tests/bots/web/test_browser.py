"""The web pages in a real browser: Debian's Chromium, driven by Playwright (no browser
download), at a phone's width. One browser for the whole walk; screenshots go to docs/."""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright

from bots.web.app import build_web_app
from bots.web.signin import sign_for_tests
from core import commands as c
from tests.bots.web.conftest import TOKEN, Site
from tests.bots.web.tls import server_context
from tests.core.credentials.helpers import issued, pass_check

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
if os.environ.get("CI") and CHROMIUM is None:
    raise RuntimeError("CI must install Debian's chromium so the browser tests run (.ci/run)")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="install Debian's chromium to run the browser tests"
)


async def snap(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@needs_chromium
async def test_a_parent_and_a_business_use_the_pages_on_a_phone(site: Site, tmp_path: Path) -> None:
    priya = await site.person(5001, "Priya")
    await site.world.app.handle(c.SetSkills(actor=priya, skills="proofreading:expert"))
    mel = await site.person(5004, "Mel")
    await site.world.app.handle(
        c.RegisterBusiness(actor=mel, name="Bloom Bakery", contact="mel@bloom.example")
    )
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            # Two made-up sites on this machine, for the Mini App inside another site's frame.
            args=["--host-resolver-rules=MAP pb.test 127.0.0.1, MAP tg.test 127.0.0.1"],
        )
        phone = {"width": 360, "height": 740}
        try:
            # Mel posts from her phone: a mistake is shown by its field, then it posts.
            mels = await browser.new_page(viewport=phone)
            await mels.goto(site.login_link(5004, "Mel"))
            await mels.get_by_role("link", name="Post work").click()
            await mels.get_by_label("Title").fill("Proofread our spring menu")
            await mels.get_by_label("What needs doing").fill("Two pages; check the prices.")
            await mels.get_by_label("Skills").fill("proofreading")
            await mels.get_by_label("Budget").fill("lots")
            await mels.get_by_label("Roughly how long").fill("45m")
            await mels.get_by_label("Due").fill("tomorrow 17:00")
            await mels.get_by_role("button", name="Post it").click()
            budget = mels.get_by_label("Budget")
            assert await budget.get_attribute("aria-invalid") == "true"
            focused = await mels.evaluate("document.activeElement.id")
            assert focused == "budget", "the first mistake has the focus"
            await budget.fill("£25")
            await mels.get_by_role("button", name="Post it").click()
            await mels.get_by_text("Posted #1").wait_for()
            await snap(mels, "business-items")

            # Kate, whom Telegram calls an administrator, sees the transfer arrive.
            await site.person(5009, "Kate")
            site.telegram.admins.add("5009")
            kates = await browser.new_page(viewport=phone)
            await kates.goto(site.login_link(5009, "Kate"))
            await kates.get_by_role("link", name="Moderate").click()
            await kates.get_by_label("Bank reference").fill("BT 0302")
            await kates.get_by_role("button", name="It arrived").click()
            await kates.get_by_role("button", name="Yes, go ahead").click()  # money: asked first
            await kates.get_by_text("Funding of £25.00 recorded").wait_for()
            await snap(kates, "moderator-queue")

            # Priya says she's free, and the offer waits on her page.
            priyas = await browser.new_page(viewport=phone)
            await priyas.goto(site.login_link(5001, "Priya"))
            await priyas.get_by_label("I'm free for").fill("2h")
            await priyas.get_by_role("button", name="I'm available").click()
            await priyas.get_by_role("status").filter(has_text="You're available").wait_for()
            await priyas.reload()
            await priyas.get_by_role("heading", name="Proofread our spring menu").wait_for()
            await snap(priyas, "parent-today")
            await priyas.get_by_role("button", name="Accept").click()
            await priyas.get_by_text("is yours").wait_for()
            width = await priyas.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, "nothing runs off a phone's screen"

            # Everything the chats can do is a link away; a command's form answers in place.
            await priyas.get_by_role("link", name="Everything").click()
            await priyas.get_by_role("link", name="/jobs").click()
            await (
                priyas.get_by_role("status").filter(has_text="Proofread our spring menu").wait_for()
            )
            await priyas.get_by_role("link", name="Everything you can do").click()
            await priyas.get_by_role("link", name="/why").click()
            await priyas.get_by_label("The offer's number").fill("abc")
            await priyas.get_by_role("button", name="Send").click()
            await (
                priyas.get_by_role("alert")
                .filter(has_text="Please give the offer number")
                .wait_for()
            )
            assert await priyas.get_by_label("The offer's number").input_value() == "abc"
            width = await priyas.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, "a command's page fits a phone too"
            await snap(priyas, "parent-command")

            # Mel posts a project: a wrong milestone line is shown by its field, everything
            # typed is kept, and the posted project's page shows each milestone and its money.
            await mels.get_by_role("link", name="Post a project").click()
            await mels.get_by_label("Project title").fill("Rewrite our website copy")
            await mels.get_by_label("What the project is").fill("Three pages, short.")
            await mels.get_by_label("Skills").fill("proofreading")
            await mels.get_by_label("How long each milestone takes").fill("1h")
            plan = "Home page copy | £120 | tomorrow 17:00\nAbout page | £150"
            await mels.get_by_label("Milestones").fill(plan)
            await mels.get_by_role("button", name="Post it").click()
            lines = mels.get_by_label("Milestones")
            assert await lines.get_attribute("aria-invalid") == "true"
            await mels.get_by_text("Milestone 2 needs what is delivered").wait_for()
            assert await lines.input_value() == plan
            assert (
                await mels.get_by_label("Project title").input_value() == "Rewrite our website copy"
            )
            await lines.fill(plan + " | in 3 days")
            await mels.get_by_role("button", name="Post it").click()
            await mels.get_by_role("heading", name="Project 1: Rewrite our website copy").wait_for()
            await mels.get_by_role("heading", name="2. About page").wait_for()
            assert await mels.get_by_text("not funded yet", exact=True).count() == 2
            await snap(mels, "project-360")

            # At 320 px, the narrowest phone in use, no page is wider than the screen.
            narrow = {"width": 320, "height": 640}
            await site.world.app.handle(
                c.PostWork(
                    actor=mel,
                    title="Supercalifragilisticexpialidocious" * 3,
                    description="Averyveryveryveryveryveryveryveryveryverylongwordindeed.",
                    skills="proofreading",
                    budget="£25",
                    estimate="45m",
                    deadline="tomorrow 17:00",
                )
            )
            for page, paths in (
                (
                    mels,
                    ["", "items", "post", "profile", "do", "do/cancel", "projects", "projects/1"],
                ),
                (kates, ["moderate", "do", "do/funded"]),
                (priyas, ["", "profile", "do", "do/status", "do/why", "signin", "record", "week"]),
            ):
                await page.set_viewport_size(narrow)
                for path in paths:
                    await page.goto(site.url(path))
                    wide = await page.evaluate(
                        "document.documentElement.scrollWidth - window.innerWidth"
                    )
                    assert wide <= 0, f"/web/{path} is {wide}px wider than a 320px screen"
            await kates.goto(site.url("moderate"))
            await snap(kates, "moderator-queue-320")

            # Inside Telegram: the Mini App opens with its signed launch data in the fragment.
            user = json.dumps({"id": 5001, "first_name": "Priya"})
            launch = sign_for_tests(
                {"auth_date": str(int(time.time())), "user": user}, TOKEN, mini_app=True
            )
            mini_app = await browser.new_page(viewport=phone)
            await mini_app.goto(site.url("app") + "#" + urlencode({"tgWebAppData": launch}))
            await mini_app.get_by_role("heading", name="Hello, Priya").wait_for()
            forged = await browser.new_page(viewport=phone)
            await forged.goto(
                site.url("app") + "#" + urlencode({"tgWebAppData": launch.replace("Priya", "Eve")})
            )
            await forged.get_by_text("isn't from Telegram").wait_for()

            # In a browser: Telegram's sign-in page comes back with #tgAuthResult.
            fields = {"id": 5004, "first_name": "Mel", "auth_date": int(time.time())}
            signed = dict(
                parse_qsl(
                    sign_for_tests({k: str(v) for k, v in fields.items()}, TOKEN, mini_app=False)
                )
            )
            result = base64.urlsafe_b64encode(json.dumps(signed).encode()).decode().rstrip("=")
            back = await browser.new_page(viewport=phone)
            await back.goto(site.url("auth/telegram") + f"#tgAuthResult={result}")
            await back.get_by_role("heading", name="My items").wait_for()  # a business lands here

            # Priya's week at a phone's width: the chart, what's due, the suggestion.
            await priyas.set_viewport_size(phone)
            await priyas.goto(site.url("week"))
            await priyas.get_by_role("heading", name="My week").wait_for()
            await priyas.get_by_role(
                "img", name="Hours free (light) and working (dark), day by day"
            ).wait_for()
            wide = await priyas.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, "the week fits a phone"
            await snap(priyas, "week-360")

            # As Telegram's web clients embed it: the Mini App over HTTPS inside another
            # site's frame signs in, and stays signed in from page to page in that frame.
            await _inside_another_sites_frame(site, browser, tmp_path)

            # Priya's work record: she shares it from her page; anyone opens the address on a
            # phone and on a desktop, checks a credential, and it is gone the moment she stops.
            await pass_check(site.world, priya)
            await priyas.set_viewport_size(phone)
            await priyas.goto(site.url("record"))
            await priyas.get_by_role("button", name="Share my record").click()
            await priyas.get_by_role("status").filter(has_text="is shared at").wait_for()
            address = await priyas.locator("main a[href*='/r/']").get_attribute("href")
            assert address is not None
            shared = site.url(address.split("/web/", 1)[1])
            anyone = await browser.new_page(viewport=phone)
            opened = await anyone.goto(shared)
            assert opened is not None and opened.status == 200
            await anyone.get_by_role("heading", name="Priya's work record").wait_for()
            await anyone.get_by_text("Verified", exact=True).first.wait_for()
            assert await anyone.get_by_role("button", name="Stop sharing").count() == 0
            wide = await anyone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, "the shared record fits a phone"
            await snap(anyone, "record-shared-360")
            await anyone.set_viewport_size({"width": 1280, "height": 800})
            await anyone.reload()
            await snap(anyone, "record-shared-1280")
            token = (await issued(site.world, priya))[0].jwt
            await anyone.get_by_role("link", name="Check a credential").click()
            await anyone.get_by_label("Or paste it").fill(token)
            await anyone.get_by_role("button", name="Check").click()
            await anyone.get_by_role("status").filter(has_text="signed by its issuer").wait_for()
            await priyas.get_by_role("button", name="Stop sharing").click()
            await priyas.get_by_role("status").filter(has_text="no longer shows").wait_for()
            gone = await anyone.goto(shared)
            assert gone is not None and gone.status == 404

            await _in_spanish(site, browser, phone)
        finally:
            await browser.close()


async def _in_spanish(site: Site, browser: Browser, phone: dict[str, int]) -> None:
    """A phone set to Spanish: the pages come in Spanish without asking (Accept-Language),
    `<html lang>` says so, and the profile's switch turns them to English and back."""
    lucia = await site.person(5011, "Lucía")
    await site.world.app.handle(c.SetSkills(actor=lucia, skills="proofreading:expert"))
    context = await browser.new_context(locale="es-ES", viewport=phone)
    page = await context.new_page()
    await page.goto(site.login_link(5011, "Lucía"))
    await page.get_by_role("heading", name="Hola, Lucía").wait_for()
    assert await page.get_attribute("html", "lang") == "es"
    await page.get_by_role("button", name="Estoy disponible").wait_for()
    await page.get_by_role("button", name="Estoy disponible").click()
    await page.get_by_role("status").filter(has_text="Estás disponible").wait_for()
    wide = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, "the Spanish page fits a phone"
    await snap(page, "home-es-360")
    await page.get_by_role("link", name="Perfil").click()
    await page.get_by_role("heading", name="Tu perfil").wait_for()
    await page.get_by_label("Idioma").select_option("en")
    await page.get_by_role("button", name="Cambiar idioma").click()
    await page.get_by_role("heading", name="Your profile").wait_for()
    await page.get_by_role("status").filter(has_text="read Parent Brain in English").wait_for()
    assert await page.get_attribute("html", "lang") == "en"
    await page.get_by_label("Language").select_option("auto")
    await page.get_by_role("button", name="Change language").click()
    await page.get_by_role("heading", name="Tu perfil").wait_for()
    await context.close()


async def _inside_another_sites_frame(site: Site, browser: Browser, folder: Path) -> None:
    secure = site.world.app.settings.model_copy(
        update={"web_url": "https://pb.test/web", "web_frame_ancestors": ["https://tg.test:*"]}
    )
    tls = server_context(folder, "pb.test", "tg.test")
    mini_app = web.Application()
    mini_app.add_subapp("/web", build_web_app(site.world.app, secure, {}, {}))
    user = json.dumps({"id": 5001, "first_name": "Priya"})
    launch = sign_for_tests(
        {"auth_date": str(int(time.time())), "user": user}, TOKEN, mini_app=True
    )
    frame_page = web.Application()
    framed: list[str] = []

    async def telegram_web(request: web.Request) -> web.Response:
        """Telegram's web client, as far as it matters here: a page framing the Mini App."""
        frame = f'<iframe src="{framed[0]}" width="360" height="640" title="Mini App"></iframe>'
        return web.Response(text=f"<!doctype html>{frame}", content_type="text/html")

    frame_page.router.add_get("/", telegram_web)
    runners = []
    try:
        ports = []
        for served in (mini_app, frame_page):
            runner = web.AppRunner(served)
            await runner.setup()
            where = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
            await where.start()
            runners.append(runner)
            ports.append(where._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        framed.append(f"https://pb.test:{ports[0]}/web/app#" + urlencode({"tgWebAppData": launch}))
        context = await browser.new_context(ignore_https_errors=True)
        page = await context.new_page()
        await page.goto(f"https://tg.test:{ports[1]}/")
        inside = page.frame_locator("iframe")
        await inside.get_by_role("heading", name="Hello, Priya").wait_for()
        await inside.get_by_role("link", name="Profile").click()
        await inside.get_by_text("Signed in as Priya").wait_for()
        await inside.get_by_role("heading", name="Your profile").wait_for()
        cookies = await context.cookies(f"https://pb.test:{ports[0]}/web/")
        assert [(k["sameSite"], k["secure"]) for k in cookies] == [("None", True)]
        await context.close()
    finally:
        for runner in runners:
            await runner.cleanup()
