"""A project offered as a whole: every milestone, what the parent receives in all, the dates,
and what is already paid in."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.handlers.common import catalogue, local_time_text, offer_message
from core.language import _
from core.models import Member, Offer, Project, WorkItem, WorkSkill
from core.money import Money, parent_share
from core.notices import Notice
from core.parsing import format_duration
from core.states import WorkStatus
from core.uow import UnitOfWork


async def project_offer(uow: UnitOfWork, item: WorkItem, offer: Offer, member: Member) -> Notice:
    project = await uow.session.get_one(Project, item.project_id)
    parts = (
        await uow.session.scalars(
            select(WorkItem)
            .where(WorkItem.project_id == project.id, WorkItem.status.not_in(_GONE))
            .order_by(WorkItem.milestone_no)
        )
    ).all()
    skills = await catalogue(uow)
    needed = (
        await uow.session.scalars(select(WorkSkill).where(WorkSkill.work_id == item.id))
    ).all()
    total = Money(sum(parent_share(p.budget_minor, p.fee_bps) for p in parts), item.currency)
    lines = "\n".join(
        _(
            "{milestone_no}. {rsplit}: {money} for you, due {local_time_text}",
            milestone_no=p.milestone_no,
            rsplit=p.title.rsplit(": ", 1)[-1],
            money=Money(parent_share(p.budget_minor, p.fee_bps), p.currency),
            local_time_text=local_time_text(p.deadline, member),
        )
        + (" (funded)" if p.funded_at is not None else _(" (not funded yet)"))
        for p in parts
    )
    return offer_message(
        offer,
        _(
            'New paid project: "{title}" ({count} milestones)\n{listing} · about {duration} per milestone\n{description}\n{lines}\nYou receive {total} in all, milestone by milestone as each is approved. Accepting takes on the whole project; each milestone starts once it is funded.\n',
            title=project.title,
            count=len(parts),
            listing=", ".join(skills.name(s.skill_code) for s in needed),
            duration=format_duration(timedelta(minutes=item.estimated_minutes)),
            description=project.description[:600],
            lines=lines,
            total=total,
        ),
    )


_GONE = (WorkStatus.CANCELLED, WorkStatus.EXPIRED, WorkStatus.REFUNDED)
