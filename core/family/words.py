"""The week and the household in words, as the chats show them (the web draws the same reads)."""

from __future__ import annotations

from core.actors import Actor
from core.config import Settings
from core.credentials.keys import base_url
from core.family.households import household_view
from core.family.week import Week, parents_week
from core.language import N_, _, formatting, ngettext
from core.uow import UnitOfWork


def _hours(value: float) -> str:
    # A whole number of hours takes its plural form; "1.5 hours" the plural.
    count = int(value) if value == int(value) else 2
    return ngettext("{value:g} hour", "{value:g} hours", count, value=value)


def week_text(week: Week, settings: Settings, heading: str = N_("Your last seven days")) -> str:
    earned = ", ".join(map(str, week.earned)) or _("nothing yet")
    lines = [
        ngettext(
            "{heading}: free for {hours}, working {hours2}; {n} job approved, earning {earned}.",
            "{heading}: free for {hours}, working {hours2}; {n} jobs approved, earning {earned}.",
            week.jobs_done,
            heading=_(heading),
            hours=_hours(round(week.free_hours, 1)),
            hours2=_hours(round(week.work_hours, 1)),
            earned=earned,
        )
    ]
    if week.due:
        lines.append(
            _("Due next: ")
            + "; ".join(
                f'#{d.work_id} "{d.title}" {formatting.dated(d.due, "%a %d %b %H:%M")}'
                + (_(" (delivered, waiting for approval)") if d.delivered else "")
                for d in week.due[:3]
            )
            + "."
        )
    else:
        lines.append(_("Nothing due in the coming week."))
    if week.suggestion:
        lines.append(week.suggestion)
    lines.append(_("Your week as a chart: {base_url}/week", base_url=base_url(settings)))
    return "\n".join(lines)


async def my_week(uow: UnitOfWork, actor: Actor, settings: Settings) -> str:
    return week_text(await parents_week(uow, actor.member_id), settings)


async def my_household(uow: UnitOfWork, actor: Actor) -> str:
    seen = await household_view(uow, actor)
    if seen is None:
        return _(
            "You're not in a household. Invite your partner with /household invite @them: you'd see each other's availability and jobs, and could take one job at a time."
        )
    one_at_a_time, partners = seen
    lines = [
        _("Your household")
        + (_(" takes one job at a time.") if one_at_a_time else _(" can both take work at once."))
    ]
    for partner in partners:
        jobs = "; ".join(partner.jobs) if partner.jobs else _("no job in progress")
        earned = _("; earned {earned}", earned=partner.earned) if partner.earned is not None else ""
        lines.append(f"• {partner.name}: {partner.status}; {jobs}{earned}.")
    lines.append(_("/household one or both, /household earnings on or off, /household leave."))
    return "\n".join(lines)
