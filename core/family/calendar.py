"""A person's calendar for the family's own (iCalendar, RFC 5545), served under a private
address: their regular hours, the jobs they accepted until they are due, and, for a
business, when its items are due. UIDs stay the same across refreshes, so a calendar app
updates events rather than doubling them. Written with the `icalendar` library."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from icalendar import Calendar, Event, vRecur
from sqlalchemy import select

from core.commands import ResetCalendar
from core.config import Settings
from core.credentials.keys import base_url
from core.handlers.availability import weekly_windows
from core.handlers.common import ACTIVE_JOB, member_of, zone
from core.language import _
from core.models import Business, FamilySettings, Member, WorkItem
from core.states import WorkStatus
from core.uow import UnitOfWork

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
OPEN_ITEMS = (*ACTIVE_JOB, WorkStatus.OPEN, WorkStatus.OFFERED, WorkStatus.AWAITING_PAYMENT)


async def family_settings(uow: UnitOfWork, member_id: int) -> FamilySettings:
    found = await uow.session.get(FamilySettings, member_id)
    if found is None:
        found = FamilySettings(member_id=member_id, week_note=False)
        uow.session.add(found)
        await uow.session.flush()
    return found


def calendar_url(settings: Settings, token: str) -> str:
    return f"{base_url(settings)}/cal/{token}.ics"


async def reset_calendar(cmd: ResetCalendar, uow: UnitOfWork, settings: Settings) -> str:
    await member_of(uow, cmd.actor)
    mine = await family_settings(uow, cmd.actor.member_id)
    if mine.calendar_token is None or cmd.reset:
        mine.calendar_token = secrets.token_urlsafe(24)
    address = calendar_url(settings, mine.calendar_token)
    said = (
        _("Your calendar has a new address; the old one stopped working at once")
        if cmd.reset
        else _("Your calendar's private address")
    )
    return _(
        "{said}:\n{address}\nIn Google Calendar: Other calendars > From URL; Apple Calendar: File > New Calendar Subscription; Outlook: Add calendar > Subscribe from web. Anyone with the address sees your hours and jobs; /calendar reset makes a new one.",
        said=said,
        address=address,
    )


async def calendar_of(uow: UnitOfWork, token: str) -> bytes | None:
    """The calendar a private address shows, or None (never made, or reset)."""
    if not token or len(token) > 60:
        return None
    member_id = await uow.session.scalar(
        select(FamilySettings.member_id).where(FamilySettings.calendar_token == token)
    )
    if member_id is None:
        return None
    member = await uow.session.get_one(Member, member_id)
    tz = zone(member)
    now = uow.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Parent Brain//Family calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Parent Brain"))
    calendar.add("x-wr-timezone", str(tz))
    for window in await weekly_windows(uow, member_id):
        start = time.fromisoformat(window.start_local)
        end = time.fromisoformat(window.end_local)
        first = now.astimezone(tz).date()
        while not window.days & (1 << first.weekday()):
            first += timedelta(days=1)
        opens = datetime.combine(first, start, tz)
        closes = datetime.combine(first, end, tz)
        if closes <= opens:
            closes += timedelta(days=1)
        event = Event()
        event.add("uid", f"hours-{window.id}-{member_id}@parentbrain")
        event.add("dtstamp", now)
        event.add("summary", _("Free for Parent Brain work"))
        event.add("dtstart", opens)
        event.add("dtend", closes)
        days = [DAYS[n] for n in range(7) if window.days & (1 << n)]
        event.add("rrule", vRecur(freq="WEEKLY", byday=days))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    for item in await uow.session.scalars(
        select(WorkItem).where(
            WorkItem.assignee_member_id == member_id, WorkItem.status.in_(ACTIVE_JOB)
        )
    ):
        event = Event()
        event.add("uid", f"job-{item.id}@parentbrain")
        event.add("dtstamp", now)
        event.add("summary", _("Due: {title} (#{id})", title=item.title, id=item.id))
        event.add("description", _("Deliver with /submit {id}.", id=item.id))
        event.add("dtstart", (item.assigned_at or now).astimezone(tz))
        event.add("dtend", item.deadline.astimezone(tz))
        calendar.add_component(event)
    business = await uow.session.scalar(
        select(Business).where(Business.owner_member_id == member_id)
    )
    if business is not None:
        for item in await uow.session.scalars(
            select(WorkItem).where(
                WorkItem.business_id == business.id, WorkItem.status.in_(OPEN_ITEMS)
            )
        ):
            event = Event()
            event.add("uid", f"item-{item.id}@parentbrain")
            event.add("dtstamp", now)
            event.add("summary", _("{title} (#{id}) is due", title=item.title, id=item.id))
            event.add("dtstart", item.deadline.astimezone(tz))
            event.add("dtend", item.deadline.astimezone(tz) + timedelta(minutes=30))
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
