"""The web in each person's language: what they chose (with /language, or the switch on
their profile), else what their browser asks for (Accept-Language), else the community's,
else the deployment's. Templates read the same catalogues as the chats, through Jinja2's
i18n extension, and `<html lang>` says which language the page is in."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup

from bots.web.app import BRAIN, say_next, signed_in
from core import commands as c
from core.actors import Actor
from core.answers import answer
from core.language import LANGUAGES, current, formatting, from_accept_language, speak
from core.language.catalogues import translations

log = logging.getLogger(__name__)


def add_routes(app: web.Application) -> None:
    app.router.add_post("/language", signed_in(choose), name="language")


def _as_html(words: str) -> Markup:
    """Our own words as page text: markup characters escaped, an apostrophe left as it is."""
    for plain, html in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        words = words.replace(plain, html)
    return Markup(words)


def page_gettext(message: str, /, **values: Any) -> Markup:
    """A template's words, translated; what fills their placeholders is escaped (Markup)."""
    shown = _as_html(translations(current()).gettext(message))
    return shown.format(**values) if values else shown


def page_ngettext(singular: str, plural: str, n: int, /, **values: Any) -> Markup:
    return _as_html(translations(current()).ngettext(singular, plural, n)).format(n=n, **values)


def install(env: jinja2.Environment) -> None:
    """`_()` and `ngettext()` in every template, from the catalogues, in the page's language."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=page_gettext, ngettext=page_ngettext, newstyle=False
    )
    env.globals["languages"] = LANGUAGES
    env.globals["page_language"] = current
    env.filters["moment"] = formatting.local_moment


@web.middleware
async def speak_their_language(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Write this page in the browser's language (Accept-Language) until the person signed in
    is known (`actor_for`, which says what they chose first)."""
    speak(browser_language(request))
    response = await handler(request)
    response.headers.setdefault("Content-Language", current())
    return response


def browser_language(request: web.Request) -> str | None:
    return from_accept_language(request.headers.get("Accept-Language"))


async def choose(request: web.Request, actor: Actor) -> web.StreamResponse:
    """The profile's language switch: /language, from a form."""
    form = await request.post()
    chosen = str(form.get("language", ""))[:20]
    brain = request.app[BRAIN]

    async def change() -> Any:
        return await brain.handle(c.ChooseLanguage(actor=actor, language=chosen))

    answered = await answer(change, who="web")  # said in the language chosen
    await say_next(request, answered.text)
    raise web.HTTPSeeOther(request.app.router["profile"].url_for())
