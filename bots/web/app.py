"""The web adapter's frame: sessions, sign-in, CSRF, and who is asking on each request.

It translates and holds no rules: every action is the core command the chats use. Pages are
rendered on the server with Jinja2 (aiohttp-jinja2, the aiohttp project's own binding), so a
phone gets finished HTML and no script is needed to use them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import Session, get_session
from aiohttp_session import setup as setup_sessions
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cachetools import TTLCache
from cryptography.fernet import Fernet
from yarl import URL

from bots.app import ParentBrain
from core import commands as c
from core import read_models, requests
from core.actors import Actor, Role
from core.answers import explain
from core.catalogue import all_commands
from core.config import Settings
from core.language import N_, _, from_accept_language, speak
from core.notices import Action

ADMIN_CACHE_SECONDS = 300
IDLE_SECONDS = 7 * 24 * 3600  # a session unused for a week is over

Moderates = Callable[[str, int], Awaitable[bool | None]]  # (account id, community) -> answer
Unreachable = Callable[[str], Awaitable[str | None]]  # account id -> why it can't be messaged
BRAIN = web.AppKey("brain", ParentBrain)
SETTINGS = web.AppKey("settings", Settings)
MODERATES = web.AppKey("moderates", dict[str, Moderates])
UNREACHABLE = web.AppKey("unreachable", dict[str, Unreachable])
ASKED = web.AppKey("asked", TTLCache[tuple[str, str, int], bool])
LINK_KEY = web.AppKey("link_key", bytes)  # signs download links; from the cookie key
HERE = Path(__file__).parent
Page = Callable[[web.Request, Actor], Awaitable[web.StreamResponse]]


def session_cookies(key: bytes, secure: bool) -> EncryptedCookieStorage:
    """Encrypted, HTTP-only session cookies. Over HTTPS they are also SameSite=None and
    partitioned (CHIPS): Telegram's web clients embed the Mini App in a cross-site iframe,
    where a Lax cookie is never sent; a partitioned cookie is kept for that embedding alone,
    so no other site can carry it (and every form still needs its CSRF token)."""
    storage = EncryptedCookieStorage(
        key,
        cookie_name="parentbrain",
        httponly=True,
        samesite="None" if secure else "Lax",
        secure=secure,
        max_age=30 * 24 * 3600,
    )
    return storage


def partitioned(response: web.StreamResponse) -> None:
    """Mark the session cookie Partitioned. Python's cookies before 3.14 don't know the
    attribute, so it is added to the header aiohttp has written for it."""
    cookies = response.headers.getall("Set-Cookie", [])
    if not any(c.startswith("parentbrain=") for c in cookies):
        return
    del response.headers["Set-Cookie"]
    for cookie in cookies:
        marked = cookie.startswith("parentbrain=") and "Partitioned" not in cookie
        response.headers.add("Set-Cookie", f"{cookie}; Partitioned" if marked else cookie)


def cookie_key(settings: Settings) -> bytes:
    if settings.web_secret is None:
        return base64.urlsafe_b64decode(Fernet.generate_key())
    return base64.urlsafe_b64decode(settings.web_secret.get_secret_value())


def build_web_app(
    brain: ParentBrain,
    settings: Settings,
    moderates: Mapping[str, Moderates] | None = None,
    unreachable: Mapping[str, Unreachable] | None = None,
) -> web.Application:
    """The pages; `moderates` asks each chat platform whether someone moderates a community,
    as the chats do, since a moderator is whoever the platform says (never the page);
    `unreachable` asks whether the bot can message someone there, where offers arrive."""
    from bots.web import (  # they use these helpers
        commands,
        downloads,
        family,
        language,
        moderation,
        pages,
        profile,
        projects,
        records,
        signing_in,
        words,
        work,
    )

    app = web.Application()
    app[BRAIN], app[SETTINGS] = brain, settings
    app[MODERATES] = dict(moderates or {})
    app[UNREACHABLE] = dict(unreachable or {})
    app[ASKED] = TTLCache(maxsize=10_000, ttl=ADMIN_CACHE_SECONDS)
    secure = (settings.web_url or "").startswith("https://")
    key = cookie_key(settings)
    app[LINK_KEY] = hashlib.sha256(b"parentbrain download links" + key).digest()
    setup_sessions(app, session_cookies(key, secure))
    app.middlewares.append(language.speak_their_language)  # the sessions' say whose page
    app.middlewares.append(answer_policy)  # inside the sessions', so what it says is kept
    app.on_response_prepare.append(page_headers)
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        context_processors=[_root],  # every page's base href: links hold at any depth
    )
    app.router.add_static("/static", HERE / "static")
    app.router.add_get("/", pages.home, name="home")
    signing_in.add_routes(app)
    pages.add_routes(app)
    moderation.add_routes(app)
    work.add_routes(app)
    profile.add_routes(app)
    commands.add_routes(app)
    records.add_routes(app)
    downloads.add_routes(app)
    family.add_routes(app)
    projects.add_routes(app)
    language.add_routes(app)
    language.install(aiohttp_jinja2.get_env(app))
    where: dict[str, str] = {}  # filled at the first page: the addresses under /web by then

    def web_words(text: object) -> Any:
        if not where:
            where.update(words.addresses(app.router))
        return words.speak_web(str(text), where)

    aiohttp_jinja2.get_env(app).filters["web_words"] = web_words
    aiohttp_jinja2.get_env(app).globals["limit"] = limit
    # Each form shown gets its own id: sent twice (a double tap, a retry), it is applied once.
    aiohttp_jinja2.get_env(app).globals["once"] = lambda: secrets.token_urlsafe(12)
    return app


@web.middleware
async def answer_policy(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """The answer policy every front end shares (core/answers.py): a form the domain refuses
    is its sentence at the top of the page it came from; anything unexpected is the apology
    with an error id, never a stack trace."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        # Stopped while reading, before anything was stored: said in a sentence, not a code.
        text = _(
            "That was more than this page takes at once, so nothing was read or kept; share large files as links, and keep words shorter."
        )
        return render(request, "message.html", {"text": text}, status=413)
    except web.HTTPException:
        raise
    except Exception as err:
        answered = explain(err, who=f"web {request.method} {request.path}")
        if not answered.refused:
            return render(request, "message.html", {"text": answered.text}, status=500)
        if request.method != "POST":
            return render(request, "message.html", {"text": answered.text}, status=422)
        await say_next(request, answered.text)
        raise web.HTTPSeeOther(came_from(request)) from None


# Scripts and styles from this site only; only Telegram's web clients may frame a page (the
# Mini App); forms post here alone.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'self'"  # and PARENTBRAIN_WEB_FRAME_ANCESTORS (Telegram's web clients)
)


async def page_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Every page: the content policy, no referrer beyond this site, no type sniffing; and
    nothing a signed-in person saw kept in a cache (Back after sign-out shows nothing)."""
    ancestors = " ".join(request.app[SETTINGS].web_frame_ancestors)
    response.headers.setdefault("Content-Security-Policy", f"{POLICY} {ancestors}".rstrip())
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if (request.app[SETTINGS].web_url or "").startswith("https://"):
        partitioned(response)
    if "/static/" not in request.path:
        response.headers["Cache-Control"] = "no-store"


def came_from(request: web.Request) -> str:
    """The page a form was on (this site's own pages only), else the home page."""
    home = str(request.app.router["home"].url_for())
    referer = URL(request.headers.get("Referer", ""))
    if referer.path.startswith(home) and (
        not referer.host or referer.host == request.host.split(":")[0]
    ):
        return str(referer.relative())
    return home


async def _root(request: web.Request) -> dict[str, Any]:
    """Where the pages live (`/web/`), so relative links work from any page."""
    return {"root": str(request.app.router["home"].url_for())}


# Who is asking ----------------------------------------------------------------------------


async def actor_for(request: web.Request) -> Actor | None:
    """The signed-in person as core knows them; None when nobody is signed in."""
    session = await get_session(request)
    who = session.get("who")
    if not who:
        return None
    brain = request.app[BRAIN]
    now = brain.clock.now().timestamp()
    if now - float(session.get("seen", 0)) > IDLE_SECONDS:
        session.invalidate()  # left unused too long: sign in again
        return None
    actor: Actor = await brain.handle(
        c.RegisterAccount(
            platform=who["platform"],
            external_id=who["external_id"],
            display_name=who["name"],
            handle=who.get("handle"),
            platform_language=from_accept_language(request.headers.get("Accept-Language")),
            remember_language=False,  # the browser speaks for this page; the chat app for chats
        )
    )
    speak(actor.language)  # what they chose comes before what the browser asks for
    async with brain.uow() as uow:
        ended = await read_models.web_sessions_ended_at(uow, actor.member_id)
    since = float(session.get("since", 0))
    if session.setdefault("member", actor.member_id) != actor.member_id or (
        ended is not None and since < ended.timestamp()
    ):
        session.invalidate()  # signed out (on any device), forgotten, or suspended
        return None
    session["seen"] = now
    if actor.community_id is not None and await _moderates(request, who, actor.community_id):
        actor = actor.model_copy(update={"roles": actor.roles | {Role.MODERATOR}})
    return actor


async def _moderates(request: web.Request, who: dict[str, str], community_id: int) -> bool:
    """The platform's answer, kept a few minutes, as the chats keep theirs."""
    key = (who["platform"], who["external_id"], community_id)
    asked = request.app[ASKED]
    if key not in asked:
        check = request.app[MODERATES].get(who["platform"])
        answer = await check(who["external_id"], community_id) if check is not None else None
        if answer is None:
            return False  # the platform couldn't say: not a moderator, and ask again next time
        asked[key] = answer
    return asked[key]


def signed_in(page: Page) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A page for signed-in people; others go to the sign-in page. A form must carry the
    session's CSRF token, or nothing happens."""

    async def handler(request: web.Request) -> web.StreamResponse:
        actor = await actor_for(request)
        if actor is None:
            raise web.HTTPSeeOther(request.app.router["signin"].url_for())
        if request.method == "POST":
            session = await get_session(request)
            form = await request.post()
            once = str(form.get("once", ""))[:40]
            if once:  # this form, shown once: its commands know it (core/requests.py)
                with requests.request(f"web:{actor.member_id}:{once}"):
                    return await _checked(request, actor, form, session)
            return await _checked(request, actor, form, session)
        return await page(request, actor)

    async def _checked(
        request: web.Request, actor: Actor, form: Any, session: Session
    ) -> web.StreamResponse:
        if not secrets.compare_digest(str(form.get("csrf", "")), session.get("csrf", "-")):
            text = _("That form is out of date, so nothing was done. Go back and try again.")
            return render(request, "message.html", {"text": text}, status=403)
        return await page(request, actor)

    return handler


def render(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    return aiohttp_jinja2.render_template(template, request, context, status=status)


async def ask_first(request: web.Request, actor: Actor, question: str) -> web.Response | None:
    """Money moves only after a yes: the question, with the form's own fields and a Yes that
    sends them again; None once the person has said yes."""
    form = await request.post()
    if form.get("confirmed") == "yes":
        return None
    fields = {
        name: value
        for name, value in form.items()
        if isinstance(value, str) and name not in ("csrf", "confirmed")
    }
    context = await page_context(request, actor)
    context |= {"question": question, "action": request.path, "fields": fields}
    context |= {"back": came_from(request)}
    return render(request, "confirm.html", context)


async def why_unreachable(request: web.Request) -> str | None:
    """Why offers can't reach the signed-in person in their chat, and what to do; None
    when they can, or the platform can't tell."""
    session = await get_session(request)
    who = session.get("who") or {}
    check = request.app[UNREACHABLE].get(who.get("platform", ""))
    return await check(who["external_id"]) if check is not None else None


async def say_next(request: web.Request, text: str, actions: Sequence[Action] = ()) -> None:
    """A sentence shown at the top of the next page (after a form's redirect), with the
    buttons that came with it, as the chats show them under a message."""
    session = await get_session(request)
    buttons = [[action.label, action.token] for action in actions]
    session["said"] = [*session.get("said", []), {"text": text, "buttons": buttons}][-3:]


PAGE_NAMES = {
    "home": N_("Today"),
    "profile": N_("Profile"),
    "moderate": N_("Moderate"),
    "post": N_("Post work"),
    "items": N_("My items"),
    "project_form": N_("Post a project"),
    "projects": N_("Projects"),
    "record": N_("My record"),
    "week": N_("My week"),
    "everything": N_("Everything"),
}


def navigation(request: web.Request, actor: Actor) -> list[tuple[str, str]]:
    """(address, name) of the pages this person's commands live on, from the catalogue."""
    pages = [e.web_page for e in all_commands() if e.web_page and e.for_role(actor.roles)]
    ordered = [*dict.fromkeys([*pages, "everything"])]
    return [(str(request.app.router[name].url_for()), _(PAGE_NAMES[name])) for name in ordered]


async def page_context(request: web.Request, actor: Actor) -> dict[str, Any]:
    session = await get_session(request)
    said = session.pop("said", [])
    return {
        "actor": actor,
        "download": lambda file_id: download_link(request, actor, file_id),
        "signed_in_as": session.get("who", {}).get("name", ""),
        "csrf": session["csrf"],
        "said": said,
        "roles": set(actor.roles),
        "navigation": navigation(request, actor),
    }


def limit(command: str, field: str) -> str:
    """A form box's attributes from the command it becomes: its longest answer, and whether
    it may be left empty (the limits are written once, on the command)."""
    info = getattr(c, command).model_fields[field]
    longest = next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), 0)
    shortest = next((m.min_length for m in info.metadata if getattr(m, "min_length", None)), 0)
    attributes = f'maxlength="{longest}"' if longest else ""
    return attributes + (" required" if shortest else "")


DOWNLOAD_SECONDS = 15 * 60  # a download link works this long, for the person it was made for


def link_signature(request: web.Request, member_id: int, file_id: int, until: int) -> str:
    message = f"{member_id}:{file_id}:{until}".encode()
    return hmac.new(request.app[LINK_KEY], message, hashlib.sha256).hexdigest()[:32]


def download_link(request: web.Request, actor: Actor, file_id: int) -> str:
    """A link to a delivered file that works for this person alone, for a quarter of an hour."""
    until = int(request.app[BRAIN].clock.now().timestamp()) + DOWNLOAD_SECONDS
    signature = link_signature(request, actor.member_id, file_id, until)
    return f"files/{file_id}?until={until}&sig={signature}"
