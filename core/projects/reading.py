"""Where a project stands, for its business, its parent and the community's moderators:
each milestone's state, and the money held, paid and still to fund."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from core.actors import Actor
from core.errors import NotAllowed, NotFound
from core.handlers.common import local_time_text, member_of
from core.language import _
from core.models import Business, Member, Project, WorkItem
from core.money import Money, parent_share
from core.notices import Action
from core.projects.words import MILESTONE_STATE, PROJECT_STATE
from core.states import WorkStatus
from core.uow import UnitOfWork

W = WorkStatus
HELD = (W.OPEN, W.OFFERED, W.ASSIGNED, W.SUBMITTED, W.DISPUTED)  # paid in, not yet paid out
PAID_OUT = (W.APPROVED, W.PAID)
DUE = (W.DRAFT, W.AWAITING_PAYMENT)


@dataclass(frozen=True)
class MilestoneLine:
    no: int
    work_id: int
    what: str
    amount: Money
    share: Money
    due: str
    state: str
    status: WorkStatus
    pay_link: str | None  # the business's, while it isn't funded


@dataclass(frozen=True)
class ProjectPage:
    id: int
    title: str
    description: str
    state: str
    business: str
    parent: str | None
    milestones: list[MilestoneLine]
    held: Money
    paid: Money
    to_fund: Money
    mine: bool  # the reader's business posted it (may fund and cancel)


async def project_page(uow: UnitOfWork, actor: Actor, project_id: int) -> ProjectPage:
    project = await uow.session.get(Project, project_id)
    if project is None:
        raise NotFound(
            _("There is no project {project_id}; /project lists yours.", project_id=project_id)
        )
    business = await uow.session.get_one(Business, project.business_id)
    mine = business.owner_member_id == actor.member_id
    theirs = project.assignee_member_id == actor.member_id
    if not (mine or theirs):
        if not actor.is_moderator:
            raise NotAllowed(
                _(
                    "Project {project_id} is between another business and its parent; /project lists yours.",
                    project_id=project_id,
                )
            )
        actor.require_moderator_of(project.community_id)
    reader = await member_of(uow, actor)
    parts = (
        await uow.session.scalars(
            select(WorkItem)
            .where(WorkItem.project_id == project.id)
            .order_by(WorkItem.milestone_no)
        )
    ).all()
    parent = (
        await uow.session.get_one(Member, project.assignee_member_id)
        if project.assignee_member_id is not None
        else None
    )
    lines = [
        MilestoneLine(
            no=item.milestone_no or 0,
            work_id=item.id,
            what=item.title.rsplit(": ", 1)[-1],
            amount=Money(item.budget_minor, item.currency),
            share=Money(parent_share(item.budget_minor, item.fee_bps), item.currency),
            due=local_time_text(item.deadline, reader),
            state=_(MILESTONE_STATE[item.status]),
            status=item.status,
            pay_link=item.checkout_url if mine and item.status == W.AWAITING_PAYMENT else None,
        )
        for item in parts
    ]

    def total(states: tuple[WorkStatus, ...]) -> Money:
        return Money(sum(m.amount.minor for m in lines if m.status in states), project.currency)

    return ProjectPage(
        id=project.id,
        title=project.title,
        description=project.description,
        state=_(PROJECT_STATE.get(project.status, project.status)),
        business=business.name,
        parent=parent.display_name if parent is not None else None,
        milestones=lines,
        held=total(HELD),
        paid=total(PAID_OUT),
        to_fund=total(DUE),
        mine=mine,
    )


async def show_project(
    uow: UnitOfWork, actor: Actor, project_id: int
) -> str | tuple[str, list[Action]]:
    """/project <n>: the page, as a chat message."""
    page = await project_page(uow, actor, project_id)
    rows = []
    for m in page.milestones:
        money = (
            f"{m.amount}"
            if page.mine or actor.is_moderator
            else _("{share} for you", share=m.share)
        )
        rows.append(
            _(
                "{no}. {what} (#{work_id}): {money}, due {due}; {state}",
                no=m.no,
                what=m.what,
                work_id=m.work_id,
                money=money,
                due=m.due,
                state=m.state,
            )
        )
        if m.pay_link:
            rows.append(_("   To fund it, {pay_link}", pay_link=m.pay_link))
    who = _("{parent} is on it", parent=page.parent) if page.parent else _("no parent yet")
    text = (
        _(
            'Project {id} "{title}" from {business}: {state}, {who}.\n',
            id=page.id,
            title=page.title,
            business=page.business,
            state=page.state,
            who=who,
        )
        + "\n".join(rows)
        + _(
            "\nHeld: {held} · paid out: {paid} · not funded yet: {to_fund}",
            held=page.held,
            paid=page.paid,
            to_fund=page.to_fund,
        )
    )
    if page.mine and page.state not in ("done", "cancelled"):
        text += _("\nTo cancel what isn't delivered yet: /project {id} cancel", id=page.id)
    return text


async def my_projects(uow: UnitOfWork, actor: Actor) -> str:
    """/project alone: the projects this person posted or works on."""
    owned = select(Business.id).where(Business.owner_member_id == actor.member_id)
    projects = (
        await uow.session.scalars(
            select(Project)
            .where(
                or_(
                    Project.business_id.in_(owned),
                    Project.assignee_member_id == actor.member_id,
                )
            )
            .order_by(Project.id.desc())
            .limit(20)
        )
    ).all()
    if not projects:
        return _(
            "You have no projects yet. A business posts one with /postproject: larger work in milestones, each paid on its own."
        )
    return _("Your projects:\n") + "\n".join(
        _(
            '• {id} "{title}": {PROJECT_STATE} (/project {id})',
            id=p.id,
            title=p.title,
            PROJECT_STATE=_(PROJECT_STATE.get(p.status, p.status)),
        )
        for p in projects
    )
