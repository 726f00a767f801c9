"""The work record in words, as the chats show it (the web renders the same read as a page)."""

from __future__ import annotations

from core.actors import Actor
from core.config import Settings
from core.credentials.record import SkillLine, WorkRecord, work_record
from core.credentials.sharing import share_url
from core.language import _, formatting, ngettext
from core.uow import UnitOfWork

JOBS_SHOWN = 5


def skill_words(line: SkillLine) -> str:
    parts = [ngettext("{n} job", "{n} jobs", line.jobs) if line.jobs else _("no jobs yet")]
    if line.on_time_share is not None:
        share = line.on_time_share
        parts.append(_("all on time") if share == 1 else _("{share:.0%} on time", share=share))
    if line.average_stars is not None:
        count = len(line.stars)
        parts.append(
            ngettext(
                "{average_stars:.1f}★ from {n} rating",
                "{average_stars:.1f}★ from {n} ratings",
                count,
                average_stars=line.average_stars,
            )
        )
    if line.verified:
        parts.append(_("verified ✓"))
    return f"• {_(line.skill)}: " + ", ".join(parts)


def record_text(record: WorkRecord, settings: Settings) -> str:
    if record.empty:
        return _(
            "Your work record is empty for now: it fills in as businesses approve your work and as you pass skill checks (/learn). Type /available to get offers."
        )
    lines = [_("Your work record:")]
    lines += [skill_words(line) for line in record.skills]
    if record.months_active:
        months = ngettext("{n} month", "{n} months", record.months_active)
        lines.append(
            _(
                "Active {months}, in {listing}.",
                months=months,
                listing=", ".join(record.communities),
            )
        )
    if record.credentials:
        lines.append("Credentials:")
        lines += [
            f"• {c.name} ({c.community}, {formatting.dated(c.issued_at, '%B %Y')})"
            + (_(" — revoked") if c.revoked else "")
            for c in record.credentials
        ]
    if record.jobs:
        lines.append(_("Latest jobs:"))
        lines += [
            f"• {job.words}" + (f", {'★' * job.stars}" if job.stars else "")
            for job in record.jobs[:JOBS_SHOWN]
        ]
    if record.earnings is not None:
        lines.append("Earnings (shown): " + ", ".join(map(str, record.earnings)) + ".")
    else:
        lines.append(_("Earnings: private (/record earnings on shows them)."))
    if record.share_token:
        lines.append(
            _(
                "Shared at {share_url} (/record stop takes it down).",
                share_url=share_url(settings, record.share_token),
            )
        )
    else:
        lines.append(_("Not shared. /record share makes an address to put on your CV."))
    return "\n".join(lines)


async def my_record(uow: UnitOfWork, actor: Actor, settings: Settings) -> str:
    return record_text(await work_record(uow, actor.member_id), settings)
