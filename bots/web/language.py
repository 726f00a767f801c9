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
from aiohttp_session import get_session
from markupsafe import Markup

from bots.web.app import BRAIN, say_next, signed_in
from core import commands as c
from core import communities
from core.actors import Actor
from core.answers import answer
from core.language import LANGUAGES, current, formatting, from_accept_language, speak
from core.language.catalogues import translations
from core.language.people import language_of_account

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
    """Write this page in its reader's language."""
    if request.path.startswith("/static/") or "/static/" in request.path:
        return await handler(request)
    browser = from_accept_language(request.headers.get("Accept-Language"))
    session = await get_session(request)
    who = session.get("who")
    try:
        language = await _language_of(request, who, browser)
    except Exception:  # the store is unreachable: the page says so; the browser's word will do
        log.warning("no language from the store for %s", request.path, exc_info=True)
        language = browser or ""
    speak(language)
    response = await handler(request)
    response.headers.setdefault("Content-Language", current())
    return response


async def _language_of(request: web.Request, who: Any, browser: str | None) -> str:
    brain = request.app[BRAIN]
    platform, external_id = (who["platform"], who["external_id"]) if who else ("web", "")
    async with brain.uow() as uow:
        community = await communities.sole_community(uow, who["platform"] if who else "telegram")
        return await language_of_account(
            uow,
            platform,
            external_id,
            said=browser,
            community_id=community.id if community is not None else None,
        )


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
