"""Scenarios on the web: the real aiohttp app, signed in with Telegram's signature, sessions and
CSRF as a browser sends them.

A person on the web is a Telegram member who opened the pages (the Mini App, or a browser):
what they do goes through the pages; what the bot sends them still arrives in their Telegram
chat, since that is where notices go. Commands the catalogue keeps off the web (/setup, say)
are typed in that chat, as such a person would.
"""

from __future__ import annotations

import html
import re
import time
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from bots.app import ParentBrain
from bots.run import web_app
from bots.telegram.app import moderates_on_telegram, unreachable_on_telegram
from bots.web.signin import sign_for_tests
from core.answers import SORRY
from core.catalogue import Place, find
from core.clock import ManualClock
from core.forms import POST, PROJECT
from core.language import LANGUAGES
from core.language.catalogues import translations
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.telegram_driver import MOD_CHAT, TelegramDriver

SAID = re.compile(
    r'<p class="(?:said|error|pre)"[^>]*>(.*?)</p>|<label for="words">(.*?)</label>', re.S
)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
BUTTON = re.compile(r'name="token" value="([^"]+)">\s*<button[^>]*>(.*?)</button>', re.S)


def texts_in(page: str) -> list[str]:
    """What a person reads as the answer on a page: the sentences said at its top, the
    answer under a form, and any mistake beside a field."""
    return [
        html.unescape(re.sub(r"<[^>]+>", "", "".join(found))).strip()
        for found in SAID.findall(page)
    ]


class _TelegramSays:
    """The web asks Telegram who moderates, as `parentbrain run` wires it."""

    def __init__(self, driver: WebDriver) -> None:
        self.driver = driver

    def routes(self) -> list[Any]:
        return []

    def connected(self) -> bool:
        return True

    async def unreachable_because(self, external_id: str) -> str | None:
        return await unreachable_on_telegram(self.driver.application.bot, external_id)

    async def moderates(self, external_id: str, community_id: int) -> bool | None:
        bot = self.driver.application.bot
        return await moderates_on_telegram(bot, self.driver.brain, external_id, community_id)


class WebDriver(TelegramDriver):
    platform = "telegram"  # their account, and where their notices arrive
    front_end = "web"

    def __init__(self, brain: ParentBrain, clock: ManualClock, fake: FakeTelegram) -> None:
        super().__init__(brain, clock, fake)
        self.browsers: dict[str, aiohttp.ClientSession] = {}
        self.csrf: dict[str, str] = {}
        self.waiting: dict[str, str] = {}  # a button's token whose question is on the page
        self.buttons: dict[str, list[tuple[str, str]]] = {}  # on the pages each has seen
        self.server: TestServer | None = None

    async def start(self) -> None:
        await super().start()
        self.brain.settings.web_url = "http://127.0.0.1/web"
        self.server = TestServer(web_app(self.brain, {"telegram": _TelegramSays(self)}))  # type: ignore[dict-item]
        await self.server.start_server()

    async def stop(self) -> None:
        for browser in self.browsers.values():
            await browser.close()
        if self.server is not None:
            await self.server.close()
        await super().stop()

    def url(self, path: str = "") -> str:
        assert self.server is not None
        return str(self.server.make_url(f"/web/{path}"))

    async def _browser(self, name: str) -> aiohttp.ClientSession:
        """Signed in once, by Telegram's signed sign-in link, as the browser follows it."""
        if name not in self.browsers:
            await self.belongs(name)
            fields = {"id": str(self.uid(name)), "first_name": name}
            fields["auth_date"] = str(int(time.time()))
            token = self.brain.settings.telegram_token
            assert token is not None
            signed = sign_for_tests(fields, token.get_secret_value(), mini_app=False)
            browser = aiohttp.ClientSession(
                cookie_jar=aiohttp.CookieJar(unsafe=True),
                headers={"Accept-Language": f"{self.app_language(name)};q=1.0"},
            )
            async with browser.get(self.url(f"auth/telegram?{signed}")) as page:
                shown = await page.text()
                assert page.status == 200 and name in shown, shown
            found = CSRF.search(shown)
            assert found is not None
            self.browsers[name], self.csrf[name] = browser, found.group(1)
        return self.browsers[name]

    async def _send(self, name: str, path: str, fields: dict[str, Any]) -> list[str]:
        """A form sent as the browser sends it; what the page then says, and the new texts
        in the person's Telegram chat."""
        return (await self._send_for_page(name, path, fields))[1]

    async def _send_form(self, name: str, path: str, form: aiohttp.FormData) -> list[str]:
        return (await self._send_for_page(name, path, form))[1]

    async def _send_for_page(
        self, name: str, path: str, fields: dict[str, Any] | aiohttp.FormData
    ) -> tuple[str, list[str]]:
        browser = await self._browser(name)
        before = self._snapshot(name)
        data = (
            fields if isinstance(fields, aiohttp.FormData) else {**fields, "csrf": self.csrf[name]}
        )
        async with browser.post(self.url(path), data=data) as page:
            shown = await page.text()
            assert page.status != 500, shown
        if 'name="confirmed" value="yes"' in shown:  # "Are you sure?": yes, as they meant it
            again = data if isinstance(data, dict) else {}
            async with browser.post(self.url(path), data={**again, "confirmed": "yes"}) as page:
                shown = await page.text()
                assert page.status != 500, shown
        said = texts_in(shown)
        seen = [(html.unescape(label), token) for token, label in BUTTON.findall(shown)]
        self.buttons[name] = [*self.buttons.get(name, []), *seen]  # Back shows them again
        apologies = {SORRY, *(translations(lang).gettext(SORRY) for lang in LANGUAGES)}
        assert not any(a in text for a in apologies for text in said), f"the web failed: {said}"
        await self.brain.outbox.drain()
        return shown, said + self._new_texts(name, before)

    def _new_texts(self, name: str, before: set[tuple[int, int, int]]) -> list[str]:
        return [
            m.text
            for c in self._chats(name)
            for m in self.fake.chats[c]
            if (c, m.message_id, m.edits) not in before
        ]

    async def command(
        self, name: str, command: str, args: str = "", *, where: str | int = "dm"
    ) -> list[str]:
        entry = find(command)
        if entry is None or Place.WEB not in entry.places or not isinstance(where, str):
            return await super().command(name, command, args, where=where)  # in their chat
        if command == "available":
            return await self._send(name, "available", {"window": args})
        if command == "profile":
            field, _, value = args.partition(" ")
            names = {"rate": "rate_floor", "quiet": "quiet_hours"}
            return await self._send(name, "profile", {names.get(field, field): value})
        if command == "submit":
            number, _, body = args.partition(" ")
            return await self._send(name, f"jobs/{number.lstrip('#')}/deliver", {"body": body})
        if command == "post":
            return await self._send(name, "post", {})
        if entry.run is None:
            return await super().command(name, command, args, where=where)
        return await self._send(name, f"do/{command}", entry.read_typed(args))

    async def press(self, name: str, label: str) -> list[str]:
        """The button the person sees (on a page they saw, else in their chat or the
        moderators') pressed on the web: its token sent to the page that carries out
        buttons."""
        label = self.in_their_words(name, label)
        on_the_page = [token for shown, token in self.buttons.get(name, []) if shown == label]
        if on_the_page:
            return await self.forge(name, on_the_page[-1])
        try:
            sent = self.fake.find(self.uid(name), label)
        except AssertionError:
            sent = self.fake.find(MOD_CHAT, label)
        token = next(d for t, d in sent.buttons if t == label)
        return await self.forge(name, token)

    async def forge(self, name: str, token: str) -> list[str]:
        shown, said = await self._send_for_page(name, "press", {"token": token})
        if 'name="words"' in shown:  # the button asks for a few words first
            self.waiting[name] = token
        return said

    async def reply(self, name: str, text: str) -> list[str]:
        token = self.waiting.pop(name, None)
        if token is None:
            return await super().reply(name, text)
        return await self._send(name, "press", {"token": token, "words": text})

    async def post(self, name: str, *, urgent: bool = False, **fields: str) -> list[str]:
        form = {field.name: fields[field.name] for field in POST.typed}
        if urgent:
            form["urgent"] = "on"
        return await self._send(name, "post", form)

    async def post_project(self, name: str, **fields: str) -> list[str]:
        form = {field.name: fields[field.name] for field in PROJECT.typed}
        return await self._send(name, "projects/new", form)

    async def onboard(self, name: str, skills: list[str], level: str) -> list[str]:
        """The profile page, filled in as the chats' first conversation asks."""
        chosen = ", ".join(f"{skill.lower()}:{level}" for skill in skills)
        return await self._send(name, "profile", {"skills": chosen, "quiet_hours": "22:00-07:00"})

    async def send_file(
        self,
        name: str,
        filename: str,
        content: bytes,
        *,
        caption: str = "",
        kind: str = "document",
        claimed_size: int | None = None,
    ) -> list[str]:
        """A file chosen on the job's card: for the job whose Submit work was pressed, or the
        one the caption names. Without a job there is no card to send it from, so it goes
        through the chat, as such a person would send it."""
        words = caption
        token = self.waiting.pop(name, "")
        if token.startswith("ws:"):
            job = token.removeprefix("ws:")
        else:
            found = re.fullmatch(r"/submit\s+#?(\d+)\s*(.*)", caption.strip(), re.S)
            if found is None:
                return await super().send_file(
                    name, filename, content, caption=caption, kind=kind, claimed_size=claimed_size
                )
            job, words = found.group(1), found.group(2)
        await self._browser(name)
        form = aiohttp.FormData()
        form.add_field("csrf", self.csrf[name])
        form.add_field("body", words)
        types = {"photo": "image/jpeg", "video": "video/mp4", "voice": "audio/ogg"}
        form.add_field(
            "files",
            content,
            filename=filename,
            content_type=types.get(kind, "application/octet-stream"),
        )
        return await self._send_form(name, f"jobs/{job}/deliver", form)
