"""Scenarios on Telegram: real python-telegram-bot Application against the fake Bot API."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application

from bots.app import ParentBrain
from bots.telegram.app import build_application
from bots.telegram.common import GROUP_REPLIES, deep_payload
from bots.telegram.messenger import TelegramMessenger
from core.clock import ManualClock
from core.communities import adopt_configured_community
from core.forms import PROJECT
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.membership import HomeCommunity

GROUP = -100_500
MOD_CHAT = -100_600
LEVELS = {"beginner": "Beginner", "intermediate": "Intermediate", "expert": "Expert"}


class TelegramDriver(HomeCommunity):
    platform = "telegram"

    def __init__(
        self,
        brain: ParentBrain,
        clock: ManualClock,
        fake: FakeTelegram,
        *,
        rate_limit: bool = False,
    ) -> None:
        self.brain, self.clock, self.fake = brain, clock, fake
        self.rate_limit = rate_limit
        self.ids: dict[str, int] = {}
        self._asked_in: dict[str, str] = {}
        self._counter = itertools.count(1)
        self.other_groups: set[int] = set()  # further groups a test types in, by chat id
        self._belong_nowhere_yet()
        self.application: Application = None  # type: ignore[assignment,type-arg]

    async def start(self) -> None:
        await self.fake.start()
        # Changed in place: the bus's handlers hold this same settings object.
        self.brain.settings.telegram_token = SecretStr("123:TEST")
        self.brain.settings.telegram_community_chat_id = GROUP
        self.brain.settings.telegram_moderator_chat_id = MOD_CHAT
        async with self.brain.uow() as uow:  # as `parentbrain run` does with these settings
            await adopt_configured_community(uow, self.brain.settings)
            await uow.commit()
        self.application = build_application(
            self.brain.settings, self.brain, base_url=self.fake.url, rate_limit=self.rate_limit
        )
        await self.application.initialize()
        self._send_through_this_application()

    def _send_through_this_application(self) -> None:
        messenger = TelegramMessenger(
            self.application.bot,
            per_chat_interval=0,
            group_interval=0,
            moderator_chat=MOD_CHAT,
            help_chat=GROUP,
            files=self.brain.files,
        )
        self.brain.messengers["telegram"] = messenger
        self.brain.outbox.messengers["telegram"] = messenger

    async def restart(self) -> None:
        """A new process: PTB's memory (conversations, caches) is gone; the store is not."""
        await self.application.shutdown()
        self.application = build_application(
            self.brain.settings, self.brain, base_url=self.fake.url, rate_limit=self.rate_limit
        )
        await self.application.initialize()
        self._send_through_this_application()

    async def stop(self) -> None:
        for reply in self.application.bot_data.get(GROUP_REPLIES, set()):
            reply.cancel()  # still queued behind a group's 20 a minute
        await self.application.shutdown()
        await self.fake.stop()

    def uid(self, name: str) -> int:
        return self.ids.setdefault(name, 1000 + len(self.ids))

    def _user(self, name: str) -> dict[str, Any]:
        return {
            "id": self.uid(name),
            "is_bot": False,
            "first_name": name,
            "username": name.lower(),
            "language_code": self.app_language(name),
        }

    def _chats(self, name: str) -> list[int]:
        return [self.uid(name), GROUP, MOD_CHAT, *sorted(self.other_groups)]

    def _snapshot(self, name: str) -> set[tuple[int, int, int]]:
        return {(c, m.message_id, m.edits) for c in self._chats(name) for m in self.fake.chats[c]}

    async def group_replies(self) -> None:
        """Wait for the answers in groups, which go out on their own."""
        pending = self.application.bot_data.get(GROUP_REPLIES, set())
        if pending:
            await asyncio.gather(*list(pending))

    def message_update(self, name: str, text: str, *, where: str | int = "dm") -> dict[str, Any]:
        """An update as Telegram would send it for `text` typed by `name` (`where` is "dm",
        "group", "moderators", or the id of another group)."""
        if isinstance(where, int):
            self.other_groups.add(where)
            chat = {"id": where, "type": "supergroup", "title": f"Group {-where}"}
        elif where == "dm":
            chat = {"id": self.uid(name), "type": "private"}
        else:
            group = MOD_CHAT if where == "moderators" else GROUP
            chat = {"id": group, "type": "supergroup", "title": "Parents"}
        message: dict[str, Any] = {
            "message_id": next(self._counter),
            "date": int(time.time()),
            "chat": chat,
            "from": self._user(name),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return {"update_id": next(self._counter), "message": message}

    def press_update(self, name: str, label: str) -> dict[str, Any]:
        """An update for `name` pressing the button `label` in their DMs."""
        sent = self.fake.find(self.uid(name), label)
        return {
            "update_id": next(self._counter),
            "callback_query": {
                "id": str(next(self._counter)),
                "from": self._user(name),
                "chat_instance": "ci",
                "data": next(d for t, d in sent.buttons if t == label),
                "message": FakeTelegram._message(sent),
            },
        }

    async def _process(self, name: str, update: dict[str, Any]) -> list[str]:
        await self.belongs(name)
        before = self._snapshot(name)
        toasts = len(self.fake.toasts)
        update["update_id"] = next(self._counter)
        await self.application.process_update(Update.de_json(update, self.application.bot))
        await self.group_replies()
        errors = self.application.bot_data.get("errors", [])
        if errors:
            raise AssertionError(f"the bot failed: {errors!r}")
        await self.brain.outbox.drain()
        return self.fake.toasts[toasts:] + [
            m.text
            for c in self._chats(name)
            for m in self.fake.chats[c]
            if (c, m.message_id, m.edits) not in before
        ]

    async def leaves(self, name: str, status: str = "left", group: int = GROUP) -> list[str]:
        """Telegram's chat_member update: `name` left the group or was removed from it."""
        self.fake.statuses[(group, self.uid(name))] = status
        user = self._user(name)
        return await self._process(
            name,
            {
                "chat_member": {
                    "chat": {"id": group, "type": "supergroup", "title": "Parents"},
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": {"status": "member", "user": user},
                    "new_chat_member": {"status": status, "user": user, "until_date": 0},
                }
            },
        )

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
        """`name` sends the bot a file in their DM (as the answer to a question, or with a
        caption); `claimed_size` is the size Telegram reports, for files too big to carry."""
        file_id = self.fake.keep_file(filename, content, claimed_size)
        size = claimed_size if claimed_size is not None else len(content)
        message = self.message_update(name, caption)["message"]
        del message["text"]
        message.pop("entities", None)
        if caption:
            message["caption"] = caption
        described = {"file_id": file_id, "file_unique_id": file_id, "file_size": size}
        if kind == "photo":
            message["photo"] = [{**described, "width": 800, "height": 600}]
        else:
            message[kind] = {**described, "file_name": filename, "duration": 3}
            if kind == "video":
                message[kind] |= {"width": 640, "height": 360}
        return await self._process(name, {"message": message})

    def files(self, name: str) -> list[tuple[str, bytes]]:
        """(name, content) of every file the person was sent."""
        return [(n, content) for _, n, content in self.fake.files_in(self.uid(name))]

    def moderator_files(self) -> list[tuple[str, bytes]]:
        return [(n, content) for _, n, content in self.fake.files_in(MOD_CHAT)]

    async def say(self, name: str, text: str, *, where: str | int = "dm") -> list[str]:
        update = self.message_update(name, text, where=where)
        return await self._process(name, {"message": update["message"]})

    async def command(
        self, name: str, command: str, args: str = "", *, where: str | int = "dm"
    ) -> list[str]:
        return await self.say(name, f"/{command} {args}".strip(), where=where)

    async def reply(self, name: str, text: str) -> list[str]:
        """Answer where the question was asked (a DM, or the moderators' chat)."""
        return await self.say(name, text, where=self._asked_in.get(name, "dm"))

    async def _callback(self, name: str, data: str, message: dict[str, Any]) -> list[str]:
        return await self._process(
            name,
            {
                "callback_query": {
                    "id": str(next(self._counter)),
                    "from": self._user(name),
                    "chat_instance": "ci",
                    "data": data,
                    "message": message,
                }
            },
        )

    async def press(self, name: str, label: str) -> list[str]:
        label = self.in_their_words(name, label)
        try:
            sent = self.fake.find(self.uid(name), label)
            self._asked_in[name] = "dm"
        except AssertionError:
            sent = self.fake.find(MOD_CHAT, label)  # anyone in the moderators' chat sees these
            self._asked_in[name] = "moderators"
        data = next(d for t, d in sent.buttons if t == label)
        return await self._callback(name, data, FakeTelegram._message(sent))

    async def forge(self, name: str, token: str) -> list[str]:
        chat = self.uid(name)
        holder = self.fake.chats[chat][-1] if self.fake.chats[chat] else None
        message = (
            FakeTelegram._message(holder)
            if holder
            else {
                "message_id": 1,
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private"},
                "text": "old",
            }
        )
        return await self._callback(name, token, message)

    async def onboard(self, name: str, skills: list[str], level: str) -> list[str]:
        seen = await self.command(name, "start")
        for skill in skills:
            seen += await self.press(name, skill)
        seen += await self.press(name, "Done")
        seen += await self.press(name, LEVELS[level])
        seen += await self.reply(name, "6")  # years of experience
        seen += await self.press(name, self.brain.settings.default_timezone)
        seen += await self.press(name, "No minimum")
        seen += await self.reply(name, "22:00-07:00")  # quiet hours
        return seen

    async def post(self, name: str, *, urgent: bool = False, **fields: str) -> list[str]:
        seen = await self.command(name, "post")
        for field in ("title", "description", "skills", "budget", "estimate", "deadline"):
            seen += await self.reply(name, fields[field])
        seen += await self.press(name, "Urgent" if urgent else "Normal")
        return seen

    async def post_project(self, name: str, **fields: str) -> list[str]:
        seen = await self.command(name, "postproject")
        for field in PROJECT.names:
            seen += await self.reply(name, fields[field])
        return seen

    def make_moderator(self, name: str) -> None:
        self.fake.admins[GROUP].add(self.uid(name))

    def cannot_dm(self, name: str) -> None:
        self.fake.not_started.add(self.uid(name))

    def can_dm(self, name: str) -> None:
        self.fake.not_started.discard(self.uid(name))

    async def press_start_link(self, name: str, typed: str) -> list[str]:
        """What pressing Start on the deep link does: /start <payload> in the DM."""
        payload = deep_payload(typed)
        assert payload is not None
        return await self.command(name, "start", payload)

    def dms(self, name: str) -> list[str]:
        return self.fake.texts(self.uid(name))

    def moderators(self) -> list[str]:
        return self.fake.texts(MOD_CHAT)

    def group(self) -> list[str]:
        return self.fake.texts(GROUP)

    def help_channel(self) -> list[str]:
        return self.fake.texts(GROUP)  # the community chat, unless a help chat is set

    async def tick(self, minutes: float) -> None:
        self.clock.advance(minutes=minutes)
        await self.brain.sweep()
        await self.brain.outbox.drain()
