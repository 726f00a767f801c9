"""What the learning site is asked for a person, outside any transaction: a site that takes
seconds to answer (or times out) holds up nobody else's work, since on SQLite every unit of
work takes its turn. Each step reads what it needs, asks the site, then sends the command
that keeps the answer; the command checks again what may have changed meanwhile."""

from __future__ import annotations

from pydantic import SecretStr

from core import commands as c
from core.actors import Actor
from core.catalogue.shapes import Services
from core.errors import DomainError
from core.language import _
from core.lms.connecting import (
    connected_site,
    course_lines,
    moderated_here,
    token_of,
    waiting_site,
)
from core.lms.linking import linked_to_someone_else, new_code, ready_to_link
from core.lms.syncing import sync_site


async def _site(services: Services, actor: Actor) -> tuple[int, str, str, str]:
    """The moderator's community's connected site: (community, address, token, name)."""
    community_id = moderated_here(actor)
    async with services.uow() as uow:
        site = await connected_site(uow, community_id)
        if site is None:
            raise DomainError(
                _("Connect the community's learning site first: /lms connect <address>.")
            )
        return community_id, site.url, token_of(services.settings, site), site.site_name


async def give_token(services: Services, actor: Actor, token: str) -> str:
    async with services.uow() as uow:
        url = (await waiting_site(uow, actor)).url
    info = await services.lms.site_info(url, token)
    return str(
        await services.handle(
            c.GiveLearningToken(
                actor=actor,
                url=url,
                token=SecretStr(token),
                site_name=info.name[:200],
                functions=sorted(info.functions),
            )
        )
    )


async def list_courses(services: Services, actor: Actor) -> str:
    community_id, url, token, name = await _site(services, actor)
    courses = await services.lms.courses(url, token)
    async with services.uow() as uow:
        return await course_lines(uow, community_id, name, courses)


async def map_course(
    services: Services, actor: Actor, course_id: int, skill: str, level: str
) -> str:
    _site_id, url, token, name = await _site(services, actor)
    course = next((x for x in await services.lms.courses(url, token) if x.id == course_id), None)
    if course is None:
        raise DomainError(
            _(
                "{value} has no course {course_id}; /lms courses lists them.",
                value=name or "The site",
                course_id=course_id,
            )
        )
    return str(
        await services.handle(
            c.MapCourse(
                actor=actor, course_id=course_id, course_name=course.name, skill=skill, level=level
            )
        )
    )


async def send_code(services: Services, actor: Actor, who: str) -> str:
    async with services.uow() as uow:
        site = await ready_to_link(uow, actor)
        url, token = site.url, token_of(services.settings, site)
        community_id, name = site.community_id, site.site_name
    user = await services.lms.find_user(url, token, who.strip())
    if user is None:
        raise DomainError(
            _(
                "There's no account with that username or email on {name}; type it as you sign in there.",
                name=name,
            )
        )
    async with services.uow() as uow:
        if await linked_to_someone_else(uow, community_id, user.id, actor.member_id):
            raise DomainError(
                _("That account is linked to someone else here; if it's yours, ask the moderators.")
            )
    code = new_code()
    await services.lms.send_message(
        url,
        token,
        user.id,
        _(
            "Your Parent Brain code is {code}. To link this account, type /lms code {code} in the chat within 15 minutes. If you didn't ask for it, ignore this message.",
            code=code,
        ),
    )
    return str(
        await services.handle(
            c.LinkLearningAccount(
                actor=actor,
                community_id=community_id,
                user_id=user.id,
                username=user.username,
                code=SecretStr(code),
            )
        )
    )


async def read_now(services: Services, actor: Actor) -> str:
    """/lms sync: the community's site read now, as the scheduled read does it."""
    community_id = moderated_here(actor)
    _synced, said = await sync_site(
        services.uow, services.lms, services.settings, services.files, community_id
    )
    return said
