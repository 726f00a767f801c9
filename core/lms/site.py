"""The port to a learning system: what Parent Brain asks of it. `bots/moodle.py` speaks
Moodle's REST web services; tests drive it against a fake Moodle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.errors import DomainError
from core.language import _


class LearningSiteError(DomainError):
    """The site said no, or couldn't be reached: one sentence for the person who asked, and
    the site's own error code where it gave one."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SiteInfo:
    name: str
    functions: frozenset[str]  # the web-service functions the token may call


@dataclass(frozen=True)
class Course:
    id: int
    name: str


@dataclass(frozen=True)
class SiteUser:
    id: int
    username: str
    fullname: str


class LearningSites(Protocol):
    """Each call names the site and its token: one client serves every community's site."""

    async def site_info(self, url: str, token: str) -> SiteInfo: ...

    async def courses(self, url: str, token: str) -> list[Course]: ...

    async def find_user(self, url: str, token: str, who: str) -> SiteUser | None: ...

    async def send_message(self, url: str, token: str, user_id: int, text: str) -> None: ...

    async def completed(self, url: str, token: str, course_id: int, user_id: int) -> bool: ...


def course_link(url: str, course_id: int) -> str:
    """Where a course is, on a Moodle site."""
    return f"{url.rstrip('/')}/course/view.php?id={course_id}"


# What the site needs to allow the token's user, said to the moderator who connects it.
NEEDED_FUNCTIONS = (
    "core_webservice_get_site_info",
    "core_course_get_courses",
    "core_user_get_users_by_field",
    "core_message_send_instant_messages",
    "core_completion_get_course_completion_status",
)


class NoLearningSites:
    """For deployments built without a client: every call says so."""

    async def _no(self) -> None:
        raise LearningSiteError(_("Learning systems aren't available in this deployment."))

    async def site_info(self, url: str, token: str) -> SiteInfo:
        await self._no()
        raise AssertionError

    async def courses(self, url: str, token: str) -> list[Course]:
        await self._no()
        return []

    async def find_user(self, url: str, token: str, who: str) -> SiteUser | None:
        await self._no()
        return None

    async def send_message(self, url: str, token: str, user_id: int, text: str) -> None:
        await self._no()

    async def completed(self, url: str, token: str, course_id: int, user_id: int) -> bool:
        await self._no()
        return False
