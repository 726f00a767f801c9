"""A parent's work record: a read over what already happened, per skill. Businesses and their
items are named only where the business agreed; earnings only where the parent chose."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select

from core.language import _
from core.models import (
    Business,
    Community,
    Delivery,
    IssuedCredential,
    Member,
    MemberSkill,
    Payout,
    Project,
    Rating,
    SkillRow,
    WorkItem,
    WorkRecordSettings,
    WorkSkill,
)
from core.money import Money
from core.states import WorkStatus
from core.uow import UnitOfWork

DONE = (WorkStatus.APPROVED, WorkStatus.PAID)


@dataclass(frozen=True)
class Job:
    """One approved job, as the record shows it."""

    work_id: int
    delivered_at: datetime
    month: str  # "March 2027"
    codes: tuple[str, ...]
    skills: tuple[str, ...]
    done_for: str  # "Bloom Bakery: Proofread menu", or "a business" where it didn't agree
    named: bool
    on_time: bool
    stars: int | None  # the business's rating, once shown
    community: str
    milestones: int = 1  # a project is one piece of work of this many milestones

    @property
    def words(self) -> str:
        """ "a business, proofreading, March 2027"; a project says its size"""
        size = (
            _(", a project of {milestones} milestones", milestones=self.milestones)
            if self.milestones > 1
            else ""
        )
        return f"{self.done_for}{size}, {', '.join(s.lower() for s in self.skills)}, {self.month}"


@dataclass
class SkillLine:
    skill: str
    code: str
    jobs: int = 0
    on_time: int = 0
    stars: list[int] = field(default_factory=list)
    verified: bool = False

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.jobs if self.jobs else None

    @property
    def average_stars(self) -> float | None:
        return sum(self.stars) / len(self.stars) if self.stars else None


@dataclass(frozen=True)
class CredentialLine:
    id: str
    name: str
    community: str
    issued_at: datetime
    revoked: bool


@dataclass(frozen=True)
class WorkRecord:
    member_id: int
    holder: str
    skills: tuple[SkillLine, ...]
    jobs: tuple[Job, ...]  # newest first
    months_active: int
    communities: tuple[str, ...]
    credentials: tuple[CredentialLine, ...]
    earnings: tuple[Money, ...] | None  # None: the parent keeps them private
    share_token: str | None
    shows_earnings: bool

    @property
    def empty(self) -> bool:
        return not self.jobs and not any(s.verified for s in self.skills) and not self.credentials


def month_of(moment: datetime) -> str:
    return f"{moment:%B %Y}"


async def approved_jobs(
    uow: UnitOfWork, member_id: int, community_id: int | None = None
) -> list[Job]:
    """The parent's approved jobs, newest first, with their skills and the ratings shown."""
    s = uow.session
    names = dict((await s.execute(select(SkillRow.code, SkillRow.name))).all())
    query = (
        select(
            WorkItem.id,
            WorkItem.title,
            Business.name,
            Business.named_in_records,
            Community.title,
            Delivery.submitted_at,
            Delivery.on_time,
            WorkItem.project_id,
            Project.title,
        )
        .join(Business, Business.id == WorkItem.business_id)
        .outerjoin(Project, Project.id == WorkItem.project_id)
        .join(Community, Community.id == WorkItem.community_id)
        .join(
            Delivery,
            (Delivery.work_id == WorkItem.id)
            & (Delivery.member_id == member_id)
            & (Delivery.status == "approved"),
        )
        .where(WorkItem.assignee_member_id == member_id, WorkItem.status.in_(DONE))
        .order_by(Delivery.submitted_at.desc(), WorkItem.id.desc())
    )
    if community_id is not None:
        query = query.where(WorkItem.community_id == community_id)
    rows = (await s.execute(query)).all()
    ids = [row[0] for row in rows]
    skills_of: dict[int, list[str]] = defaultdict(list)
    stars_of: dict[int, int] = {}
    if ids:
        for work_id, code in await s.execute(
            select(WorkSkill.work_id, WorkSkill.skill_code).where(WorkSkill.work_id.in_(ids))
        ):
            skills_of[work_id].append(code)
        for work_id, stars in await s.execute(
            select(Rating.work_id, Rating.stars).where(
                Rating.work_id.in_(ids),
                Rating.ratee_member_id == member_id,
                Rating.visible.is_(True),
            )
        ):
            stars_of[work_id] = stars
    jobs: list[Job] = []
    projects: dict[int, int] = {}  # project id -> its place in jobs
    for row in rows:
        work_id, title, business, named, community, delivered_at, on_time, project, whole = row
        codes = tuple(sorted(skills_of.get(work_id, [])))
        if project is not None and project in projects:  # an earlier milestone of a job listed
            at = projects[project]
            job = jobs[at]
            jobs[at] = replace(
                job,
                on_time=job.on_time and bool(on_time),
                stars=job.stars if job.stars is not None else stars_of.get(work_id),
                milestones=job.milestones + 1,
            )
            continue
        if project is not None:
            projects[project] = len(jobs)
            title = whole
        jobs.append(
            Job(
                work_id=work_id,
                delivered_at=delivered_at,
                month=month_of(delivered_at),
                codes=codes,
                skills=tuple(names.get(c, c) for c in codes),
                done_for=f"{business}: {title}" if named else "a business",
                named=bool(named),
                on_time=bool(on_time),
                stars=stars_of.get(work_id),
                community=community,
            )
        )
    return jobs


async def work_record(uow: UnitOfWork, member_id: int) -> WorkRecord:
    s = uow.session
    member = await s.get_one(Member, member_id)
    settings = await s.get(WorkRecordSettings, member_id)
    names = dict((await s.execute(select(SkillRow.code, SkillRow.name))).all())
    jobs = await approved_jobs(uow, member_id)
    lines: dict[str, SkillLine] = {}
    for owned in await s.scalars(select(MemberSkill).where(MemberSkill.member_id == member_id)):
        line = lines.setdefault(
            owned.skill_code,
            SkillLine(names.get(owned.skill_code, owned.skill_code), owned.skill_code),
        )
        line.verified = owned.verified_at is not None
    months, communities = set(), []
    for job in jobs:
        for code, name in zip(job.codes, job.skills, strict=True):
            line = lines.setdefault(code, SkillLine(name, code))
            line.jobs += 1
            line.on_time += job.on_time
            if job.stars is not None:
                line.stars.append(job.stars)
        months.add((job.delivered_at.year, job.delivered_at.month))
        if job.community not in communities:
            communities.append(job.community)
    credentials = tuple(
        CredentialLine(row.id, row.name, title, row.issued_at, row.revoked_at is not None)
        for row, title in (
            await s.execute(
                select(IssuedCredential, Community.title)
                .join(Community, Community.id == IssuedCredential.community_id)
                .where(IssuedCredential.member_id == member_id)
                .order_by(IssuedCredential.issued_at, IssuedCredential.id)
            )
        )
    )
    shows_earnings = bool(settings and settings.shows_earnings)
    earnings = None
    if shows_earnings:
        totals: dict[str, int] = defaultdict(int)
        for amount, currency in await s.execute(
            select(Payout.amount_minor, Payout.currency).where(Payout.member_id == member_id)
        ):
            totals[currency] += amount
        earnings = tuple(Money(v, c) for c, v in sorted(totals.items()))
    ordered = sorted(lines.values(), key=lambda line: (-line.jobs, not line.verified, line.skill))
    return WorkRecord(
        member_id=member_id,
        holder=member.display_name,
        skills=tuple(line for line in ordered if line.jobs or line.verified),
        jobs=tuple(jobs),
        months_active=len(months),
        communities=tuple(communities),
        credentials=credentials,
        earnings=earnings,
        share_token=settings.share_token if settings else None,
        shows_earnings=shows_earnings,
    )
