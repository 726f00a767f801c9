"""Scenarios on Discord: the real discord.py client, connected to the fake gateway and REST
API, with its CommandTree and ViewStore; every interaction arrives over the gateway, and must
be answered within Discord's 3 seconds."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket
from pydantic import SecretStr

from bots.app import ParentBrain
from bots.discord.bot import DiscordMessenger, ParentBrainBot
from core.actors import Role
from core.catalogue import find
from core.clock import ManualClock
from core.communities import adopt_configured_community
from core.forms import POST, PROJECT
from tests.fakes import discord_api as fake_api
from tests.fakes.discord_api import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    HELP_CHANNEL_ID,
    MOD_CHANNEL_ID,
    MOD_ROLE,
    MOD_ROLE_ID,
    FakeDiscord,
)
from tests.scenarios.membership import HomeCommunity

# How this driver turns "/command args" (as typed on Telegram) into Discord's named options.
FIRST_THEN_REST = {
    "submit": ("item", "work"),
    "funded": ("item", "reference"),
    "paid": ("payout", "reference"),
    "refunded": ("item", "reference"),
}
ONE_OPTION = {
    "available": "when",
    "why": "offer",
    "cancel": "item",
    "verify": "business",
    "schedule": "hours",
    "link": "code",
    "block": "item",
    "unblock": "item",
    "report": "what",
    "forgetme": "confirm",
    "learn": "skill",
    "quiz": "skill",
}


LONG_LIVED = ("RequestHandler", "BaseView.__timeout_task_impl")


class DiscordDriver(HomeCommunity):
    platform = "discord"

    def __init__(
        self, brain: ParentBrain, clock: ManualClock, fake: FakeDiscord, *, set_up: bool = True
    ) -> None:
        self.brain, self.clock, self.fake = brain, clock, fake
        self.set_up = set_up  # False: the server is new to Parent Brain until /setup
        self.guild_id = GUILD_ID  # the server commands are typed in; a test may move people
        self._belong_nowhere_yet()
        self.ids: dict[str, int] = {}
        self._counter = itertools.count(1)
        self.bot: ParentBrainBot = None  # type: ignore[assignment]
        self._original_base = discord.http.Route.BASE
        self._original_gateway = DiscordWebSocket.DEFAULT_GATEWAY
        self._connection: asyncio.Task[None] | None = None

    async def start(self) -> None:
        url = await self.fake.start()
        discord.http.Route.BASE = url
        # Changed in place: the bus's handlers hold this same settings object.
        self.brain.settings.discord_token = SecretStr("discord-test-token")
        self.brain.settings.discord_moderator_role = MOD_ROLE
        if self.set_up:
            self.brain.settings.discord_guild_id = GUILD_ID
            self.brain.settings.discord_moderator_channel_id = MOD_CHANNEL_ID
            self.brain.settings.discord_help_channel_id = HELP_CHANNEL_ID
            async with self.brain.uow() as uow:  # as `parentbrain run` does with these settings
                await adopt_configured_community(uow, self.brain.settings)
                await uow.commit()
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.fake.gateway_url)
        await self._connect()

    async def _connect(self) -> None:
        """A process starting: log in (setup_hook, command sync), then open the gateway."""
        self.bot = ParentBrainBot(self.brain, self.brain.settings, guild_ready_timeout=0.01)
        await self.bot.login("discord-test-token")
        self._connection = asyncio.create_task(self.bot.connect(reconnect=False))
        await asyncio.wait_for(self.bot.wait_until_ready(), 5)
        messenger = DiscordMessenger(
            self.bot, MOD_CHANNEL_ID, HELP_CHANNEL_ID, files=self.brain.files
        )
        self.brain.messengers["discord"] = messenger
        self.brain.outbox.messengers["discord"] = messenger

    async def _disconnect(self) -> None:
        await self.bot.close()
        if self._connection is not None:
            self._connection.cancel()
            await asyncio.gather(self._connection, return_exceptions=True)

    async def restart(self) -> None:
        """A new process: nothing of the old one's memory (views, modals, caches) is left."""
        await self._disconnect()
        await self._connect()

    async def stop(self) -> None:
        await self._disconnect()
        await self.fake.stop()
        discord.http.Route.BASE = self._original_base
        DiscordWebSocket.DEFAULT_GATEWAY = self._original_gateway

    def uid(self, name: str) -> int:
        if name not in self.ids:
            self.ids[name] = 100_000_000_000_000_000 + len(self.ids)
            self.fake.users[self.ids[name]] = name
        return self.ids[name]

    # Feeding interactions ------------------------------------------------------------------

    def _visible(self, name: str) -> set[tuple[int, int, int]]:
        uid = self.uid(name)
        return {
            (p.channel_id, p.id, p.edits)
            for c, posts in self.fake.messages.items()
            for p in posts
            if c == self.fake.dm_channels.get(uid) or p.for_user == uid
        }

    async def _interact(
        self,
        name: str,
        kind: int,
        data: dict[str, Any],
        *,
        channel: int | None = None,
        message: dict[str, Any] | None = None,
    ) -> list[str]:
        await self.belongs(name)
        uid = self.uid(name)
        before = self._visible(name)
        modal_before = self.fake.modals.get(uid)
        token = f"tok{next(self._counter)}"
        in_dm = channel is not None and channel in self.fake.dm_channels.values()
        channel_id = channel or CHANNEL_ID
        self.fake.interactions[token] = {"user": uid, "channel": channel_id}
        user = fake_api.user_payload(uid, name)
        payload: dict[str, Any] = {
            "id": str(self.fake.next_id()),
            "application_id": str(APP_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "channel_id": str(channel_id),
            "data": data,
            "locale": {"es": "es-ES"}.get(self.app_language(name), "en-GB"),
            "app_permissions": "0",
            "entitlements": [],
            "authorizing_integration_owners": {},
            "attachment_size_limit": 10_485_760,
            "channel": {"id": str(channel_id), "type": 1, "recipients": [user]}
            if in_dm
            else {
                "id": str(channel_id),
                "type": 0,
                "name": "general",
                "position": 0,
                "guild_id": str(self.guild_id),
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
                "topic": None,
                "last_message_id": None,
                "rate_limit_per_user": 0,
                "flags": 0,
            },
        }
        if in_dm:
            payload |= {"user": user, "context": 1}
        else:
            payload |= {
                "guild_id": str(self.guild_id),
                "guild_locale": "en-GB",
                "context": 0,
                "member": {
                    "user": user,
                    "roles": [str(r) for r in self.fake.member_roles[uid]],
                    "permissions": str(self.fake.permissions_of(uid)),
                    "joined_at": fake_api.NOW,
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                },
            }
        if message is not None:
            payload["message"] = message
        await self._over_the_gateway(payload)
        if self.bot.errors:
            raise AssertionError(f"the bot failed: {self.bot.errors!r}")
        await self.brain.outbox.drain()
        shown = [
            f"{p.content}"
            for c, posts in self.fake.messages.items()
            for p in posts
            if (p.channel_id, p.id, p.edits) not in before
            and (c == self.fake.dm_channels.get(uid) or p.for_user == uid)
        ]
        modal = self.fake.modals.get(uid)
        if modal is not None and modal is not modal_before:
            shown.append(modal["title"] + ": " + " ".join(_inputs(modal, "placeholder")))
        return shown

    async def _over_the_gateway(self, payload: dict[str, Any]) -> None:
        """Send the interaction as Discord would, wait for its first answer (Discord allows
        3 s), then run what discord.py scheduled for it until nothing new is left."""
        before = asyncio.all_tasks()
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        await asyncio.wait_for(self.fake.answered(payload["token"]).wait(), 3)
        await self._settle(before)

    async def _settle(self, before: set[asyncio.Task[Any]]) -> None:
        for _ in range(50):
            # Long-lived timers and the fake server's keep-alive connections are tasks too.
            fresh = {
                t
                for t in asyncio.all_tasks() - before - {asyncio.current_task()}
                if not t.get_coro().__qualname__.startswith(LONG_LIVED)
            }  # type: ignore[union-attr]
            if not fresh:
                return
            before |= fresh
            await asyncio.gather(*fresh, return_exceptions=True)

    # The driver's verbs -----------------------------------------------------------------------

    def _options(self, command: str, args: str) -> list[dict[str, Any]]:
        args = args.strip()
        if not args:
            return []
        if command in ONE_OPTION:
            return [{"name": ONE_OPTION[command], "type": 3, "value": args}]
        if command in FIRST_THEN_REST:
            first, rest = FIRST_THEN_REST[command]
            head, _, tail = args.partition(" ")
            return [{"name": first, "type": 3, "value": head}] + (
                [{"name": rest, "type": 3, "value": tail}] if tail else []
            )
        if command == "payoutdetails" and args == "remove":
            return [{"name": "remove", "type": 5, "value": True}]
        if command == "business":
            name, _, contact = args.partition(",")
            return [
                {"name": "name", "type": 3, "value": name.strip()},
                {"name": "contact", "type": 3, "value": contact.strip()},
            ]
        if command == "resolve":
            words = args.split()
            names = ["item", "decision", "amount"]
            return [{"name": n, "type": 3, "value": w} for n, w in zip(names, words, strict=False)]
        if command == "ask":
            first, _, rest = args.partition(" ")
            if first == "anonymously":
                return [
                    {"name": "question", "type": 3, "value": rest},
                    {"name": "anonymous", "type": 5, "value": True},
                ]
            return [{"name": "question", "type": 3, "value": args}]
        if command in ("ban", "unban"):
            who, *rest = args.split(maxsplit=2)
            options = [
                {"name": "member", "type": 6, "value": str(self.uid(who.lstrip("@").title()))}
            ]
            if rest and rest[0][:1].isdigit():
                options.append({"name": "duration", "type": 3, "value": rest.pop(0)})
            if rest:
                options.append({"name": "reason", "type": 3, "value": rest[0]})
            return options
        if command == "setup":  # channel options, by id
            names = ["moderators", "help"]
            return [
                {"name": n, "type": 7, "value": str(c)}
                for n, c in zip(names, args.split(), strict=False)
            ]
        if command == "settings":
            name, _, value = args.partition(" ")
            return [{"name": "name", "type": 3, "value": name}] + (
                [{"name": "value", "type": 3, "value": value}] if value else []
            )
        if command == "profile":
            field, _, value = args.partition(" ")
            return [
                {
                    "name": {
                        "quiet": "quiet",
                        "rate": "rate",
                        "timezone": "timezone",
                        "prefer": "prefer",
                        "jobs": "jobs",
                    }[field],
                    "type": 4 if field == "jobs" else 3,
                    "value": int(value) if field == "jobs" else value,
                }
            ]
        entry = find(command)
        if entry is not None and entry.run is not None:  # the options, as the catalogue reads them
            typed = entry.read_typed(args)
            return [{"name": k, "type": 3, "value": v} for k, v in typed.items() if v]
        raise AssertionError(f"the Discord driver has no option mapping for /{command} {args}")

    async def command(
        self, name: str, command: str, args: str = "", *, where: str = "dm"
    ) -> list[str]:
        # Commands are global: parents' work in a DM with the bot, moderators' only in the
        # server, where answers are ephemeral (Discord wouldn't offer a moderator's in a DM).
        if command == "profile" and args.startswith("skills "):
            await self.command(name, "profile")
            return await self.reply(name, args.removeprefix("skills "))
        data: dict[str, Any] = {
            "id": str(self.fake.next_id()),
            "name": command,
            "type": 1,
            "options": self._options(command, args),
        }
        users = {
            o["value"]: fake_api.user_payload(int(o["value"]), self.fake.users[int(o["value"])])
            for o in data["options"]
            if o["type"] == 6
        }
        if users:
            data["resolved"] = {"users": users}
        channels = {
            o["value"]: {
                "id": o["value"],
                "type": 0,
                "name": f"channel-{o['value'][-2:]}",
                "guild_id": str(self.guild_id),
                "permissions": "0",
            }
            for o in data["options"]
            if o["type"] == 7
        }
        if channels:
            data["resolved"] = {**data.get("resolved", {}), "channels": channels}
        in_dm = where == "dm" and not self.is_moderators_command(command)
        return await self._interact(
            name, 2, data, channel=self.fake.dm_channel(self.uid(name)) if in_dm else None
        )

    def is_moderators_command(self, command: str) -> bool:
        found = find(command)
        return found is not None and found.role is Role.MODERATOR

    async def _submit_modal(self, name: str, values: dict[str, str]) -> list[str]:
        """Fill the modal last shown to the person: by input label, or the first box for '*'."""
        modal = self.fake.modals.pop(self.uid(name))
        values = {k if k == "*" else self.in_their_words(name, k): v for k, v in values.items()}
        rows = []
        for n, (custom_id, label) in enumerate(_inputs(modal, "custom_id", "label")):
            value = values.get(label, values.get("*", "") if n == 0 else "")
            rows.append(
                {"type": 1, "components": [{"type": 4, "custom_id": custom_id, "value": value}]}
            )
        return await self._interact(name, 5, {"custom_id": modal["custom_id"], "components": rows})

    async def reply(self, name: str, text: str) -> list[str]:
        return await self._submit_modal(name, {"*": text})

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
        """`name` delivers a file: in the Submit work form if one is open, else with
        /submit (the caption says which item)."""
        uploaded = self.fake.attachment(filename, content, CONTENT_TYPES[kind])
        if claimed_size is not None:
            uploaded["size"] = claimed_size
        resolved = {"attachments": {uploaded["id"]: uploaded}}
        modal = self.fake.modals.get(self.uid(name))
        if modal is not None and _file_uploads(modal):
            self.fake.modals.pop(self.uid(name))
            rows: list[dict[str, Any]] = [
                {"type": 1, "components": [{"type": 4, "custom_id": cid, "value": caption}]}
                for cid in _inputs(modal, "custom_id")
            ]
            rows += [
                {
                    "type": 18,
                    "component": {"type": 19, "custom_id": cid, "values": [uploaded["id"]]},
                }
                for cid in _file_uploads(modal)
            ]
            data = {"custom_id": modal["custom_id"], "components": rows, "resolved": resolved}
            return await self._interact(name, 5, data)
        item, _, words = caption.removeprefix("/submit").strip().partition(" ")
        options = [{"name": "item", "type": 3, "value": item}]
        if words:
            options.append({"name": "work", "type": 3, "value": words})
        options.append({"name": "file", "type": 11, "value": uploaded["id"]})
        data = {
            "id": str(self.fake.next_id()),
            "name": "submit",
            "type": 1,
            "options": options,
            "resolved": resolved,
        }
        return await self._interact(name, 2, data, channel=self.fake.dm_channel(self.uid(name)))

    def files(self, name: str) -> list[tuple[str, bytes]]:
        channel = self.fake.dm_channels.get(self.uid(name))
        return [f for p in self.fake.messages.get(channel, []) for f in p.files] if channel else []

    def moderator_files(self) -> list[tuple[str, bytes]]:
        return [f for p in self.fake.messages.get(MOD_CHANNEL_ID, []) for f in p.files]

    def _find(self, name: str, label: str) -> tuple[Any, str]:
        uid = self.uid(name)
        visible = [
            p
            for c, posts in self.fake.messages.items()
            for p in posts
            if c == self.fake.dm_channels.get(uid) or p.for_user == uid
        ]
        visible += self.fake.messages.get(MOD_CHANNEL_ID, [])  # anyone in the moderators' channel
        for posted in reversed(visible):
            for text, custom_id in posted.buttons:
                if text == label:
                    return posted, custom_id
        raise AssertionError(f"{name} sees no button {label!r}")

    async def press(self, name: str, label: str) -> list[str]:
        posted, custom_id = self._find(name, self.in_their_words(name, label))
        return await self._interact(
            name,
            3,
            {"custom_id": custom_id, "component_type": 2},
            channel=posted.channel_id,
            message=self.fake._message(posted),
        )

    async def forge(self, name: str, token: str) -> list[str]:
        """A press on an old message's button (Discord only sends presses for real components)."""
        return await self.press_old_component(name, f"pb:{token}")

    async def press_old_component(self, name: str, custom_id: str) -> list[str]:
        """A press on a component of an old message, whatever its id."""
        channel = self.fake.dm_channel(self.uid(name))
        old = fake_api.Posted(self.fake.next_id(), channel, "old", [("old", custom_id)])
        return await self._interact(
            name,
            3,
            {"custom_id": custom_id, "component_type": 2},
            channel=channel,
            message=self.fake._message(old),
        )

    async def submit_old_form(self, name: str, custom_id: str) -> list[str]:
        """A form shown by a process that has since restarted, submitted now."""
        row = {"type": 1, "components": [{"type": 4, "custom_id": "words", "value": "hello"}]}
        return await self._interact(name, 5, {"custom_id": custom_id, "components": [row]})

    async def onboard(self, name: str, skills: list[str], level: str) -> list[str]:
        await self.command(name, "profile")
        typed = ", ".join(f"{s.lower()}:{level}" for s in skills)
        return await self._submit_modal(name, {"What can you do?": typed})

    async def post(self, name: str, *, urgent: bool = False, **fields: str) -> list[str]:
        options = [
            {"name": "deadline", "type": 3, "value": fields["deadline"]},
            {"name": "urgent", "type": 5, "value": urgent},
        ]
        shown = await self._interact(
            name, 2, {"id": str(self.fake.next_id()), "name": "post", "type": 1, "options": options}
        )
        if self.uid(name) not in self.fake.modals:
            return shown
        return shown + await self._submit_modal(
            name,
            {field.label: fields[field.name] for field in POST.in_a_modal()},
        )

    async def post_project(self, name: str, **fields: str) -> list[str]:
        shown = await self._interact(
            name, 2, {"id": str(self.fake.next_id()), "name": "postproject", "type": 1}
        )
        if self.uid(name) not in self.fake.modals:
            return shown
        return shown + await self._submit_modal(
            name, {field.label: fields[field.name] for field in PROJECT.in_a_modal()}
        )

    def make_moderator(self, name: str) -> None:
        self.fake.member_roles[self.uid(name)].append(MOD_ROLE_ID)

    def cannot_dm(self, name: str) -> None:
        self.fake.dms_closed.add(self.uid(name))

    def can_dm(self, name: str) -> None:
        self.fake.dms_closed.discard(self.uid(name))

    def moderators(self, channel: int = MOD_CHANNEL_ID) -> list[str]:
        return [p.content for p in self.fake.messages.get(channel, []) if p.for_user is None]

    def help_channel(self) -> list[str]:
        return [
            p.content for p in self.fake.messages.get(HELP_CHANNEL_ID, []) if p.for_user is None
        ]

    def dms(self, name: str) -> list[str]:
        channel = self.fake.dm_channels.get(self.uid(name))
        return [p.content for p in self.fake.messages.get(channel, [])] if channel else []

    async def tick(self, minutes: float) -> None:
        self.clock.advance(minutes=minutes)
        await self.brain.sweep()
        await self.brain.outbox.drain()


CONTENT_TYPES = {
    "document": "application/pdf",
    "photo": "image/jpeg",
    "voice": "audio/ogg",
    "video": "video/mp4",
    "audio": "audio/mpeg",
}


def _file_uploads(modal: dict[str, Any]) -> list[str]:
    """The custom ids of a modal's file upload boxes."""
    return [
        row["component"]["custom_id"]
        for row in modal.get("components", [])
        if row.get("type") == 18 and row.get("component", {}).get("type") == 19
    ]


def _inputs(modal: dict[str, Any], *keys: str) -> list[Any]:
    """The text inputs of a modal as Discord received it (rows, or labels wrapping inputs)."""
    found = []
    for row in modal.get("components", []):
        inner = row.get("components") or ([row["component"]] if "component" in row else [])
        for component in inner:
            if component.get("type") == 4:
                label = component.get("label") or row.get("label", "")
                values = {**component, "label": label}
                found.append(
                    values.get(keys[0], "")
                    if len(keys) == 1
                    else tuple(values.get(k, "") for k in keys)
                )
    return found
