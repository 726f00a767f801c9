"""A business posts a project: its milestones read from lines, each checked as /post checks
an item, and each made a work item of its own with its own payment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core import communities
from core.audit import audit_entry
from core.commands import CheckProjectField, PostProject
from core.config import Settings
from core.content import concerns
from core.errors import DomainError
from core.handlers.common import business_of, catalogue, local_time_text, member_of, zone
from core.handlers.work import (
    ask_moderators_to_review,
    checked_budget,
    checked_estimate,
    checked_words,
    flagged_words,
    for_review,
    open_project_for_payment,
    poster,
    posting_community,
    read_field,
    skills_nobody_here_has,
)
from core.language import N_, _
from core.models import Member, Project, WorkItem, WorkSkill
from core.money import Money, platform_fee
from core.notices import Action
from core.parsing import parse_deadline
from core.ports import PaymentGateway
from core.projects.words import milestone_title
from core.states import WorkStatus
from core.uow import UnitOfWork

FEWEST, MOST = 2, 10
EXAMPLE = N_("Home page copy | £120 | friday 17:00")
_PARTS = re.compile(r"\s*[|;]\s*")


@dataclass(frozen=True)
class Milestone:
    what: str
    amount: Money
    due: datetime


@dataclass(frozen=True)
class ProjectPosted:
    project_id: int
    message: str
    actions: list[Action] = field(default_factory=list)


def read_milestones(
    text: str, settings: Settings, now: datetime, owner: Member, estimate: timedelta
) -> list[Milestone]:
    """One milestone per line, "what is delivered | amount | due", checked as /post checks
    an item; a mistake names its line."""
    lines = [line.strip(" -•*\t") for line in text.splitlines() if line.strip(" -•*\t")]
    if not FEWEST <= len(lines) <= MOST:
        raise DomainError(
            _(
                "A project has {FEWEST} to {MOST} milestones, one per line, like: {EXAMPLE}",
                FEWEST=FEWEST,
                MOST=MOST,
                EXAMPLE=_(EXAMPLE),
            )
        )
    read: list[Milestone] = []
    for n, line in enumerate(lines, start=1):
        parts = _PARTS.split(line)
        if len(parts) != 3 or not all(parts):
            raise DomainError(
                _(
                    "Milestone {value} needs what is delivered, its amount and its due date, separated by |, like: {EXAMPLE}",
                    value=n,
                    EXAMPLE=_(EXAMPLE),
                )
            )
        what, amount, due = parts
        if not 3 <= len(what) <= 100:
            raise DomainError(
                _("Milestone {value}: say what is delivered in 3 to 100 characters.", value=n)
            )
        try:
            money = checked_budget(amount, settings)
            when = parse_deadline(due, now, zone(owner))
        except DomainError as err:
            raise DomainError(
                _("Milestone {value}: {value2}", value=n, value2=err.message)
            ) from None
        if when < now + estimate:
            raise DomainError(
                _(
                    "Milestone {value} is due sooner than its work would take; allow more time.",
                    value=n,
                )
            )
        if read and when < read[-1].due:
            raise DomainError(
                _(
                    "Milestone {value} is due before milestone {value2}; list them in the order they are due.",
                    value=n,
                    value2=n - 1,
                )
            )
        read.append(Milestone(checked_words(what, settings), money, when))
    return read


def totals(milestones: list[Milestone], fee_bps: int) -> tuple[Money, Money, Money]:
    """The whole, the parent's share and the fee, each summed milestone by milestone (each
    milestone's fee is rounded as an item's is, so the sums are what the ledger holds)."""
    currency = milestones[0].amount.currency
    whole = sum(m.amount.minor for m in milestones)
    fee = sum(platform_fee(m.amount.minor, fee_bps) for m in milestones)
    return Money(whole, currency), Money(whole - fee, currency), Money(fee, currency)


async def check_project_field(cmd: CheckProjectField, uow: UnitOfWork, settings: Settings) -> str:
    """One field as typed, while the project is being written: how it was understood."""
    business = await business_of(uow, cmd.actor)
    here = await posting_community(uow, cmd.actor, business)
    settings = await communities.community_settings(uow, settings, here.community_id)
    owner = await member_of(uow, cmd.actor)
    if cmd.field != "milestones":
        return await read_field(uow, settings, owner, cmd.field, cmd.value)
    read = read_milestones(cmd.value, settings, uow.now(), owner, timedelta(minutes=5))
    whole, share, fee = totals(read, settings.platform_fee_bps)
    return _(
        "{count} milestones, {whole} in all (the parent receives {share}, the fee is {fee})",
        count=len(read),
        whole=whole,
        share=share,
        fee=fee,
    )


async def post_project(
    cmd: PostProject, uow: UnitOfWork, settings: Settings, gateway: PaymentGateway
) -> ProjectPosted:
    business, owner, here, settings = await poster(uow, cmd.actor, settings)
    now = uow.now()
    required = (await catalogue(uow)).resolve_levelled_min(cmd.skills)
    checked_words(f"{cmd.title}\n{cmd.description}", settings)
    estimate = checked_estimate(cmd.estimate)
    milestones = read_milestones(cmd.milestones, settings, now, owner, estimate)
    project = Project(
        community_id=here.community_id,
        business_id=business.id,
        title=cmd.title,
        description=cmd.description,
        currency=milestones[0].amount.currency,
        status="open",
        created_at=now,
    )
    uow.session.add(project)
    await uow.session.flush()
    items = []
    for n, milestone in enumerate(milestones, start=1):
        item = WorkItem(
            community_id=here.community_id,
            business_id=business.id,
            title=milestone_title(project.title, n, milestone.what),
            description=_(
                "{description}\n\nMilestone {value}: {what}",
                description=cmd.description,
                value=n,
                what=milestone.what,
            ),
            budget_minor=milestone.amount.minor,
            currency=milestone.amount.currency,
            fee_bps=settings.platform_fee_bps,
            estimated_minutes=int(estimate.total_seconds() // 60),
            deadline=milestone.due,
            status=WorkStatus.DRAFT,
            created_at=now,
            routed_at=now,
            project_id=project.id,
            milestone_no=n,
        )
        uow.session.add(item)
        items.append(item)
    await uow.session.flush()
    project.lead_work_id = items[0].id
    for item in items:
        for code, level in required.items():
            uow.session.add(WorkSkill(work_id=item.id, skill_code=code, min_level=level))
    uow.session.add(audit_entry(cmd, uow.now(), "PostProject", project.community_id))
    whole, share, fee = totals(milestones, settings.platform_fee_bps)
    missing = await skills_nobody_here_has(uow, items[0], required, owner.id)
    heads_up = (
        _(
            "\nHeads-up: nobody in this community lists {listing} yet, so it may wait. To drop it, /project {id} cancel.",
            listing=" or ".join(missing),
            id=project.id,
        )
        if missing
        else ""
    )
    plan = "\n".join(
        _(
            "{value}. {what}: {amount}, due {local_time_text}",
            value=n,
            what=m.what,
            amount=m.amount,
            local_time_text=local_time_text(m.due, owner),
        )
        for n, m in enumerate(milestones, start=1)
    )
    flagged = concerns(project.title, project.description)
    if for_review(settings, here, flagged):
        await ask_moderators_to_review(
            uow,
            items[0],
            _(
                'New project to review from {name}: "{title}" (project {id}), {count} milestones, {whole} in all{flagged_words}\n{description}\n{plan}',
                name=business.name,
                title=project.title,
                id=project.id,
                count=len(items),
                whole=whole,
                flagged_words=flagged_words(flagged),
                description=project.description[:1200],
                plan=plan,
            ),
        )
        return ProjectPosted(
            project.id,
            _(
                "Thanks! Project {id} \"{title}\" goes to a moderator first; you'll get the payment links here as soon as it's approved.\n{plan}{heads_up}",
                id=project.id,
                title=project.title,
                plan=plan,
                heads_up=heads_up,
            ),
        )
    await open_project_for_payment(uow, items, gateway)
    first = items[0].checkout_url or ""
    return ProjectPosted(
        project.id,
        _(
            'Posted project {id} "{title}": {count} milestones, {whole} in all; the parent receives {share} and the platform fee is {fee}.\n{plan}\nEach milestone is paid for on its own, before work on it starts. To open the project to parents, fund milestone 1: {first}.\nFund the others now or later: /project {id} shows each one\'s payment.{heads_up}',
            id=project.id,
            title=project.title,
            count=len(items),
            whole=whole,
            share=share,
            fee=fee,
            plan=plan,
            first=first,
            heads_up=heads_up,
        ),
    )
