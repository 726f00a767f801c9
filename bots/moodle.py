"""Moodle's REST web services, as Moodle documents them: one URL
(`/webservice/rest/server.php`), the token and the function as parameters, arrays written as
`name[0][field]`, answers in JSON. A failure is HTTP 200 with an `exception`, an `errorcode`
and a `message`; each is one sentence here (core/lms/site.py's LearningSiteError), never the
site's own words or the token. Calls are bounded by a time-out and tried again once when the
site can't be reached."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from core.lms.site import Course, LearningSiteError, SiteInfo, SiteUser

log = logging.getLogger("parentbrain.moodle")

ENDPOINT = "/webservice/rest/server.php"

# Moodle's error codes, as a moderator can act on them.
SENTENCES = {
    "invalidtoken": "The site didn't accept that token; make a new one in Moodle (Site "
    "administration > Server > Web services > Manage tokens) and connect again.",
    "accessexception": "The token's user isn't allowed to use the web service; check the "
    "service's authorised users and the user's role.",
    "servicerequireslogin": "The token's user isn't allowed to use the web service; check the "
    "service's authorised users and the user's role.",
    "webservicesnotenabled": "Web services aren't enabled on the site (Site administration > "
    "Advanced features > Enable web services).",
    "protocolnotenabled": "The REST protocol isn't enabled on the site (Site administration > "
    "Server > Web services > Manage protocols).",
    "invalidrecord": "The site doesn't have that course.",
    "nocriteriaset": "That course has no completion criteria set in Moodle, so completions "
    "can't be read; set them in the course's Course completion settings.",
    "usernotenroled": "The parent isn't enrolled in that course.",
    "notenroled": "The parent isn't enrolled in that course.",
    "cannotviewreport": "The token's user can't see course completions (it needs "
    "report/completion:view).",
    "accessdenied": "The token's user can't see that parent's course (groups).",
    "nopermissions": "The token's user lacks a capability the web service needs.",
}


class MoodleSites:
    """One client for every community's Moodle site."""

    def __init__(self, timeout_seconds: float = 10.0, attempts: int = 2) -> None:
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self.attempts = attempts
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def call(self, url: str, token: str, function: str, **params: Any) -> Any:
        form = {"wstoken": token, "wsfunction": function, "moodlewsrestformat": "json"}
        form |= flatten(params)
        address = url.rstrip("/") + ENDPOINT
        for attempt in range(1, self.attempts + 1):
            try:
                async with self._client().post(address, data=form) as answer:
                    if answer.status >= 500 and attempt < self.attempts:
                        await asyncio.sleep(0.2 * attempt)
                        continue
                    if answer.status != 200:
                        raise LearningSiteError(
                            f"The learning site at {url} couldn't be reached (it answered "
                            f"HTTP {answer.status}); try again later."
                        )
                    body = await answer.json(content_type=None)
                    break
            except (aiohttp.ClientError, TimeoutError, ValueError) as err:
                if attempt < self.attempts and not isinstance(err, ValueError):
                    await asyncio.sleep(0.2 * attempt)
                    continue
                log.warning("Moodle at %s: %s failed: %s", url, function, type(err).__name__)
                raise LearningSiteError(
                    f"The learning site at {url} couldn't be reached; try again later."
                ) from None
        if isinstance(body, dict) and "exception" in body:
            code = str(body.get("errorcode", ""))
            log.info("Moodle at %s: %s said %s", url, function, code)
            raise LearningSiteError(
                SENTENCES.get(code, f"The learning site refused ({code or 'an error'})."), code
            )
        return body

    async def site_info(self, url: str, token: str) -> SiteInfo:
        info = await self.call(url, token, "core_webservice_get_site_info")
        return SiteInfo(
            name=str(info.get("sitename", url)),
            functions=frozenset(str(f.get("name")) for f in info.get("functions", [])),
        )

    async def courses(self, url: str, token: str) -> list[Course]:
        found = await self.call(url, token, "core_course_get_courses")
        return [
            Course(int(c["id"]), str(c.get("fullname") or c.get("shortname") or c["id"]))
            for c in found
            if c.get("format") != "site" and int(c.get("categoryid", 1)) != 0
        ]

    async def find_user(self, url: str, token: str, who: str) -> SiteUser | None:
        field = "email" if "@" in who else "username"
        found = await self.call(
            url, token, "core_user_get_users_by_field", field=field, values=[who.lower()]
        )
        if not found:
            return None
        user = found[0]
        return SiteUser(
            int(user["id"]), str(user.get("username", who)), str(user.get("fullname", ""))
        )

    async def send_message(self, url: str, token: str, user_id: int, text: str) -> None:
        sent = await self.call(
            url,
            token,
            "core_message_send_instant_messages",
            messages=[{"touserid": user_id, "text": text, "textformat": 2}],
        )
        if not sent or int(sent[0].get("msgid", -1)) < 0:
            raise LearningSiteError(
                "The learning site couldn't message that account (its messaging may be off); "
                "ask the moderators."
            )

    async def completed(self, url: str, token: str, course_id: int, user_id: int) -> bool:
        status = await self.call(
            url,
            token,
            "core_completion_get_course_completion_status",
            courseid=course_id,
            userid=user_id,
        )
        return bool(status.get("completionstatus", {}).get("completed"))


def flatten(params: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Parameters as Moodle's REST server reads them: `values[0]`, `messages[0][text]`."""
    flat: dict[str, str] = {}
    for name, value in params.items():
        key = f"{prefix}[{name}]" if prefix else name
        if isinstance(value, dict):
            flat |= flatten(value, key)
        elif isinstance(value, list | tuple):
            for n, item in enumerate(value):
                if isinstance(item, dict):
                    flat |= flatten(item, f"{key}[{n}]")
                else:
                    flat[f"{key}[{n}]"] = str(item)
        elif isinstance(value, bool):
            flat[key] = "1" if value else "0"
        else:
            flat[key] = str(value)
    return flat
