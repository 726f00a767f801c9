"""Completions flow in: each connected site is read on a schedule, every site at once and each
within its own time limit, so one broken site never delays another community. A newly
completed mapped course is recorded once (its row's key is the community, the parent and the
course), verifies the parent's skill at the mapped level, tells them, and issues a credential.
Reading again changes nothing."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from core.config import Settings
from core.credentials.awards import award_course
from core.errors import DomainError
from core.files import FileStore
from core.language import _, ngettext
from core.language.people import speaking_to
from core.lms.connecting import token_of
from core.lms.site import LearningSiteError, LearningSites
from core.models import CourseCompletion, LearningAccount, LearningCourse, LearningSite, MemberSkill
from core.notices import MODERATORS, Notice
from core.skills import LEVEL_NAMES
from core.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("parentbrain.lms")

NOT_COMPLETED_YET = ("usernotenroled", "notenroled")  # enrolled nowhere: nothing to import


@dataclass
class SyncReport:
    sites: int = 0
    completions: int = 0
    failed: list[int] = field(default_factory=list)  # communities whose site couldn't be read


@dataclass(frozen=True)
class MappedCourse:
    course_id: int
    name: str
    skill_code: str
    level: int


@dataclass(frozen=True)
class SitePlan:
    url: str
    token: str
    name: str
    courses: dict[int, MappedCourse]
    accounts: dict[int, int]  # member id -> site user id
    done: set[tuple[int, int]]  # (member id, course id) recorded already


async def sync_learning_sites(
    uow: UnitOfWorkFactory,
    lms: LearningSites,
    settings: Settings,
    files: FileStore,
    *,
    everything: bool = False,
) -> SyncReport:
    """Every site due a read (all of them with `everything`), read side by side."""
    async with uow() as unit:
        cutoff = unit.now() - timedelta(minutes=settings.lms_sync_minutes)
        query = select(LearningSite.community_id).where(LearningSite.sealed_token.is_not(None))
        if not everything:
            query = query.where(
                (LearningSite.last_sync_at.is_(None)) | (LearningSite.last_sync_at <= cutoff)
            )
        due = list((await unit.session.scalars(query)).all())
    report = SyncReport(sites=len(due))
    limit = settings.lms_timeout_seconds * 6  # a site's whole read, however many calls
    outcomes = await asyncio.gather(
        *(asyncio.wait_for(sync_site(uow, lms, settings, files, c), limit) for c in due),
        return_exceptions=True,
    )
    for community_id, outcome in zip(due, outcomes, strict=True):
        if isinstance(outcome, DomainError):
            continue  # the site said why; kept as its last problem, told to the moderators
        if isinstance(outcome, BaseException):
            report.failed.append(community_id)
            why = (
                "reading it took too long"
                if isinstance(outcome, TimeoutError)
                else _("something went wrong on our side")
            )
            if not isinstance(outcome, TimeoutError):
                log.error("learning site of community %s", community_id, exc_info=outcome)
            await _record_outcome(
                uow, community_id, _("The site couldn't be read: {why}.", why=why)
            )
        else:
            report.completions += outcome[0]
    return report


async def read_site(uow: UnitOfWork, settings: Settings, community_id: int) -> SitePlan | None:
    site = await uow.session.get(LearningSite, community_id)
    if site is None or site.sealed_token is None:
        return None
    courses = {
        row.course_id: MappedCourse(row.course_id, row.name, row.skill_code, row.level)
        for row in await uow.session.scalars(
            select(LearningCourse).where(LearningCourse.community_id == community_id)
        )
    }
    accounts: dict[int, int] = {
        member_id: user_id
        for member_id, user_id in (
            await uow.session.execute(
                select(LearningAccount.member_id, LearningAccount.lms_user_id).where(
                    LearningAccount.community_id == community_id,
                    LearningAccount.lms_user_id.is_not(None),
                )
            )
        ).all()
        if user_id is not None
    }
    done = {
        (member_id, course_id)
        for member_id, course_id in (
            await uow.session.execute(
                select(CourseCompletion.member_id, CourseCompletion.course_id).where(
                    CourseCompletion.community_id == community_id
                )
            )
        ).all()
    }
    return SitePlan(site.url, token_of(settings, site), site.site_name, courses, accounts, done)


async def ask_site(
    lms: LearningSites, plan: SitePlan
) -> tuple[list[tuple[int, MappedCourse]], str | None]:
    """The completions the site reports that aren't recorded yet, and a problem worth telling
    the moderators (a course without completion criteria); a site-wide failure raises."""
    finished: list[tuple[int, MappedCourse]] = []
    problem = None
    for member_id, user_id in plan.accounts.items():
        for course_id, course in plan.courses.items():
            if (member_id, course_id) in plan.done:
                continue
            try:
                if await lms.completed(plan.url, plan.token, course_id, user_id):
                    finished.append((member_id, course))
            except LearningSiteError as err:
                if err.code in NOT_COMPLETED_YET:
                    continue
                if err.code == "nocriteriaset":
                    problem = _(
                        '"{name}" (course {course_id}): {value}',
                        name=course.name,
                        course_id=course_id,
                        value=err.message,
                    )
                    continue
                raise
    return finished, problem


async def write_site(
    unit: UnitOfWork,
    settings: Settings,
    files: FileStore,
    community_id: int,
    finished: list[tuple[int, MappedCourse]],
) -> int:
    recorded = 0
    for member_id, course in finished:
        recorded += await _record(unit, settings, files, community_id, member_id, course)
    return recorded


async def sync_site(
    uow: UnitOfWorkFactory,
    lms: LearningSites,
    settings: Settings,
    files: FileStore,
    community_id: int,
) -> tuple[int, str]:
    """One site: asked first (no transaction held while it answers), then written at once.
    A site that can't be read says why (kept as its last problem, told to the moderators)."""
    async with uow() as unit:
        plan = await read_site(unit, settings, community_id)
    if plan is None:
        raise DomainError(_("Connect the community's learning site first: /lms connect <address>."))
    try:
        finished, problem = await ask_site(lms, plan)
    except LearningSiteError as err:
        await _record_outcome(uow, community_id, err.message)
        raise
    async with uow() as unit:
        recorded = await write_site(unit, settings, files, community_id, finished)
        await unit.commit()
    await _record_outcome(uow, community_id, problem)
    said = ngettext(
        "Read {name}: {n} new completion recorded.",
        "Read {name}: {n} new completions recorded.",
        recorded,
        name=plan.name,
    )
    return recorded, said + (_(" One problem: {problem}", problem=problem) if problem else "")


async def _record(
    uow: UnitOfWork,
    settings: Settings,
    files: FileStore,
    community_id: int,
    member_id: int,
    course: MappedCourse,
) -> int:
    key = (community_id, member_id, course.course_id)
    if await uow.session.get(CourseCompletion, key) is not None:
        return 0  # another process recorded it meanwhile
    uow.session.add(
        CourseCompletion(
            community_id=community_id,
            member_id=member_id,
            course_id=course.course_id,
            course_name=course.name,
            skill_code=course.skill_code,
            recorded_at=uow.now(),
        )
    )
    owned = await uow.session.get(MemberSkill, (member_id, course.skill_code))
    if owned is None:
        owned = MemberSkill(member_id=member_id, skill_code=course.skill_code, level=course.level)
        uow.session.add(owned)
    owned.level = max(owned.level, course.level)
    owned.verified_at = owned.verified_at or uow.now()
    await uow.session.flush()
    async with speaking_to(uow, member_id):
        skill = await award_course(
            uow,
            settings,
            files,
            member_id=member_id,
            community_id=community_id,
            course_id=course.course_id,
            course_name=course.name,
            skill_code=course.skill_code,
            level=_(LEVEL_NAMES[course.level]),
        )
        await uow.notify(
            Notice(
                to=member_id,
                text=_(
                    'Well done on finishing "{name}"! It counts here: your {skill} is now verified at {LEVEL_NAMES} level, and offers will count that.',
                    name=course.name,
                    skill=skill.lower(),
                    LEVEL_NAMES=_(LEVEL_NAMES[owned.level]),
                ),
            )
        )
    return 1


async def _record_outcome(uow: UnitOfWorkFactory, community_id: int, problem: str | None) -> None:
    async with uow() as unit:
        await note_outcome(unit, community_id, problem)
        await unit.commit()


async def note_outcome(unit: UnitOfWork, community_id: int, problem: str | None) -> None:
    """When the site was read, and its problem; the moderators hear of a new problem once."""
    site = await unit.session.get(LearningSite, community_id)
    if site is None:
        return
    if problem and problem != site.last_sync_error:
        async with speaking_to(unit, MODERATORS, community_id):
            await unit.notify(
                Notice(
                    to=MODERATORS,
                    community_id=community_id,
                    text=_(
                        "Reading completions from {value}: {problem}",
                        value=site.site_name or site.url,
                        problem=problem,
                    ),
                )
            )
    site.last_sync_at, site.last_sync_error = unit.now(), (problem[:300] if problem else None)
