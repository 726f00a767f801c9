"""Signing in and out of the web pages: Telegram's Mini App and sign-in page, Discord's OAuth2,
a fresh session each time (no fixation), and a sign-out that ends every session of the person
on the server."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from aiohttp import web
from aiohttp_session import Session, get_session, new_session

from bots.web.app import BRAIN, SETTINGS, actor_for, render, signed_in
from bots.web.signin import (
    DiscordOAuth,
    Identity,
    SignInRefused,
    login_widget_identity,
    mini_app_identity,
)
from core import commands as c
from core.actors import Actor, Role
from core.config import Settings
from core.language import _


async def _begin(request: web.Request, identity: Identity) -> web.StreamResponse:
    session: Session = await new_session(request)  # a fresh session: no fixation
    session["who"] = {
        "platform": identity.platform,
        "external_id": identity.external_id,
        "name": identity.display_name,
        "handle": identity.handle,
    }
    session["csrf"] = secrets.token_urlsafe(32)
    session["since"] = session["seen"] = request.app[BRAIN].clock.now().timestamp()
    raise web.HTTPSeeOther(request.app.router["welcome"].url_for())


async def _welcome(request: web.Request, actor: Actor) -> web.StreamResponse:
    """Where someone lands after signing in: a moderator on the queue, a business on its
    items, a parent on their day."""
    page = (
        "moderate"
        if Role.MODERATOR in actor.roles
        else "items"
        if Role.BUSINESS in actor.roles
        else "home"
    )
    raise web.HTTPSeeOther(request.app.router[page].url_for())


def _refused(request: web.Request, err: SignInRefused) -> web.Response:
    return render(request, "message.html", {"text": str(err)}, status=403)


def _token(request: web.Request) -> str:
    token = request.app[SETTINGS].telegram_token
    if token is None:
        raise web.HTTPNotFound(text="Telegram sign-in isn't set up here.")
    return token.get_secret_value()


async def signin_page(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    return render(
        request,
        "signin.html",
        {
            "telegram_link": telegram_link(settings),
            "discord": settings.discord_client_id is not None,
            "signed_out": request.query.get("out") == "1",
        },
    )


def telegram_link(settings: Settings) -> str | None:
    """Telegram's own sign-in page (what the Login Widget opens), which comes back to
    /auth/telegram with the signed fields; a plain link, so this page loads nothing remote."""
    if settings.telegram_token is None or not settings.web_url:
        return None
    base = settings.web_url.rstrip("/")
    origin = "/".join(base.split("/")[:3])
    query = urlencode(
        {
            "bot_id": settings.telegram_token.get_secret_value().split(":", 1)[0],
            "origin": origin,
            "request_access": "write",
            "return_to": f"{base}/auth/telegram",
        }
    )
    return f"https://oauth.telegram.org/auth?{query}"


async def telegram_login(request: web.Request) -> web.StreamResponse:
    """Telegram's sign-in comes back here: its fields in the fragment (posted by the page, so
    they stay out of addresses and logs), or in the query as the Login Widget sends them."""
    settings = request.app[SETTINGS]
    fields = dict(await request.post()) if request.method == "POST" else dict(request.query)
    if "hash" not in fields:
        return render(request, "telegram_return.html", {})
    try:
        identity = login_widget_identity(
            {k: str(v) for k, v in fields.items()},
            _token(request),
            settings.web_signin_max_age_seconds,
        )
    except SignInRefused as err:
        return _refused(request, err)
    return await _begin(request, identity)


async def mini_app_page(request: web.Request) -> web.Response:
    """Opened inside Telegram: a script hands Telegram.WebApp.initData to /auth/mini-app."""
    return render(request, "mini_app.html", {})


async def mini_app_login(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    form = await request.post()
    try:
        identity = mini_app_identity(
            str(form.get("init_data", "")), _token(request), settings.web_signin_max_age_seconds
        )
    except SignInRefused as err:
        return _refused(request, err)
    return await _begin(request, identity)


def _discord(request: web.Request) -> DiscordOAuth:
    settings = request.app[SETTINGS]
    if settings.discord_client_id is None or settings.discord_client_secret is None:
        raise web.HTTPNotFound(text="Discord sign-in isn't set up here.")
    return DiscordOAuth(
        settings.discord_client_id,
        settings.discord_client_secret.get_secret_value(),
        f"{settings.web_url or ''}/auth/discord/callback",
        settings.discord_oauth_url.rstrip("/"),
    )


async def discord_login(request: web.Request) -> web.StreamResponse:
    oauth = _discord(request)
    session = await get_session(request)
    session["oauth_state"] = state = secrets.token_urlsafe(24)
    raise web.HTTPSeeOther(oauth.authorize_url(state))


async def discord_callback(request: web.Request) -> web.StreamResponse:
    oauth = _discord(request)
    session = await get_session(request)
    expected = session.pop("oauth_state", None)
    if not expected or not secrets.compare_digest(expected, request.query.get("state", "")):
        return _refused(
            request, SignInRefused(_("That sign-in is out of date; please start again."))
        )
    try:
        identity = await oauth.identity(request.query.get("code", ""))
    except SignInRefused as err:
        return _refused(request, err)
    return await _begin(request, identity)


async def signout(request: web.Request) -> web.StreamResponse:
    """Signing out always signs out, whatever the form's token (a second tab's sign-in may
    have changed it): ending a session harms nobody. It ends on the server too, so a copy of
    the cookie opens nothing afterwards."""
    actor = await actor_for(request)
    if actor is not None:  # every session of theirs, on every device, ends here
        await request.app[BRAIN].handle(c.EndWebSessions(actor=actor))
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPSeeOther(request.app.router["signin"].url_for().with_query(out="1"))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/signin", signin_page, name="signin")
    app.router.add_get("/auth/telegram", telegram_login)
    app.router.add_post("/auth/telegram", telegram_login)
    app.router.add_post("/auth/mini-app", mini_app_login)
    app.router.add_get("/app", mini_app_page)
    app.router.add_get("/auth/discord", discord_login)
    app.router.add_get("/auth/discord/callback", discord_callback)
    app.router.add_post("/signout", signout)
    app.router.add_get("/welcome", signed_in(_welcome), name="welcome")
