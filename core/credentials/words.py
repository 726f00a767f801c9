"""The work record in words, as the chats show it (the web renders the same read as a page)."""

from __future__ import annotations

from core.actors import Actor
from core.config import Settings
from core.credentials.record import SkillLine, WorkRecord, work_record
from core.credentials.sharing import share_url
from core.uow import UnitOfWork

JOBS_SHOWN = 5


def skill_words(line: SkillLine) -> str:
    parts = [f"{line.jobs} job{'s' if line.jobs != 1 else ''}" if line.jobs else "no jobs yet"]
    if line.on_time_share is not None:
        share = line.on_time_share
        parts.append("all on time" if share == 1 else f"{share:.0%} on time")
    if line.average_stars is not None:
        count = len(line.stars)
        parts.append(f"{line.average_stars:.1f}★ from {count} rating{'s' if count != 1 else ''}")
    if line.verified:
        parts.append("verified ✓")
    return f"• {line.skill}: " + ", ".join(parts)


def record_text(record: WorkRecord, settings: Settings) -> str:
    if record.empty:
        return (
            "Your work record is empty for now: it fills in as businesses approve your work "
            "and as you pass skill checks (/learn). Type /available to get offers."
        )
    lines = ["Your work record:"]
    lines += [skill_words(line) for line in record.skills]
    if record.months_active:
        months = f"{record.months_active} month{'s' if record.months_active != 1 else ''}"
        lines.append(f"Active {months}, in {', '.join(record.communities)}.")
    if record.credentials:
        lines.append("Credentials:")
        lines += [
            f"• {c.name} ({c.community}, {c.issued_at:%B %Y})" + (" — revoked" if c.revoked else "")
            for c in record.credentials
        ]
    if record.jobs:
        lines.append("Latest jobs:")
        lines += [
            f"• {job.words}" + (f", {'★' * job.stars}" if job.stars else "")
            for job in record.jobs[:JOBS_SHOWN]
        ]
    if record.earnings is not None:
        lines.append("Earnings (shown): " + ", ".join(map(str, record.earnings)) + ".")
    else:
        lines.append("Earnings: private (/record earnings on shows them).")
    if record.share_token:
        lines.append(
            f"Shared at {share_url(settings, record.share_token)} (/record stop takes it down)."
        )
    else:
        lines.append("Not shared. /record share makes an address to put on your CV.")
    return "\n".join(lines)


async def my_record(uow: UnitOfWork, actor: Actor, settings: Settings) -> str:
    return record_text(await work_record(uow, actor.member_id), settings)
