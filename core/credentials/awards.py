"""What earns a credential: a passed skill check, a course completed on the community's
learning site, and each work milestone the community sets (by default 5 and 25 approved jobs
in a skill rated 4.5★ or better). Each is issued once, by `issuing.issue`, in the same
transaction as what earned it."""

from __future__ import annotations

from collections import defaultdict

from core.communities import active_communities, community_settings
from core.config import Settings
from core.credentials.badges import Achievement, Evidence
from core.credentials.issuing import issue, issuer_url
from core.credentials.record import Job, approved_jobs, month_of
from core.files import FileStore
from core.language import _
from core.language.people import speaking_to
from core.models import IssuedCredential, SkillRow
from core.uow import UnitOfWork


async def _skill_name(uow: UnitOfWork, code: str) -> str:
    row = await uow.session.get(SkillRow, code)
    return _(row.name) if row else code  # in the parent's language, as the credential is


async def award_skill_check(
    uow: UnitOfWork,
    settings: Settings,
    files: FileStore,
    *,
    member_id: int,
    skill_code: str,
    community_id: int | None,
    right: int,
    total: int,
) -> IssuedCredential | None:
    """A passed skill check, issued by the community it was taken in (else the parent's own)."""
    # A parent's credential is written in the parent's language, whoever's act earned it.
    async with speaking_to(uow, member_id, community_id):
        if community_id is None:
            theirs = await active_communities(uow, member_id)
            if not theirs:
                return None
            community_id = theirs[0]
        skill = await _skill_name(uow, skill_code)
        base = issuer_url(settings, community_id)
        return await issue(
            uow,
            settings,
            files,
            member_id=member_id,
            community_id=community_id,
            key=f"check:{skill_code}",
            skill_code=skill_code,
            achievement=Achievement(
                id=f"{base}/achievements/check-{skill_code}",
                name=_("{skill}: skill check passed", skill=skill),
                description=_("Passed the community's {skill} skill check.", skill=skill.lower()),
                criteria=_(
                    "Answer the community's {skill} skill check, {total} questions, with the pass mark or better.",
                    skill=skill.lower(),
                    total=total,
                ),
                achievement_type="Competency",
                skill=skill,
            ),
            evidence=[
                Evidence(
                    name=_("{skill} skill check", skill=skill),
                    narrative=_(
                        "{right} of {total} right, on {month_of}.",
                        right=right,
                        total=total,
                        month_of=month_of(uow.now()),
                    ),
                )
            ],
        )


async def award_course(
    uow: UnitOfWork,
    settings: Settings,
    files: FileStore,
    *,
    member_id: int,
    community_id: int,
    course_id: int,
    course_name: str,
    skill_code: str,
    level: str,
) -> str:
    """A course completed on the community's learning site; the skill's name, for words."""
    # A parent's credential is written in the parent's language, whoever's act earned it.
    async with speaking_to(uow, member_id, community_id):
        skill = await _skill_name(uow, skill_code)
        base = issuer_url(settings, community_id)
        await issue(
            uow,
            settings,
            files,
            member_id=member_id,
            community_id=community_id,
            key=f"course:{course_id}",
            skill_code=skill_code,
            achievement=Achievement(
                id=f"{base}/achievements/course-{course_id}",
                name=f"{skill}: {course_name}",
                description=_(
                    'Completed the course "{course_name}", which the community counts for {skill} at {level} level.',
                    course_name=course_name,
                    skill=skill.lower(),
                    level=level,
                ),
                criteria=_(
                    "Complete \"{course_name}\" on the community's learning site, as the site's own course completion criteria define.",
                    course_name=course_name,
                ),
                achievement_type="Course",
                skill=skill,
            ),
            evidence=[
                Evidence(
                    name=course_name,
                    narrative=_(
                        "Completed, as its learning site reported, {month_of}.",
                        month_of=month_of(uow.now()),
                    ),
                )
            ],
        )
        return skill


async def award_milestones(
    uow: UnitOfWork, settings: Settings, files: FileStore, member_id: int, community_id: int
) -> list[IssuedCredential]:
    """Every work milestone the parent has reached in this community and not yet been given."""
    # A parent's credential is written in the parent's language, whoever's act earned it.
    async with speaking_to(uow, member_id, community_id):
        chosen = await community_settings(uow, settings, community_id)
        if not chosen.credential_milestones:
            return []
        oldest_first = list(reversed(await approved_jobs(uow, member_id, community_id)))
        by_skill: dict[str, list[Job]] = defaultdict(list)
        for job in oldest_first:
            for code in job.codes:
                by_skill[code].append(job)
        base = issuer_url(settings, community_id)
        issued = []
        for code, jobs in by_skill.items():
            shown = [job.stars for job in jobs if job.stars is not None]
            if not shown or sum(shown) / len(shown) < settings.credential_min_stars:
                continue
            skill = await _skill_name(uow, code)
            for count in chosen.credential_milestones:
                if len(jobs) < count:
                    break
                evidence = [
                    Evidence(
                        name=f"{job.done_for[0].upper()}{job.done_for[1:]}, {skill.lower()}",
                        narrative=_("Approved, {month}", month=job.month)
                        + (_(", delivered on time") if job.on_time else "")
                        + (_(", rated {stars}★", stars=job.stars) if job.stars is not None else "")
                        + ".",
                    )
                    for job in jobs[:count]
                ]
                made = await issue(
                    uow,
                    settings,
                    files,
                    member_id=member_id,
                    community_id=community_id,
                    key=f"jobs:{code}:{count}",
                    skill_code=code,
                    achievement=Achievement(
                        id=f"{base}/achievements/jobs-{code}-{count}",
                        name=_("{skill}: {count} jobs well done", skill=skill, count=count),
                        description=_(
                            "{count} paid {skill} jobs approved by the businesses they were for, rated {credential_min_stars:g}★ or better on average.",
                            count=count,
                            skill=skill.lower(),
                            credential_min_stars=settings.credential_min_stars,
                        ),
                        criteria=_(
                            "Complete {count} paid {skill} jobs through the community, each approved by the business, with an average rating of {credential_min_stars:g} stars or better.",
                            count=count,
                            skill=skill.lower(),
                            credential_min_stars=settings.credential_min_stars,
                        ),
                        achievement_type="Badge",
                        skill=skill,
                    ),
                    evidence=evidence,
                )
                if made is not None:
                    issued.append(made)
        return issued
