"""/available, /unavailable and weekly windows that switch a parent on and off by themselves."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import delete, select

from core import communities
from core.commands import AddWeeklyWindow, ClearSchedule, GoAvailable, GoUnavailable
from core.config import Settings
from core.errors import DomainError, NotAllowed
from core.events import MemberAvailable
from core.handlers.common import active_jobs, catalogue, member_of, zone
from core.language import _, formatting, ngettext
from core.models import (
    Availability,
    Member,
    Membership,
    MemberSkill,
    OpenSkill,
    WeeklyWindowRow,
)
from core.parsing import (
    WeeklyWindow,
    in_quiet_hours,
    merge_weekly,
    parse_weekly,
    parse_window,
    window_start,
)
from core.uow import UnitOfWork

MAX_WEEKLY_WINDOWS = 14


async def live_availability(uow: UnitOfWork, member_id: int, now: datetime) -> list[Availability]:
    rows = await uow.session.scalars(
        select(Availability).where(
            Availability.member_id == member_id,
            Availability.ended_at.is_(None),
            Availability.until > now,
        )
    )
    return list(rows.all())


async def reindex_open_skills(uow: UnitOfWork, member_id: int) -> None:
    """Rebuild routing's index of this member's skills for their open availability."""
    s = uow.session
    await s.flush()
    await s.execute(delete(OpenSkill).where(OpenSkill.member_id == member_id))
    rows = await s.execute(
        select(
            Membership.community_id,
            Availability.id,
            Availability.skills,
            MemberSkill.skill_code,
            MemberSkill.level,
        )
        .join(MemberSkill, MemberSkill.member_id == Availability.member_id)
        .join(Membership, Membership.member_id == Availability.member_id)
        .where(
            Availability.member_id == member_id,
            Availability.ended_at.is_(None),
            Availability.until > uow.now(),
            Membership.active.is_(True),  # a ban is checked when routing, as it may lapse
        )
    )
    for community_id, availability_id, limit, code, level in rows.all():
        if not limit or code in limit:
            s.add(
                OpenSkill(
                    community_id=community_id,
                    availability_id=availability_id,
                    skill_code=code,
                    member_id=member_id,
                    level=level,
                )
            )


async def ensure_somewhere_to_work(uow: UnitOfWork, member_id: int, now: datetime) -> None:
    """Offers come only through a community the member takes part in and isn't suspended in."""
    places = (
        await uow.session.scalars(
            select(Membership).where(Membership.member_id == member_id, Membership.active.is_(True))
        )
    ).all()
    if not places:
        raise NotAllowed(
            _(
                "Offers come through your community: type /start in its Telegram group or Discord server (where Parent Brain has been set up), then try again."
            )
        )
    if all(communities.banned(place, now) for place in places):
        until = min(place.banned_until for place in places if place.banned_until is not None)
        raise NotAllowed(
            _(
                "Your account is suspended until {until}; ask a moderator if you think this is a mistake.",
                until=formatting.dated(until, "%d %b %Y"),
            )
        )


async def go_available(cmd: GoAvailable, uow: UnitOfWork, settings: Settings) -> str:
    member = await member_of(uow, cmd.actor)
    now = uow.now()
    await ensure_somewhere_to_work(uow, member.id, now)
    owned = {
        s.skill_code
        for s in (
            await uow.session.scalars(select(MemberSkill).where(MemberSkill.member_id == member.id))
        ).all()
    }
    if not owned:
        raise DomainError(
            _(
                "First tell me what you can do, for example: /profile skills proofreading:expert, design"
            )
        )
    skills = await catalogue(uow)
    limit: list[str] = []
    if cmd.skills:
        limit = skills.resolve_many(cmd.skills)
        missing = [skills.name(c).lower() for c in limit if c not in owned]
        if missing:
            raise DomainError(
                _(
                    "{listing} isn't on your profile yet; add it with /profile skills.",
                    listing=", ".join(missing).capitalize(),
                )
            )
    tz = zone(member)
    until = parse_window(cmd.window, now, tz, timedelta(hours=settings.default_available_hours))
    starts = window_start(cmd.window, now, tz, time.fromisoformat(settings.tonight_from))
    for row in await live_availability(uow, member.id, now):
        row.ended_at = now
    uow.session.add(
        Availability(
            member_id=member.id, starts_at=starts, until=until, skills=limit, source="manual"
        )
    )
    await reindex_open_skills(uow, member.id)
    uow.emit(MemberAvailable(member_id=member.id))
    what = (
        _(" for {listing}", listing=", ".join(skills.name(c).lower() for c in limit))
        if limit
        else ""
    )
    if starts > now:  # "tonight", typed in the day: offers wait for the evening
        return _(
            "You're available{what} tonight from {starts} to {until} ({key}); offers start then. Type /unavailable to cancel.",
            what=what,
            starts=formatting.dated(starts.astimezone(tz), "%H:%M"),
            until=formatting.dated(until.astimezone(tz), "%H:%M"),
            key=tz.key,
        )
    held = await _why_offers_wait(uow, member, now)
    return _(
        "You're available{what} until {until} ({key}). ",
        what=what,
        until=formatting.dated(until.astimezone(tz), "%H:%M"),
        key=tz.key,
    ) + (held or _("Offers will arrive here as messages; type /unavailable to stop."))


async def _why_offers_wait(uow: UnitOfWork, member: Member, now: datetime) -> str | None:
    """What keeps offers from coming now, though the parent is available: as many jobs as
    they take at once, or their quiet hours."""
    jobs = await active_jobs(uow, member.id)
    if jobs >= member.max_jobs:
        return ngettext(
            "You're doing {n} job, as many as you take at once, so offers come again once you deliver (a delivery waiting for approval doesn't count); /profile jobs 2 takes more at once.",
            "You're doing {n} jobs, as many as you take at once, so offers come again once you deliver (a delivery waiting for approval doesn't count); /profile jobs 2 takes more at once.",
            jobs,
        )
    quiet = (
        (time.fromisoformat(member.quiet_start), time.fromisoformat(member.quiet_end))
        if member.quiet_start and member.quiet_end
        else None
    )
    if in_quiet_hours(quiet, now.astimezone(zone(member)).time()):
        return _(
            "It's your quiet time ({quiet_start}-{quiet_end}), so offers wait until it ends; /profile quiet none turns it off.",
            quiet_start=member.quiet_start,
            quiet_end=member.quiet_end,
        )
    return None


async def go_unavailable(cmd: GoUnavailable, uow: UnitOfWork) -> str:
    member = await member_of(uow, cmd.actor)
    now = uow.now()
    rows = await live_availability(uow, member.id, now)
    for row in rows:
        row.ended_at = now
    await reindex_open_skills(uow, member.id)
    if not rows:
        return _("You weren't available, so nothing changed. Type /available when you're free.")
    return _("You're off now: no new offers. Offers already sent stay open until they time out.")


async def add_weekly_window(cmd: AddWeeklyWindow, uow: UnitOfWork) -> str:
    member = await member_of(uow, cmd.actor)
    window = parse_weekly(cmd.spec)
    rows = await weekly_windows(uow, member.id)
    # Overlapping or touching hours are joined, so what is stored is what is said back.
    kept = merge_weekly([*(as_window(r) for r in rows), window])
    if len(kept) > MAX_WEEKLY_WINDOWS:
        raise DomainError(
            _("You have the most regular windows allowed; /schedule clear to start again.")
        )
    for row in rows:
        await uow.session.delete(row)
    for each in kept:
        uow.session.add(
            WeeklyWindowRow(
                member_id=member.id,
                days=each.days,
                start_local=f"{each.start:%H:%M}",
                end_local=f"{each.end:%H:%M}",
            )
        )
    listing = "; ".join(each.describe() for each in kept)
    return _(
        "Your regular hours ({key}): {listing}. I'll switch you on and off then.",
        key=zone(member).key,
        listing=listing,
    )


async def clear_schedule(cmd: ClearSchedule, uow: UnitOfWork) -> str:
    for row in await weekly_windows(uow, cmd.actor.member_id):
        await uow.session.delete(row)
    return _("Cleared your regular hours. Type /available whenever you're free.")


async def weekly_windows(uow: UnitOfWork, member_id: int) -> list[WeeklyWindowRow]:
    rows = await uow.session.scalars(
        select(WeeklyWindowRow).where(WeeklyWindowRow.member_id == member_id)
    )
    return list(rows.all())


def as_window(row: WeeklyWindowRow) -> WeeklyWindow:
    return WeeklyWindow(
        row.days, time.fromisoformat(row.start_local), time.fromisoformat(row.end_local)
    )


async def apply_weekly_windows(uow: UnitOfWork) -> list[int]:
    """Switch on every member whose regular window covers now; returns who was switched on.

    A window turns a member on once per occurrence: if they type /unavailable during it,
    the ended row still marks this occurrence as used and they stay off.
    """
    now = uow.now()
    switched: list[int] = []
    rows = (await uow.session.scalars(select(WeeklyWindowRow))).all()
    for row in rows:
        member = await uow.session.get_one(Member, row.member_id)
        tz = zone(member)
        local = now.astimezone(tz)
        window = as_window(row)
        if not window.covers(local):
            continue
        starts = datetime.combine(local.date(), window.start, tzinfo=tz).astimezone(now.tzinfo)
        ends = datetime.combine(local.date(), window.end, tzinfo=tz).astimezone(now.tzinfo)
        used = await uow.session.scalar(
            select(Availability.id).where(
                Availability.member_id == member.id,
                Availability.starts_at >= starts,
            )
        )
        if used is not None or await live_availability(uow, member.id, now):
            continue
        uow.session.add(
            Availability(
                member_id=member.id, starts_at=now, until=ends, skills=[], source="schedule"
            )
        )
        await reindex_open_skills(uow, member.id)
        uow.emit(MemberAvailable(member_id=member.id))
        switched.append(member.id)
    return switched
