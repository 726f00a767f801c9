"""A small fake of the Telegram Bot API, enough for python-telegram-bot to run against.

It keeps every chat's messages (with edits applied), knows who never started the bot or
blocked it, who administers which chat, and can enforce Telegram's flood limits with 429s:
30 a second overall, one a second in a private chat, 20 a minute in a group.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 900_000
BOT_USERNAME = "parentbrain_test_bot"


@dataclass
class Sent:
    message_id: int
    chat_id: int
    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (label, callback data)
    edits: int = 0
    at: float = field(default_factory=time.monotonic)  # when it was accepted
    file: tuple[str, str, bytes] | None = None  # (kind, name, content) of a file sent


@dataclass
class Stored:
    """A file Telegram holds: what getFile and a file_id resend give back."""

    name: str
    content: bytes
    size: int  # as Telegram reports it (a test may claim more than it carries)


class FakeTelegram:
    def __init__(self, *, enforce_limits: bool = False, token: str | None = None) -> None:
        self.token = token  # when set, any other token is refused (401), as Telegram does
        self.chats: dict[int, list[Sent]] = defaultdict(list)
        self.not_started: set[int] = set()
        self.blocked: set[int] = set()
        self.admins: dict[int, set[int]] = defaultdict(set)
        self.updates: list[dict[str, Any]] = []  # for getUpdates
        self._update_id = 0
        # (chat, user) -> "left", "kicked" or "restricted" (still a member); else a member
        self.statuses: dict[tuple[int, int], str] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.toasts: list[str] = []  # answerCallbackQuery texts: what a press shows briefly
        self.enforce_limits = enforce_limits
        self.http_429 = 0
        self.slow_chats: dict[int, float] = {}  # seconds a sendMessage to this chat takes
        self.throttle_next: dict[int, int] = defaultdict(int)  # 429s owed to a chat's next sends
        self.answered: list[tuple[str, float]] = []  # (what, monotonic time) as answered
        self._changed = asyncio.Event()
        self._next_id = 1
        self._overall: deque[float] = deque()
        self._per_chat: dict[int, float] = {}
        self._per_group: dict[int, deque[float]] = defaultdict(deque)
        self.files: dict[str, Stored] = {}  # file_id -> the file
        self.unreadable: set[str] = set()  # file_ids getFile fails for
        self._runner: web.AppRunner | None = None
        self.url = ""

    def _note(self, what: str) -> None:
        self.answered.append((what, time.monotonic()))
        self._changed.set()

    async def until(self, done: Callable[[], bool], at_most: float = 10) -> None:
        """Wait until `done()` holds, checking each time the fake answers something."""
        async with asyncio.timeout(at_most):
            while not done():
                self._changed.clear()
                await self._changed.wait()

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)  # room for uploaded files
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._download)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # What a test looks at ---------------------------------------------------------------

    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.chats[chat_id]]

    def keep_file(self, name: str, content: bytes, size: int | None = None) -> str:
        """A file a user sends the bot; returns its file_id."""
        file_id = f"file-{len(self.files) + 1}-{name}"
        self.files[file_id] = Stored(name, content, len(content) if size is None else size)
        return file_id

    def files_in(self, chat_id: int) -> list[tuple[str, str, bytes]]:
        """(kind, name, content) of every file the bot sent to a chat."""
        return [m.file for m in self.chats[chat_id] if m.file is not None]

    def find(self, chat_id: int, label: str) -> Sent:
        for message in reversed(self.chats[chat_id]):
            if any(text == label for text, _ in message.buttons):
                return message
        raise AssertionError(f"no button {label!r} in chat {chat_id}: {self.texts(chat_id)}")

    # The API -------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if self.token is not None and request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        params: dict[str, Any] = dict(await request.post()) if request.can_read_body else {}
        for key, value in list(params.items()):
            if isinstance(value, web.FileField):  # an upload: Telegram keeps it, with an id
                params[key] = self.keep_file(value.filename, value.file.read())
        for key in ("reply_markup", "allowed_updates", "commands", "scope"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        self.calls.append((method, params))
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return self._ok(True)
        return await handler(params)  # type: ignore[no-any-return]

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(code: int, description: str, **extra: Any) -> web.Response:
        body = {"ok": False, "error_code": code, "description": description, **extra}
        return web.json_response(body, status=code)

    async def _getMe(self, params: dict[str, Any]) -> web.Response:
        return self._ok(
            {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Parent Brain",
                "username": BOT_USERNAME,
                "can_join_groups": True,
            }
        )

    def _refusal(self, chat_id: int) -> web.Response | None:
        if chat_id in self.blocked:
            return self._error(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.not_started:
            return self._error(403, "Forbidden: bot can't initiate conversation with a user")
        return None

    def _flood(self, chat_id: int) -> web.Response | None:
        if not self.enforce_limits:
            return None
        now = time.monotonic()
        while self._overall and now - self._overall[0] > 1.0:
            self._overall.popleft()
        last = self._per_chat.get(chat_id)
        recent = self._per_group[chat_id]
        while recent and now - recent[0] > 60.0:
            recent.popleft()
        crowded = chat_id < 0 and len(recent) >= 20  # a group: 20 a minute
        if (
            len(self._overall) >= 30
            or crowded
            or (chat_id > 0 and last is not None and now - last < 1.0)
        ):
            self.http_429 += 1
            return self._error(
                429, "Too Many Requests: retry after 1", parameters={"retry_after": 1}
            )
        self._overall.append(now)
        self._per_chat[chat_id] = now
        if chat_id < 0:
            recent.append(now)
        return None

    def push_update(self, update: dict[str, Any]) -> None:
        """An update for a bot that long-polls (a real `parentbrain run`, say) to collect."""
        self._update_id += 1
        self.updates.append({**update, "update_id": self._update_id})

    async def _getUpdates(self, params: dict[str, Any]) -> web.Response:
        """Hand over what was pushed (dropping what the offset confirms), or wait a little
        and say there is nothing."""
        offset = int(params.get("offset", 0) or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            await asyncio.sleep(min(float(params.get("timeout", 0) or 0), 0.5))
        return self._ok(self.updates[:100])

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:
        if params.get("text"):
            self.toasts.append(str(params["text"]))
        self._note(f"press {params.get('callback_query_id')}")
        return self._ok(True)

    async def _sendChatAction(self, params: dict[str, Any]) -> web.Response:
        return self._refusal(int(params["chat_id"])) or self._ok(True)

    async def _sendMessage(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params["chat_id"])
        if chat_id in self.slow_chats:
            await asyncio.sleep(self.slow_chats[chat_id])
        if self.throttle_next[chat_id] > 0:
            self.throttle_next[chat_id] -= 1
            self.http_429 += 1
            return self._error(
                429, "Too Many Requests: retry after 1", parameters={"retry_after": 1}
            )
        refused = self._refusal(chat_id) or self._flood(chat_id)
        if refused:
            return refused
        self._note(f"message to {chat_id}")
        text = str(params["text"])
        if len(text) > 4096:
            return self._error(400, "Bad Request: message is too long")
        sent = Sent(self._next_id, chat_id, text, _buttons(params.get("reply_markup")))
        self._next_id += 1
        self.chats[chat_id].append(sent)
        return self._ok(self._message(sent))

    async def _getFile(self, params: dict[str, Any]) -> web.Response:
        file_id = str(params["file_id"])
        stored = self.files.get(file_id)
        if stored is None or file_id in self.unreadable:
            return self._error(400, "Bad Request: invalid file_id")
        if stored.size > 20 * 1024 * 1024:
            return self._error(400, "Bad Request: file is too big")
        return self._ok(
            {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": stored.size,
                "file_path": f"documents/{file_id}",
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        stored = self.files.get(request.match_info["path"].removeprefix("documents/"))
        if stored is None:
            return web.Response(status=404)
        return web.Response(body=stored.content)

    async def _send_file(self, params: dict[str, Any], kind: str) -> web.Response:
        chat_id = int(params["chat_id"])
        refused = self._refusal(chat_id) or self._flood(chat_id)
        if refused:
            return refused
        stored = self.files.get(str(params[kind]))
        if stored is None:
            return self._error(400, "Bad Request: wrong file identifier/HTTP URL specified")
        sent = Sent(
            self._next_id,
            chat_id,
            str(params.get("caption", "")),
            file=(kind, stored.name, stored.content),
        )
        self._next_id += 1
        self.chats[chat_id].append(sent)
        self._note(f"{kind} to {chat_id}")
        message = self._message(sent)
        message[kind] = (
            [{"file_id": str(params[kind]), "file_unique_id": "u", "width": 1, "height": 1}]
            if kind == "photo"
            else {
                "file_id": str(params[kind]),
                "file_unique_id": "u",
                "duration": 1,
                "file_name": stored.name,
            }
        )
        return self._ok(message)

    async def _sendDocument(self, params: dict[str, Any]) -> web.Response:
        return await self._send_file(params, "document")

    async def _sendPhoto(self, params: dict[str, Any]) -> web.Response:
        return await self._send_file(params, "photo")

    async def _sendVoice(self, params: dict[str, Any]) -> web.Response:
        return await self._send_file(params, "voice")

    async def _sendVideo(self, params: dict[str, Any]) -> web.Response:
        return await self._send_file(params, "video")

    async def _sendAudio(self, params: dict[str, Any]) -> web.Response:
        return await self._send_file(params, "audio")

    async def _editMessageText(self, params: dict[str, Any]) -> web.Response:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        for sent in self.chats[chat_id]:
            if sent.message_id == message_id:
                sent.text, sent.edits = str(params["text"]), sent.edits + 1
                sent.buttons = _buttons(params.get("reply_markup"))
                return self._ok(self._message(sent))
        return self._error(400, "Bad Request: message to edit not found")

    async def _editMessageReplyMarkup(self, params: dict[str, Any]) -> web.Response:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        for sent in self.chats[chat_id]:
            if sent.message_id == message_id:
                sent.buttons = _buttons(params.get("reply_markup"))
                return self._ok(self._message(sent))
        return self._error(400, "Bad Request: message to edit not found")

    async def _getChatMember(self, params: dict[str, Any]) -> web.Response:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = "administrator" if user_id in self.admins[chat_id] else "member"
        status = self.statuses.get((chat_id, user_id), status)
        user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
        if status == "kicked":
            return self._ok({"status": status, "user": user, "until_date": 0})
        if status == "restricted":
            rights = {
                name: False
                for name in (
                    "can_send_messages can_send_audios can_send_documents can_send_photos "
                    "can_send_videos can_send_video_notes can_send_voice_notes can_send_polls "
                    "can_send_other_messages can_add_web_page_previews can_change_info "
                    "can_invite_users can_pin_messages can_manage_topics can_edit_tag "
                    "can_react_to_messages"
                ).split()
            }
            return self._ok(
                {"status": status, "user": user, "is_member": True, "until_date": 0, **rights}
            )
        extra = (
            {
                "can_be_edited": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "is_anonymous": False,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
            if status == "administrator"
            else {}
        )
        return self._ok({"status": status, "user": user, **extra})

    @staticmethod
    def _message(sent: Sent) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": "private" if sent.chat_id > 0 else "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Parent Brain"},
            "text": sent.text,
        }
        if sent.buttons:
            message["reply_markup"] = {
                "inline_keyboard": [[{"text": t, "callback_data": d}] for t, d in sent.buttons]
            }
        return message


def _buttons(markup: Any) -> list[tuple[str, str]]:
    if not markup:
        return []
    return [
        (b["text"], b.get("callback_data", "")) for row in markup["inline_keyboard"] for b in row
    ]
