"""Whose language: a person's, found in the store, for what they ask and what they're sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.language import choose, speaking
from core.models import Community, Member
from core.notices import HELP, MODERATORS
from core.uow import UnitOfWork


def community_language(community: Community | None) -> str | None:
    """What the community's moderators chose with /settings language, if they did."""
    if community is None:
        return None
    chosen = community.settings.get("language")
    return chosen if isinstance(chosen, str) else None


async def language_of_member(
    uow: UnitOfWork, member: Member | int, community_id: int | None = None
) -> str:
    """The language to write to this member in: chosen, their app's, the community's."""
    found = member if isinstance(member, Member) else await uow.session.get(Member, member)
    if found is None:
        return choose(chosen=None)
    community = await uow.session.get(Community, community_id) if community_id else None
    return choose(
        chosen=found.language,
        platform=found.platform_language,
        community=community_language(community),
    )


@asynccontextmanager
async def speaking_to(
    uow: UnitOfWork, to: int, community_id: int | None = None
) -> AsyncIterator[str]:
    """Write what is inside in the language of whoever a notice goes to: a member, or a
    community's moderators' or help channel (`to` MODERATORS or HELP), in the community's."""
    if to in (MODERATORS, HELP):
        community = await uow.session.get(Community, community_id) if community_id else None
        language = choose(chosen=None, community=community_language(community))
    else:
        language = await language_of_member(uow, to, community_id)
    with speaking(language) as chosen:
        yield chosen
