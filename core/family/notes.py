"""The weekly note: on Sunday evening in each person's own timezone (summer time included),
the week's summary, once. What was sent is kept with the person, in the same transaction as
the message, so a restart neither skips nor repeats a week."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from core.commands import SetWeekNote
from core.config import Settings
from core.family.calendar import family_settings
from core.handlers.common import member_of, zone
from core.language import _
from core.language.people import speaking_to
from core.models import FamilySettings, Member
from core.notices import Notice
from core.uow import UnitOfWork

SENT_FROM = time(18, 0)  # Sunday evening, local


async def set_week_note(cmd: SetWeekNote, uow: UnitOfWork) -> str:
    await member_of(uow, cmd.actor)
    mine = await family_settings(uow, cmd.actor.member_id)
    mine.week_note = cmd.on
    if cmd.on:
        return _("Every Sunday evening you'll get your week: earnings, hours, and what's due next.")
    return _("No more Sunday notes. /week shows your week any time.")


async def send_week_notes(uow: UnitOfWork, settings: Settings) -> list[int]:
    """The people whose Sunday evening has come and who haven't had this week's note."""
    from core.family.week import parents_week
    from core.family.words import week_text  # the same words as /week

    sent = []
    now = uow.now()
    for mine, member in (
        await uow.session.execute(
            select(FamilySettings, Member)
            .join(Member, Member.id == FamilySettings.member_id)
            .where(FamilySettings.week_note.is_(True))
        )
    ).all():
        local = now.astimezone(zone(member))
        if local.weekday() != 6 or local.time() < SENT_FROM:
            continue
        year, week, _weekday = local.isocalendar()
        key = f"{year}-W{week:02d}"
        if mine.week_note_sent_for == key:
            continue
        mine.week_note_sent_for = key
        async with speaking_to(uow, member.id):
            text = week_text(await parents_week(uow, member.id), settings, heading=_("Your week"))
            await uow.notify(
                Notice(to=member.id, text=text + _("\n(/week off stops these notes.)"))
            )
        sent.append(member.id)
    return sent
