"""A small fake of Discord's REST API and gateway, enough for discord.py 2.7 to log in, sync
commands, connect, answer interactions (defer, follow-ups, modals) and send or edit DMs.

The gateway behaves as Discord documents: READY lists the bot's servers as unavailable stubs,
and GUILD_CREATE (with roles and channels) follows only when the GUILDS intent was asked for.
Interactions arrive over it as INTERACTION_CREATE.

discord.py only parses a body as JSON when Content-Type is exactly application/json.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

APP_ID = 700_000_000_000_000_001
BOT_ID = APP_ID
GUILD_ID = 800_000_000_000_000_001
CHANNEL_ID = 800_000_000_000_000_002
MOD_ROLE_ID = 800_000_000_000_000_003
MOD_ROLE = "Moderators"
MOD_CHANNEL_ID = 800_000_000_000_000_005
HELP_CHANNEL_ID = 800_000_000_000_000_006
ADMIN_ROLE_ID = 800_000_000_000_000_004  # no special name, but has Manage Server (1 << 5)
ROLE_PERMISSIONS = {MOD_ROLE_ID: 0, ADMIN_ROLE_ID: 1 << 5}
GUILDS_INTENT = 1 << 0
NOW = "2026-03-02T09:00:00.000000+00:00"


def user_payload(user_id: int, name: str) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name.lower(),
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": user_id == BOT_ID,
    }


@dataclass
class Posted:
    id: int
    channel_id: int
    content: str
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (label, custom_id)
    ephemeral: bool = False
    for_user: int | None = None
    edits: int = 0
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (name, content) attached


class FakeDiscord:
    def __init__(self) -> None:
        self.users: dict[int, str] = {BOT_ID: "Parent Brain"}
        self.dm_channels: dict[int, int] = {}
        self.messages: dict[int, list[Posted]] = defaultdict(list)
        self.dms_closed: set[int] = set()
        self.member_roles: dict[int, list[int]] = defaultdict(list)
        self.departed: set[int] = set()  # users no longer in the server
        self.interactions: dict[str, dict[str, Any]] = {}  # token -> {"user": id, "channel": id}
        self.modals: dict[int, dict[str, Any]] = {}  # user id -> the modal last shown to them
        self.callbacks: list[tuple[str, int]] = []  # (token, response type)
        self._answered: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
        self.synced: list[dict[str, Any]] = []  # the global commands
        self.guild_synced: list[dict[str, Any]] | None = None  # the server's own, if ever synced
        self.identified_intents: int | None = None
        self.sends_guild_create = True  # False: the server stays a stub, as during an outage
        self.guild_created = asyncio.Event()
        self._socket: web.WebSocketResponse | None = None
        self._sequence = itertools.count(1)
        self._ids = itertools.count(900_000_000_000_000_001)
        self.oauth_user: int | None = None  # who approves the next OAuth2 sign-in
        self._codes: dict[str, int] = {}  # authorization code -> user
        self._bearers: dict[str, int] = {}  # access token -> user
        self.attachments: dict[str, tuple[str, bytes]] = {}  # CDN: id -> (name, content)
        self.unreadable: set[str] = set()  # attachment ids the CDN refuses
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)  # room for uploaded files
        app.router.add_route("*", "/api/v10/{path:.*}", self._handle)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{name}", self._cdn)
        app.router.add_get("/oauth2/authorize", self._authorize)
        app.router.add_post("/api/oauth2/token", self._token)
        app.router.add_get("/api/users/@me", self._me)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/api/v10"
        self.gateway_url = f"ws://127.0.0.1:{port}/gateway"
        return self.url

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def next_id(self) -> int:
        return next(self._ids)

    def answered(self, token: str) -> asyncio.Event:
        """Set once the interaction with this token has had its first answer."""
        return self._answered[token]

    def permissions_of(self, user_id: int) -> int:
        """What Discord resolves a member's roles to, as it sends with an interaction."""
        bits = 0
        for role in self.member_roles[user_id]:
            bits |= ROLE_PERMISSIONS.get(role, 0)
        return bits

    # The gateway ----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 45_000}})
        async for frame in socket:
            message = json.loads(frame.data)
            if message["op"] == 1:  # heartbeat
                await socket.send_json({"op": 11})
            elif message["op"] == 2:  # identify
                self.identified_intents = int(message["d"].get("intents", 0))
                await self.dispatch("READY", self._ready())
                if self.identified_intents & GUILDS_INTENT and self.sends_guild_create:
                    await self.dispatch("GUILD_CREATE", self._guild() | self._guild_extras())
                    self.guild_created.set()
        return socket

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        assert self._socket is not None, "the bot has not connected to the gateway"
        await self._socket.send_json({"op": 0, "t": event, "s": next(self._sequence), "d": data})

    def _ready(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": user_payload(BOT_ID, "Parent Brain"),
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
        }

    def _guild_extras(self) -> dict[str, Any]:
        return {
            "unavailable": False,
            "member_count": len(self.users),
            "large": False,
            "joined_at": NOW,
            "channels": [],
            "threads": [],
            "members": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def dm_channel(self, user_id: int) -> int:
        return self.dm_channels.setdefault(user_id, self.next_id())

    # Responses ------------------------------------------------------------------------------

    @staticmethod
    def _json(body: Any, status: int = 200) -> web.Response:
        return web.Response(
            body=json.dumps(body).encode(),
            status=status,
            headers={"Content-Type": "application/json"},
        )

    @staticmethod
    def _empty() -> web.Response:
        return web.Response(status=204)

    def _message(self, posted: Posted) -> dict[str, Any]:
        rows = [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 1, "label": label, "custom_id": cid}
                    for label, cid in posted.buttons[i : i + 5]
                ],
            }
            for i in range(0, len(posted.buttons), 5)
        ]
        return {
            "id": str(posted.id),
            "channel_id": str(posted.channel_id),
            "content": posted.content,
            "author": user_payload(BOT_ID, "Parent Brain"),
            "timestamp": NOW,
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "components": rows,
            "flags": 64 if posted.ephemeral else 0,
        }

    @staticmethod
    def _buttons(components: list[dict[str, Any]] | None) -> list[tuple[str, str]]:
        return [
            (c.get("label", ""), c.get("custom_id", ""))
            for row in components or []
            for c in row.get("components", [])
            if c.get("type") == 2
        ]

    def attachment(self, name: str, content: bytes, content_type: str) -> dict[str, Any]:
        """A file a user uploads, as Discord describes it in an interaction."""
        attachment_id = str(self.next_id())
        self.attachments[attachment_id] = (name, content)
        base = self.url.removesuffix("/api/v10")
        return {
            "id": attachment_id,
            "filename": name,
            "size": len(content),
            "url": f"{base}/attachments/{attachment_id}/{name}",
            "proxy_url": f"{base}/attachments/{attachment_id}/{name}",
            "content_type": content_type,
        }

    async def _authorize(self, request: web.Request) -> web.Response:
        """The consent screen, approved at once by `oauth_user`: back to the app with a code."""
        if self.oauth_user is None or request.query.get("scope") != "identify":
            raise web.HTTPFound(f"{request.query['redirect_uri']}?error=access_denied")
        code = f"code{self.next_id()}"
        self._codes[code] = self.oauth_user
        state = request.query.get("state", "")
        raise web.HTTPFound(f"{request.query['redirect_uri']}?code={code}&state={state}")

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        user = self._codes.pop(str(form.get("code", "")), None)
        if user is None or request.headers.get("Authorization", "")[:6] != "Basic ":
            return self._json({"error": "invalid_grant"}, status=400)
        bearer = f"bearer{self.next_id()}"
        self._bearers[bearer] = user
        return self._json({"access_token": bearer, "token_type": "Bearer", "scope": "identify"})

    async def _me(self, request: web.Request) -> web.Response:
        user = self._bearers.get(request.headers.get("Authorization", "").removeprefix("Bearer "))
        if user is None:
            return self._json({"message": "401: Unauthorized", "code": 0}, status=401)
        return self._json(user_payload(user, self.users.get(user, "someone")))

    async def _cdn(self, request: web.Request) -> web.Response:
        found = self.attachments.get(request.match_info["id"])
        if found is None or request.match_info["id"] in self.unreadable:
            return web.Response(status=404)
        return web.Response(body=found[1])

    def _post(
        self,
        channel_id: int,
        body: dict[str, Any],
        *,
        for_user: int | None = None,
        files: list[tuple[str, bytes]] | None = None,
    ) -> Posted:
        posted = Posted(
            self.next_id(),
            channel_id,
            body.get("content") or "",
            self._buttons(body.get("components")),
            ephemeral=bool(body.get("flags", 0) & 64),
            for_user=for_user,
            files=files or [],
        )
        self.messages[channel_id].append(posted)
        return posted

    # The API ---------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        path, method = request.match_info["path"], request.method
        uploaded: list[tuple[str, bytes]] = []
        if request.content_type.startswith("multipart/"):  # a message with files
            form = await request.post()
            body = json.loads(str(form.get("payload_json", "{}")))
            uploaded = [
                (value.filename, value.file.read())
                for value in form.values()
                if isinstance(value, web.FileField)
            ]
        else:
            body = await request.json() if request.can_read_body else {}
        parts = path.split("/")
        if path == "users/@me" and method == "GET":
            return self._json(user_payload(BOT_ID, "Parent Brain"))
        if path == "oauth2/applications/@me":
            return self._json(
                {
                    "id": str(APP_ID),
                    "name": "Parent Brain",
                    "icon": None,
                    "description": "",
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "verify_key": "0" * 64,
                    "owner": user_payload(1, "Owner"),
                    "flags": 0,
                    "summary": "",
                }
            )
        if parts[0] == "applications" and "commands" in parts and method == "PUT":
            in_guild = "guilds" in parts
            synced = [
                {
                    **cmd,
                    "id": str(self.next_id()),
                    "application_id": str(APP_ID),
                    "version": "1",
                    **({"guild_id": str(GUILD_ID)} if in_guild else {}),
                }
                for cmd in body
            ]
            if in_guild:
                self.guild_synced = synced
            else:
                self.synced = synced
            return self._json(synced)
        if path == "gateway":
            return self._json({"url": self.gateway_url})
        if parts[0] == "interactions" and parts[-1] == "callback":
            return self._callback(parts[2], body)
        if parts[0] == "webhooks" and len(parts) == 3 and method == "POST":
            seen = self.interactions[parts[2]]
            posted = self._post(seen["channel"], body, for_user=seen["user"], files=uploaded)
            return self._json(self._message(posted))
        if parts[0] == "webhooks" and method == "PATCH":
            seen = self.interactions[parts[2]]
            posted = self._post(seen["channel"], body, for_user=seen["user"])
            return self._json(self._message(posted))
        if path == "users/@me/channels" and method == "POST":
            recipient = int(body["recipient_id"])
            return self._json(
                {
                    "id": str(self.dm_channel(recipient)),
                    "type": 1,
                    "last_message_id": None,
                    "recipients": [user_payload(recipient, self.users.get(recipient, "someone"))],
                }
            )
        if parts[0] == "users" and method == "GET":
            uid = int(parts[1])
            return self._json(user_payload(uid, self.users.get(uid, "someone")))
        if parts[0] == "channels" and len(parts) == 2 and method == "GET":
            return self._json(
                {
                    "id": parts[1],
                    "type": 0,
                    "name": "moderators",
                    "position": 1,
                    "guild_id": str(GUILD_ID),
                    "permission_overwrites": [],
                    "nsfw": False,
                    "parent_id": None,
                    "topic": None,
                    "last_message_id": None,
                    "rate_limit_per_user": 0,
                    "flags": 0,
                }
            )
        if parts[0] == "channels" and parts[2:3] == ["messages"]:
            return self._channel_message(
                int(parts[1]), parts[3] if len(parts) > 3 else None, method, body, uploaded
            )
        if path == f"guilds/{GUILD_ID}":
            return self._json(self._guild())
        if parts[0] == "guilds" and parts[2:3] == ["members"]:
            uid = int(parts[3])
            if uid in self.departed:
                return self._json({"message": "Unknown Member", "code": 10007}, status=404)
            return self._json(
                {
                    "user": user_payload(uid, self.users.get(uid, "someone")),
                    "roles": [str(r) for r in self.member_roles[uid]],
                    "joined_at": NOW,
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            )
        return self._json({"message": f"fake has no {method} {path}", "code": 0}, status=404)

    def _callback(self, token: str, body: dict[str, Any]) -> web.Response:
        kind = int(body["type"])
        self.callbacks.append((token, kind))
        self._answered[token].set()
        seen = self.interactions[token]
        data = body.get("data") or {}
        interaction = {
            "id": str(self.next_id()),
            "type": 2,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(data.get("flags", 0) & 64),
        }
        if kind == 9:  # a modal
            self.modals[seen["user"]] = data
            return self._json({"interaction": interaction})
        if kind == 4:
            posted = self._post(seen["channel"], data, for_user=seen["user"])
            return self._json(
                {
                    "interaction": interaction,
                    "resource": {"type": 4, "message": self._message(posted)},
                }
            )
        return self._json({"interaction": interaction})

    def _channel_message(
        self,
        channel_id: int,
        message_id: str | None,
        method: str,
        body: dict[str, Any],
        uploaded: list[tuple[str, bytes]],
    ) -> web.Response:
        owner = next((u for u, c in self.dm_channels.items() if c == channel_id), None)
        if owner in self.dms_closed:
            return self._json(
                {"message": "Cannot send messages to this user", "code": 50007}, status=403
            )
        if method == "POST":
            return self._json(self._message(self._post(channel_id, body, files=uploaded)))
        for posted in self.messages[channel_id]:
            if str(posted.id) == message_id:
                posted.content = body.get("content", posted.content)
                posted.buttons = self._buttons(body.get("components"))
                posted.edits += 1
                return self._json(self._message(posted))
        return self._json({"message": "Unknown Message", "code": 10008}, status=404)

    def _guild(self) -> dict[str, Any]:
        role = {"color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        return {
            "id": str(GUILD_ID),
            "name": "Parents",
            "icon": None,
            "owner_id": "1",
            "features": [],
            "emojis": [],
            "stickers": [],
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "nsfw_level": 0,
            "preferred_locale": "en-GB",
            "system_channel_flags": 0,
            "roles": [
                {
                    **role,
                    "id": str(GUILD_ID),
                    "name": "@everyone",
                    "permissions": "0",
                    "position": 0,
                },
                {
                    **role,
                    "id": str(MOD_ROLE_ID),
                    "name": MOD_ROLE,
                    "permissions": "0",
                    "position": 1,
                },
                {
                    **role,
                    "id": str(ADMIN_ROLE_ID),
                    "name": "Admins",
                    "permissions": "32",
                    "position": 2,
                },
            ],
        }
