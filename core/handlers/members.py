"""Joining through a community, linking accounts across platforms, profiles, skills."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, exists, select, update

from core import communities
from core.actors import Actor, Role
from core.commands import (
    AddSkill,
    CompleteLink,
    EndWebSessions,
    RegisterAccount,
    SetReachable,
    SetSkills,
    StartLink,
    UpdateProfile,
)
from core.config import Settings
from core.errors import DomainError
from core.handlers.availability import reindex_open_skills
from core.handlers.common import catalogue, member_of, zone
from core.handlers.communities import withdraw_offers
from core.language import _, choose, ngettext, supported
from core.language.people import community_language
from core.models import (
    Account,
    Availability,
    Business,
    Community,
    LinkCode,
    Member,
    Membership,
    MemberSkill,
    Offer,
    OpenSkill,
    SkillRow,
    WeeklyWindowRow,
)
from core.money import Money
from core.parsing import parse_money, parse_quiet_hours, parse_timezone
from core.projects import progress as projects
from core.skills import describe, normalise
from core.uow import UnitOfWork

LINK_CODE_LIFETIME = timedelta(minutes=15)
LINK_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I/L to misread


async def register_account(cmd: RegisterAccount, uow: UnitOfWork, settings: Settings) -> Actor:
    """Find or create the member behind a platform account, and say who they are and where.

    Membership and moderator status come from the platform, via the adapter: a member
    joins a community when the platform says they belong, and leaves when it says not.
    """
    now = uow.now()
    account = await uow.session.scalar(
        select(Account).where(
            Account.platform == cmd.platform, Account.external_id == cmd.external_id
        )
    )
    if account is None:
        here = await communities.community_settings(uow, settings, cmd.community_id)
        member = Member(
            display_name=cmd.display_name,
            roles=[Role.PARENT.value],
            timezone=here.default_timezone,
            last_platform=cmd.platform,
            platform_language=supported(cmd.platform_language),
            created_at=now,
        )
        uow.session.add(member)
        await uow.session.flush()
        account = Account(
            member_id=member.id,
            platform=cmd.platform,
            external_id=cmd.external_id,
            handle=cmd.handle,
            last_seen_at=now,
        )
        uow.session.add(account)
    else:
        member = await uow.session.get_one(Member, account.member_id)
        account.last_seen_at = now
        account.handle = cmd.handle or account.handle
        member.last_platform = cmd.platform
        said = supported(cmd.platform_language)
        if said not in (None, member.platform_language) and (
            cmd.remember_language or member.platform_language is None
        ):
            member.platform_language = said
        if cmd.dm_open:
            member.reachable = True  # they wrote to the bot directly, so DMs work again
    community_id = cmd.community_id
    if community_id is not None and cmd.platform_says_member is not None:
        if cmd.platform_says_member:
            if await communities.join(uow, community_id, member, now):
                await reindex_open_skills(uow, member.id)
        elif await communities.mark_left(uow, community_id, member.id, now):
            await withdraw_offers(uow, member.id, community_id, _("you left the community"))
            await projects.parent_gone(uow, community_id, member.id)
            await reindex_open_skills(uow, member.id)
    if community_id is None:
        mine = await communities.active_communities(uow, member.id)
        community_id = mine[0] if len(mine) == 1 else None
    roles = {Role(r) for r in member.roles}
    if cmd.platform_says_moderator and cmd.community_id is not None:
        roles.add(Role.MODERATOR)
    return Actor(
        member_id=member.id,
        platform=cmd.platform,
        roles=frozenset(roles),
        community_id=community_id,
        language=choose(
            chosen=member.language,
            platform=supported(cmd.platform_language) or member.platform_language,
            community=community_language(
                await uow.session.get(Community, community_id) if community_id else None
            ),
        ),
    )


async def set_reachable(cmd: SetReachable, uow: UnitOfWork) -> None:
    member = await member_of(uow, cmd.actor)
    member.reachable = cmd.reachable


async def end_web_sessions(cmd: EndWebSessions, uow: UnitOfWork) -> str:
    member = await member_of(uow, cmd.actor)
    member.web_signed_out_at = uow.now()
    return _("You're signed out.")


async def start_link(cmd: StartLink, uow: UnitOfWork) -> str:
    """A one-time code to type on the other platform."""
    await member_of(uow, cmd.actor)
    await uow.session.execute(delete(LinkCode).where(LinkCode.member_id == cmd.actor.member_id))
    code = "".join(secrets.choice(LINK_ALPHABET) for _ in range(6))
    uow.session.add(
        LinkCode(
            code=code, member_id=cmd.actor.member_id, expires_at=uow.now() + LINK_CODE_LIFETIME
        )
    )
    return code


async def complete_link(cmd: CompleteLink, uow: UnitOfWork) -> Actor:
    """Join this platform account to the member who made the code."""
    link = await uow.session.get(LinkCode, cmd.code.strip().upper())
    if link is None or link.expires_at <= uow.now():
        raise DomainError(
            _("That code isn't valid any more; type /link on the other platform for a new one.")
        )
    target = await uow.session.get_one(Member, link.member_id)
    source = await member_of(uow, cmd.actor)
    if source.id == target.id:
        raise DomainError(_("Those accounts are already linked."))
    taken = await uow.session.scalar(
        select(Account).where(
            Account.member_id == target.id, Account.platform == cmd.actor.platform
        )
    )
    if taken is not None:
        raise DomainError(
            _("That member already has a {platform} account linked.", platform=cmd.actor.platform)
        )
    has_history = await uow.session.scalar(
        select(
            exists().where(Offer.member_id == source.id)
            | exists().where(Business.owner_member_id == source.id)
        )
    )
    if has_history:
        raise DomainError(
            _(
                "This account already has work history, so it can't be merged; type /link here and enter the code on the other platform instead."
            )
        )
    accounts = (
        await uow.session.scalars(select(Account).where(Account.member_id == source.id))
    ).all()
    for account in accounts:
        account.member_id = target.id
    await _merge_memberships(uow, source.id, target.id)
    for table in (OpenSkill, MemberSkill, Availability, WeeklyWindowRow, LinkCode, Membership):
        await uow.session.execute(delete(table).where(table.member_id == source.id))
    await uow.session.execute(
        update(Community)
        .where(Community.created_by_member_id == source.id)
        .values(created_by_member_id=target.id)
    )
    await uow.session.flush()
    await uow.session.delete(source)
    await uow.session.delete(link)
    target.last_platform = cmd.actor.platform
    await reindex_open_skills(uow, target.id)
    return cmd.actor.model_copy(update={"member_id": target.id})


async def _merge_memberships(uow: UnitOfWork, source_id: int, target_id: int) -> None:
    """One person, one place in each community: taking part if either account did, and
    suspended for as long as the longer suspension."""
    for place in (
        await uow.session.scalars(select(Membership).where(Membership.member_id == source_id))
    ).all():
        kept = await communities.membership(uow, place.community_id, target_id)
        if kept is None:
            uow.session.add(
                Membership(
                    community_id=place.community_id,
                    member_id=target_id,
                    active=place.active,
                    banned_until=place.banned_until,
                    ban_reason=place.ban_reason,
                    joined_at=place.joined_at,
                    left_at=place.left_at,
                )
            )
            continue
        kept.active = kept.active or place.active
        if place.banned_until is not None and (
            kept.banned_until is None or place.banned_until > kept.banned_until
        ):
            kept.banned_until, kept.ban_reason = place.banned_until, place.ban_reason


async def set_skills(cmd: SetSkills, uow: UnitOfWork) -> str:
    member = await member_of(uow, cmd.actor)
    skills = await catalogue(uow)
    levels = skills.resolve_levelled(cmd.skills)
    existing = {
        s.skill_code: s
        for s in (
            await uow.session.scalars(select(MemberSkill).where(MemberSkill.member_id == member.id))
        ).all()
    }
    for code, level in levels.items():
        row = existing.get(code)
        if row is None:
            uow.session.add(
                MemberSkill(member_id=member.id, skill_code=code, level=level, years=cmd.years or 0)
            )
        else:
            row.level = level
            if cmd.years is not None:
                row.years = cmd.years
    await reindex_open_skills(uow, member.id)
    return _(
        "Saved: {describe}. Type /available when you're free to work.",
        describe=describe(levels, skills),
    )


NO_MINIMUM = ("none", "no minimum", "no")


async def update_profile(cmd: UpdateProfile, uow: UnitOfWork, settings: Settings) -> str:
    member = await member_of(uow, cmd.actor)
    changed: list[str] = []
    if cmd.timezone is not None:
        member.timezone = parse_timezone(cmd.timezone).key
        changed.append(_("timezone {timezone}", timezone=member.timezone))
    if cmd.rate_floor is not None and cmd.rate_floor.strip().lower() in NO_MINIMUM:
        member.rate_floor_minor = 0
        changed.append(_("no minimum rate"))
    elif cmd.rate_floor is not None:
        floor = parse_money(cmd.rate_floor, settings.currency)
        if floor.currency != settings.currency:
            raise DomainError(
                _(
                    "This community works in {currency}; give your rate in it.",
                    currency=settings.currency,
                )
            )
        member.rate_floor_minor = floor.minor
        changed.append(_("minimum rate {money} an hour", money=Money(floor.minor, floor.currency)))
    if cmd.quiet_hours is not None:
        quiet = parse_quiet_hours(cmd.quiet_hours)
        member.quiet_start, member.quiet_end = (
            (f"{quiet[0]:%H:%M}", f"{quiet[1]:%H:%M}") if quiet else (None, None)
        )
        changed.append(_("quiet hours {choice}", choice=cmd.quiet_hours if quiet else "off"))
    if cmd.max_jobs is not None:
        member.max_jobs = cmd.max_jobs
        changed.append(ngettext("up to {n} job at once", "up to {n} jobs at once", cmd.max_jobs))
    if cmd.bio is not None:
        member.bio = cmd.bio
        changed.append("bio")
    if cmd.preferred is not None:
        member.preferred_skills = (await catalogue(uow)).resolve_many(cmd.preferred)
        changed.append(_("preferred work"))
    if not changed:
        raise DomainError(_("Nothing to change; see /help profile for what you can set."))
    zone(member)  # the stored zone must stay readable
    return "Updated " + ", ".join(changed) + "."


async def add_skill(cmd: AddSkill, uow: UnitOfWork) -> str:
    cmd.actor.require_moderator()
    code = re.sub(r"[^a-z0-9]+", "_", cmd.name.lower()).strip("_")
    if not code:
        raise DomainError(_("A skill's name needs some letters, for example: bid writing."))
    skills = await catalogue(uow)
    for word in (cmd.name, *cmd.aliases):
        if normalise(word) in skills.words():
            raise DomainError(
                _(
                    '"{word}" already means {skills}.',
                    word=word,
                    skills=skills.name(skills.resolve(word)).lower(),
                )
            )
    uow.session.add(
        SkillRow(code=code, name=cmd.name.strip(), aliases=[a.strip() for a in cmd.aliases])
    )
    return _(
        'Added the skill "{name}". Parents can add it with /profile skills.', name=cmd.name.strip()
    )
