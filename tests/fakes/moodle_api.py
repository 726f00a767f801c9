"""A small fake Moodle site speaking its REST web services as Moodle documents them: one
endpoint (`/webservice/rest/server.php`), `wstoken`, `wsfunction` and `moodlewsrestformat=json`,
arrays as `values[0]` and `messages[0][text]`, and every failure as HTTP 200 with an
`exception`, an `errorcode` and a `message`."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

FUNCTIONS = (
    "core_webservice_get_site_info",
    "core_course_get_courses",
    "core_user_get_users_by_field",
    "core_message_send_instant_messages",
    "core_completion_get_course_completion_status",
)


@dataclass
class MoodleUser:
    id: int
    username: str
    email: str
    fullname: str
    enrolled: set[int] = field(default_factory=set)
    completed: set[int] = field(default_factory=set)


class FakeMoodle:
    def __init__(self, name: str = "Town Learning", token: str = "good-token") -> None:
        self.name, self.token = name, token
        self.functions = list(FUNCTIONS)
        self.courses: dict[int, str] = {1: name}  # course 1 is the site's front page
        self.no_criteria: set[int] = set()
        self.users: dict[int, MoodleUser] = {}
        self.messages: list[tuple[int, str]] = []
        self.calls: list[str] = []
        self.down = False  # answers 503, as a site being upgraded does
        self.slow = 0.0  # seconds before each answer
        self.url = ""
        self._runner: web.AppRunner | None = None

    def add_user(self, user_id: int, username: str, email: str, name: str) -> MoodleUser:
        self.users[user_id] = MoodleUser(user_id, username, email, name)
        return self.users[user_id]

    def code_sent_to(self, user_id: int) -> str:
        text = next(t for to, t in reversed(self.messages) if to == user_id)
        found = re.search(r"\b(\d{6})\b", text)
        assert found, text
        return found[1]

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/webservice/rest/server.php", self._handle)
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

    @staticmethod
    def _error(exception: str, code: str, message: str) -> web.Response:
        return web.json_response({"exception": exception, "errorcode": code, "message": message})

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if self.slow:
            await asyncio.sleep(self.slow)
        if self.down:
            return web.Response(status=503, text="Site is being upgraded")
        form = dict(request.query) | dict(await request.post())
        function = str(form.get("wsfunction", ""))
        self.calls.append(function)
        if form.get("moodlewsrestformat") != "json":
            return web.Response(text="<?xml version='1.0'?><RESPONSE/>")  # XML, Moodle's default
        if form.get("wstoken") != self.token:
            return self._error(
                "moodle_exception", "invalidtoken", "Invalid token - token not found"
            )
        if function not in self.functions:
            return self._error(
                "webservice_access_exception",
                "accessexception",
                "Access control exception",
            )
        return web.json_response(getattr(self, function)(form))

    def core_webservice_get_site_info(self, form: dict[str, Any]) -> Any:
        return {
            "sitename": self.name,
            "username": "parentbrain",
            "userid": 2,
            "siteurl": self.url,
            "functions": [{"name": f, "version": "2024100700"} for f in self.functions],
        }

    def core_course_get_courses(self, form: dict[str, Any]) -> Any:
        return [
            {
                "id": course_id,
                "shortname": name[:10],
                "fullname": name,
                "categoryid": 0 if course_id == 1 else 1,
                "format": "site" if course_id == 1 else "topics",
            }
            for course_id, name in self.courses.items()
        ]

    def core_user_get_users_by_field(self, form: dict[str, Any]) -> Any:
        field_name, value = form.get("field"), str(form.get("values[0]", "")).lower()
        if field_name not in ("email", "username", "id", "idnumber"):
            return self._fault("invalid_parameter_exception", "invalidparameter")
        return [
            {"id": u.id, "username": u.username, "fullname": u.fullname, "email": u.email}
            for u in self.users.values()
            if (u.email if field_name == "email" else u.username) == value
        ]

    def core_message_send_instant_messages(self, form: dict[str, Any]) -> Any:
        to, text = int(form["messages[0][touserid]"]), str(form["messages[0][text]"])
        if to not in self.users:
            return [{"msgid": -1, "errormessage": "User not found"}]
        self.messages.append((to, text))
        return [{"msgid": len(self.messages), "clientmsgid": None}]

    def core_completion_get_course_completion_status(self, form: dict[str, Any]) -> Any:
        course_id, user_id = int(form["courseid"]), int(form["userid"])
        if course_id not in self.courses:
            return self._fault("dml_missing_record_exception", "invalidrecord")
        user = self.users[user_id]
        if course_id not in user.enrolled:
            return self._fault("moodle_exception", "usernotenroled")
        if course_id in self.no_criteria:
            return self._fault("moodle_exception", "nocriteriaset")
        done = course_id in user.completed
        return {
            "completionstatus": {
                "completed": done,
                "aggregation": 1,
                "completions": [
                    {
                        "type": 4,
                        "title": "Activity completion",
                        "status": "Yes" if done else "No",
                        "complete": done,
                        "timecompleted": 1_700_000_000 if done else None,
                        "details": {
                            "type": "Activity",
                            "criteria": "Quiz",
                            "requirement": "",
                            "status": "",
                        },
                    }
                ],
            },
            "warnings": [],
        }

    @staticmethod
    def _fault(exception: str, code: str) -> dict[str, str]:
        return {"exception": exception, "errorcode": code, "message": code}
