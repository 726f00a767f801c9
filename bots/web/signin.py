"""Proving who someone is: Telegram's signed data (Mini App or Login Widget) and Discord OAuth2.

Both Telegram checks follow Telegram's documentation: the fields but `hash`, sorted and joined
as `key=value` lines, signed with HMAC-SHA256. A Mini App's key is HMAC-SHA256("WebAppData",
token); the Login Widget's is SHA-256(token). Either is refused when older than the setting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp

from core.language import _


class SignInRefused(Exception):
    """Signed data that doesn't check out; the message is safe to show."""


@dataclass(frozen=True)
class Identity:
    platform: str  # telegram | discord
    external_id: str
    display_name: str
    handle: str | None = None


def _check(fields: dict[str, str], key: bytes, max_age: float, now: float) -> None:
    given = fields.pop("hash", "")
    lines = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    expected = hmac.new(key, lines.encode(), hashlib.sha256).hexdigest()
    if not given or not hmac.compare_digest(expected, given):
        raise SignInRefused(_("That sign-in link isn't from Telegram; open it from the bot again."))
    try:
        signed_at = int(fields.get("auth_date", "0"))
    except ValueError:
        raise SignInRefused(
            _("That sign-in link is damaged; open it from the bot again.")
        ) from None
    if now - signed_at > max_age:
        raise SignInRefused(_("That sign-in link has expired; open it from the bot again."))


def mini_app_identity(
    init_data: str, token: str, max_age: float, now: float | None = None
) -> Identity:
    """Who opened the Mini App, from `Telegram.WebApp.initData`."""
    fields = dict(parse_qsl(init_data, keep_blank_values=True))
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    _check(fields, key, max_age, time.time() if now is None else now)
    try:
        user = json.loads(fields.get("user", ""))
        return Identity(
            "telegram",
            str(int(user["id"])),
            str(user.get("first_name") or user.get("username") or "Parent"),
            user.get("username"),
        )
    except (ValueError, KeyError, TypeError):
        raise SignInRefused(
            _("That sign-in link names nobody; open it from the bot again.")
        ) from None


def login_widget_identity(
    fields: dict[str, str], token: str, max_age: float, now: float | None = None
) -> Identity:
    """Who signed in with the Telegram Login Widget (its fields arrive as query parameters)."""
    fields = dict(fields)
    key = hashlib.sha256(token.encode()).digest()
    _check(fields, key, max_age, time.time() if now is None else now)
    if not fields.get("id", "").isdigit():
        raise SignInRefused(_("That sign-in link names nobody; sign in again."))
    return Identity(
        "telegram",
        fields["id"],
        fields.get("first_name") or fields.get("username") or "Parent",
        fields.get("username"),
    )


def sign_for_tests(fields: dict[str, str], token: str, *, mini_app: bool) -> str:
    """Signed data as Telegram would make it: the query string with its hash."""
    key = (
        hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
        if mini_app
        else hashlib.sha256(token.encode()).digest()
    )
    lines = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
    signed = hmac.new(key, lines.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": signed})


@dataclass(frozen=True)
class DiscordOAuth:
    """Discord's authorization-code flow with the `identify` scope."""

    client_id: str
    client_secret: str
    redirect_uri: str
    base_url: str = "https://discord.com"

    def authorize_url(self, state: str) -> str:
        query = urlencode(
            {
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "response_type": "code",
                "scope": "identify",
                "state": state,
                "prompt": "none",
            }
        )
        return f"{self.base_url}/oauth2/authorize?{query}"

    async def identity(self, code: str) -> Identity:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
        }
        pair = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        basic = {"Authorization": f"Basic {pair}"}
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            token_url = f"{self.base_url}/api/oauth2/token"
            async with http.post(token_url, data=form, headers=basic) as got:
                if got.status != 200:
                    raise SignInRefused(_("Discord didn't confirm that sign-in; please try again."))
                grant: dict[str, Any] = await got.json()
            bearer = {"Authorization": f"Bearer {grant['access_token']}"}
            async with http.get(f"{self.base_url}/api/users/@me", headers=bearer) as got:
                if got.status != 200:
                    raise SignInRefused(_("Discord didn't say who you are; please try again."))
                user: dict[str, Any] = await got.json()
        return Identity(
            "discord",
            str(user["id"]),
            str(user.get("global_name") or user.get("username") or "Parent"),
            user.get("username"),
        )
