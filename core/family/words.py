"""The week and the household in words, as the chats show them (the web draws the same reads)."""

from __future__ import annotations

from core.actors import Actor
from core.config import Settings
from core.credentials.keys import base_url
from core.family.households import household_view
from core.family.week import Week, parents_week
from core.uow import UnitOfWork


def _hours(value: float) -> str:
    return f"{value:g} hour{'s' if value != 1 else ''}"


def week_text(week: Week, settings: Settings, heading: str = "Your last seven days") -> str:
    earned = ", ".join(map(str, week.earned)) or "nothing yet"
    lines = [
        f"{heading}: free for {_hours(round(week.free_hours, 1))}, working "
        f"{_hours(round(week.work_hours, 1))}; {week.jobs_done} job"
        f"{'s' if week.jobs_done != 1 else ''} approved, earning {earned}."
    ]
    if week.due:
        lines.append(
            "Due next: "
            + "; ".join(
                f'#{d.work_id} "{d.title}" {d.due:%a %d %b %H:%M}'
                + (" (delivered, waiting for approval)" if d.delivered else "")
                for d in week.due[:3]
            )
            + "."
        )
    else:
        lines.append("Nothing due in the coming week.")
    if week.suggestion:
        lines.append(week.suggestion)
    lines.append(f"Your week as a chart: {base_url(settings)}/week")
    return "\n".join(lines)


async def my_week(uow: UnitOfWork, actor: Actor, settings: Settings) -> str:
    return week_text(await parents_week(uow, actor.member_id), settings)


async def my_household(uow: UnitOfWork, actor: Actor) -> str:
    seen = await household_view(uow, actor)
    if seen is None:
        return (
            "You're not in a household. Invite your partner with /household invite @them: "
            "you'd see each other's availability and jobs, and could take one job at a time."
        )
    one_at_a_time, partners = seen
    lines = [
        "Your household"
        + (" takes one job at a time." if one_at_a_time else " can both take work at once.")
    ]
    for partner in partners:
        jobs = "; ".join(partner.jobs) if partner.jobs else "no job in progress"
        earned = f"; earned {partner.earned}" if partner.earned is not None else ""
        lines.append(f"• {partner.name}: {partner.status}; {jobs}{earned}.")
    lines.append("/household one or both, /household earnings on or off, /household leave.")
    return "\n".join(lines)
