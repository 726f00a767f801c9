"""Connecting a community's learning site, mapping its courses to skills, and what the
moderators see of it. The token is asked for in private and kept sealed (core/sealed.py)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select

from core.actors import Actor
from core.commands import (
    ConnectLearningSite,
    DisconnectLearningSite,
    GiveLearningToken,
    MapCourse,
    UnmapCourse,
)
from core.config import Settings
from core.errors import DomainError
from core.handlers.common import catalogue, member_of
from core.language import N_, _, formatting, ngettext
from core.language.people import speaking_to
from core.lms.site import NEEDED_FUNCTIONS, Course
from core.models import Community, LearningAccount, LearningCourse, LearningSite
from core.notices import MODERATORS, Notice
from core.sealed import seal, unseal
from core.skills import LEVEL_NAMES, LEVELS
from core.uow import UnitOfWork

TOKEN_PURPOSE = "lms token"
TOKEN_WAIT = timedelta(minutes=15)
HOW_TO_MAKE_A_TOKEN = N_(
    "In Moodle: Site administration > Server > Web services > Manage tokens (see the README "
    "for the service's functions)."
)


def moderated_here(actor: Actor) -> int:
    actor.require_moderator()
    if actor.community_id is None:
        raise DomainError(_("Do this from your community's chat, where you moderate."))
    return actor.community_id


def site_address(typed: str) -> str:
    """The site's address as people copy it from the browser, checked and tidied."""
    address = typed.strip().rstrip("/")
    for ending in ("/login/index.php", "/my", "/index.php"):
        address = address.removesuffix(ending)
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in address:
        raise DomainError(
            _("That isn't a web address; type it like: /lms connect https://learn.example.org")
        )
    if parts.query or parts.fragment:
        raise DomainError(_("Give the site's address alone, like https://learn.example.org"))
    return address


async def connected_site(uow: UnitOfWork, community_id: int | None) -> LearningSite | None:
    if community_id is None:
        return None
    site = await uow.session.get(LearningSite, community_id)
    return site if site is not None and site.sealed_token is not None else None


def token_of(settings: Settings, site: LearningSite) -> str:
    assert site.sealed_token is not None
    return unseal(settings, TOKEN_PURPOSE, site.sealed_token)


async def connect_learning_site(cmd: ConnectLearningSite, uow: UnitOfWork) -> str:
    community_id = moderated_here(cmd.actor)
    address = site_address(cmd.url)
    site = await uow.session.get(LearningSite, community_id)
    if site is not None and site.sealed_token is not None:
        raise DomainError(
            _(
                "This community is connected to {value} already; /lms disconnect first to connect another site.",
                value=site.site_name or site.url,
            )
        )
    if site is None:
        site = LearningSite(community_id=community_id, site_name="")
        uow.session.add(site)
    site.url, site.connected_by_member_id, site.asked_at = address, cmd.actor.member_id, uow.now()
    async with speaking_to(uow, cmd.actor.member_id):
        await uow.notify(
            Notice(
                to=cmd.actor.member_id,
                text=_(
                    "To connect {address}, send me its web-service token here, privately: type /lmstoken followed by the token, within 15 minutes. It is kept encrypted and never shown again. {HOW_TO_MAKE_A_TOKEN}",
                    address=address,
                    HOW_TO_MAKE_A_TOKEN=_(HOW_TO_MAKE_A_TOKEN),
                ),
            )
        )
    return _(
        "I've asked you for the site's token in a private message. Never paste a token in a group."
    )


async def waiting_site(uow: UnitOfWork, actor: Actor) -> LearningSite:
    """The site a /lms connect by this person waits to get a token for."""
    site = await uow.session.scalar(
        select(LearningSite)
        .where(
            LearningSite.connected_by_member_id == actor.member_id,
            LearningSite.sealed_token.is_(None),
            LearningSite.asked_at >= uow.now() - TOKEN_WAIT,
        )
        .order_by(LearningSite.asked_at.desc())
        .limit(1)
    )
    if site is None:
        raise DomainError(
            _(
                "No site is waiting for a token from you (or it waited over 15 minutes); a moderator starts with /lms connect <address> in the community."
            )
        )
    return site


async def give_learning_token(cmd: GiveLearningToken, uow: UnitOfWork, settings: Settings) -> str:
    """Keep the token the site accepted (core/lms/asking.py asked it, outside this
    transaction), sealed."""
    site = await waiting_site(uow, cmd.actor)
    if site.url != cmd.url:
        raise DomainError(_("That site is no longer the one waiting; type /lmstoken again."))
    missing = [f for f in NEEDED_FUNCTIONS if cmd.functions and f not in cmd.functions]
    if missing:
        raise DomainError(
            _(
                "The token works, but its service doesn't allow {listing}; add them to the service in Moodle and send the token again.",
                listing=", ".join(missing),
            )
        )
    site.sealed_token = seal(settings, TOKEN_PURPOSE, cmd.token.get_secret_value())
    site.site_name, site.connected_at, site.last_sync_error = cmd.site_name, uow.now(), None
    member = await member_of(uow, cmd.actor)
    async with speaking_to(uow, MODERATORS, site.community_id):
        await uow.notify(
            Notice(
                to=MODERATORS,
                community_id=site.community_id,
                text=_(
                    "{display_name} connected the learning site {site_name} ({url}). Map its courses to skills with /lms courses and /lms map.",
                    display_name=member.display_name,
                    site_name=cmd.site_name,
                    url=site.url,
                ),
            )
        )
    return _(
        "Connected to {site_name}. Next, map its courses to skills: /lms courses lists them, then /lms map <course id> <skill> [level].",
        site_name=cmd.site_name,
    )


async def disconnect_learning_site(cmd: DisconnectLearningSite, uow: UnitOfWork) -> str:
    community_id = moderated_here(cmd.actor)
    site = await uow.session.get(LearningSite, community_id)
    if site is None:
        return _("This community isn't connected to a learning site.")
    for table in (LearningCourse, LearningAccount):
        await uow.session.execute(delete(table).where(table.community_id == community_id))
    await uow.session.delete(site)
    return _(
        "Disconnected: the token is deleted, course mappings and linked accounts are gone. Completions already recorded stay on parents' records."
    )


def level_of(typed: str) -> int:
    word = typed.strip().lower()
    if not word:
        return LEVELS["intermediate"]
    if word in LEVELS:
        return LEVELS[word]
    if word in ("1", "2", "3"):
        return int(word)
    raise DomainError(_("The level is beginner, intermediate or expert."))


async def map_course(cmd: MapCourse, uow: UnitOfWork) -> str:
    """The course (found on the site by core/lms/asking.py) counts for a skill here."""
    community_id = moderated_here(cmd.actor)
    if await connected_site(uow, community_id) is None:
        raise DomainError(_("Connect the community's learning site first: /lms connect <address>."))
    level = level_of(cmd.level)
    skills = await catalogue(uow)
    code = skills.resolve(cmd.skill)
    mapped = await uow.session.get(LearningCourse, (community_id, cmd.course_id))
    if mapped is None:
        mapped = LearningCourse(community_id=community_id, course_id=cmd.course_id)
        uow.session.add(mapped)
    mapped.name, mapped.skill_code, mapped.level = cmd.course_name[:300], code, level
    return _(
        'Done: "{course_name}" counts for {skills} at {LEVEL_NAMES} level. Parents who complete it are verified, and /learn lists it.',
        course_name=cmd.course_name,
        skills=skills.name(code).lower(),
        LEVEL_NAMES=_(LEVEL_NAMES[level]),
    )


async def unmap_course(cmd: UnmapCourse, uow: UnitOfWork) -> str:
    community_id = moderated_here(cmd.actor)
    mapped = await uow.session.get(LearningCourse, (community_id, cmd.course_id))
    if mapped is None:
        raise DomainError(
            _("Course {course_id} isn't mapped to a skill here.", course_id=cmd.course_id)
        )
    await uow.session.delete(mapped)
    return _(
        '"{name}" no longer counts for a skill. Completions already recorded stay.',
        name=mapped.name,
    )


async def site_state(uow: UnitOfWork, community_id: int) -> str:
    """/lms for moderators: the connection, its last sync and its mappings."""
    site = await uow.session.get(LearningSite, community_id)
    if site is None:
        return _(
            "No learning site is connected. A moderator connects Moodle with /lms connect <address>."
        )
    if site.sealed_token is None:
        return _(
            "Waiting for the token for {url}: the moderator who asked types /lmstoken <token> in a private chat with me.",
            url=site.url,
        )
    mapped = await uow.session.scalar(
        select(func.count()).where(LearningCourse.community_id == community_id)
    )
    linked = await uow.session.scalar(
        select(func.count()).where(
            LearningAccount.community_id == community_id,
            LearningAccount.lms_user_id.is_not(None),
        )
    )
    synced = (
        _(
            "last read {last_sync_at} UTC",
            last_sync_at=formatting.dated(site.last_sync_at, "%d %b %H:%M"),
        )
        if site.last_sync_at
        else _("not read yet")
    )
    lines = [
        _(
            "Connected to {site_name} ({url}); completions {synced}.",
            site_name=site.site_name,
            url=site.url,
            synced=synced,
        ),
        ngettext("{n} course mapped to skills", "{n} courses mapped to skills", mapped or 0)
        + ", "
        + ngettext("{n} parent linked.", "{n} parents linked.", linked or 0),
    ]
    if site.last_sync_error:
        lines.append(
            _(
                "The last read had a problem: {last_sync_error}",
                last_sync_error=site.last_sync_error,
            )
        )
    return "\n".join(lines)


async def course_lines(
    uow: UnitOfWork, community_id: int, site_name: str, courses: list[Course]
) -> str:
    """/lms courses: the site's courses (asked of it already), and what each counts for."""
    if not courses:
        return _("{site_name} has no courses yet.", site_name=site_name)
    mapped = {
        row.course_id: row
        for row in await uow.session.scalars(
            select(LearningCourse).where(LearningCourse.community_id == community_id)
        )
    }
    skills = await catalogue(uow)
    lines = [_("Courses on {site_name}:", site_name=site_name)]
    for course in courses[:40]:
        row = mapped.get(course.id)
        counts = (
            f" → {skills.name(row.skill_code).lower()} ({_(LEVEL_NAMES[row.level])})"
            if row
            else _(" (not mapped)")
        )
        lines.append(f"• {course.id}: {course.name}{counts}")
    if len(courses) > 40:
        lines.append(_("…and {value} more.", value=len(courses) - 40))
    lines.append(_("Map one with /lms map <course id> <skill> [level]."))
    return "\n".join(lines)


async def adopt_configured_site(
    uow: UnitOfWork, settings: Settings, community_id: int | None
) -> None:
    """The operator's learning site (PARENTBRAIN_LMS_URL and _TOKEN) for the first community,
    kept sealed like one a moderator connects; it is read at the first sync."""
    if not (settings.lms_url and settings.lms_token) or community_id is None:
        return
    site = await uow.session.get(LearningSite, community_id)
    token = settings.lms_token.get_secret_value()
    if (
        site is not None
        and site.sealed_token
        and unseal(settings, TOKEN_PURPOSE, site.sealed_token) == token
        and site.url == site_address(settings.lms_url)
    ):
        return
    creator = await uow.session.scalar(
        select(Community.created_by_member_id).where(Community.id == community_id)
    )
    if site is None:
        site = LearningSite(community_id=community_id, site_name="")
        uow.session.add(site)
    site.url, site.asked_at, site.connected_at = (
        site_address(settings.lms_url),
        uow.now(),
        uow.now(),
    )
    site.sealed_token = seal(settings, TOKEN_PURPOSE, token)
    site.site_name = site.site_name or site.url
    site.connected_by_member_id = creator
