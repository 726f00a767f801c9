"""When a community issues a credential, and how: a passed skill check, or a work milestone
(by default 5 and 25 approved jobs in a skill rated 4.5★ or better). Issuing happens in the
same transaction as what earned it, once per achievement; the parent gets it in a DM as a
file, and /forgetme revokes every one."""

from __future__ import annotations

import logging
import re
import secrets
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select, update

from core.communities import active_communities, community_row, community_settings
from core.config import Settings
from core.credentials import badges, keys, status_list, vcjwt
from core.credentials.badges import Achievement, Evidence, Issuer
from core.credentials.record import Job, approved_jobs, month_of
from core.files import FileRef, FileStore
from core.models import (
    IssuedCredential,
    Member,
    SkillRow,
    WorkRecordSettings,
)
from core.notices import Notice
from core.uow import UnitOfWork

log = logging.getLogger("parentbrain.credentials")


def issuer_url(settings: Settings, community_id: int) -> str:
    return f"{keys.base_url(settings)}/issuers/{community_id}"


def status_list_url(settings: Settings, community_id: int) -> str:
    return f"{issuer_url(settings, community_id)}/status"


async def issuer(uow: UnitOfWork, settings: Settings, community_id: int) -> Issuer:
    community = await community_row(uow, community_id)
    url = issuer_url(settings, community_id)
    return Issuer(id=url, name=community.title, url=url)


async def record_settings(uow: UnitOfWork, member_id: int) -> WorkRecordSettings:
    """A parent's record settings, made the first time: nothing shared, earnings private."""
    found = await uow.session.get(WorkRecordSettings, member_id)
    if found is None:
        found = WorkRecordSettings(
            member_id=member_id, subject_id=badges.new_id(), shows_earnings=False
        )
        uow.session.add(found)
        await uow.session.flush()
    return found


async def _free_place(uow: UnitOfWork, community_id: int) -> int:
    """A random unused place in the community's status list (random, as the specification
    advises, so a place says nothing about when or to whom)."""
    taken = set(
        (
            await uow.session.scalars(
                select(IssuedCredential.status_index).where(
                    IssuedCredential.community_id == community_id
                )
            )
        ).all()
    )
    if len(taken) >= status_list.LIST_BITS:
        raise RuntimeError(f"community {community_id}'s status list is full")
    while (place := secrets.randbelow(status_list.LIST_BITS)) in taken:
        pass
    return place


def _file_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] + ".jwt"


async def issue(
    uow: UnitOfWork,
    settings: Settings,
    files: FileStore,
    *,
    member_id: int,
    community_id: int,
    key: str,
    skill_code: str,
    achievement: Achievement,
    evidence: list[Evidence],
) -> IssuedCredential | None:
    """Sign and keep one credential and send it to the parent; None when they have it."""
    if await uow.session.scalar(
        select(IssuedCredential.id).where(
            IssuedCredential.member_id == member_id,
            IssuedCredential.community_id == community_id,
            IssuedCredential.achievement == key,
        )
    ):
        return None
    member = await uow.session.get_one(Member, member_id)
    mine = await record_settings(uow, member_id)
    by = await issuer(uow, settings, community_id)
    place = await _free_place(uow, community_id)
    now = uow.now()
    days = settings.credential_valid_days
    until = now + timedelta(days=days) if days else None
    credential_id = badges.new_id()
    body = badges.credential(
        credential_id=credential_id,
        issuer=by,
        subject_id=mine.subject_id,
        holder_name=member.display_name,
        achievement=achievement,
        evidence=evidence,
        status=status_list.entry(status_list_url(settings, community_id), place),
        valid_from=now,
        valid_until=until,
    )
    signer = await keys.signing_key(uow, settings)
    token = vcjwt.sign(body, signer, keys.keys_url(settings))
    row = IssuedCredential(
        id=credential_id,
        community_id=community_id,
        member_id=member_id,
        achievement=key,
        skill_code=skill_code,
        name=achievement.name,
        status_index=place,
        jwt=token,
        issued_at=now,
        valid_until=until,
    )
    uow.session.add(row)
    await uow.session.flush()
    await _send(uow, settings, files, row, by.name)
    return row


async def _send(
    uow: UnitOfWork, settings: Settings, files: FileStore, row: IssuedCredential, by: str
) -> None:
    content = row.jwt.encode()
    file = FileRef(
        platform="parentbrain",
        ref=f"credential:{row.id}",
        name=_file_name(row.name),
        size_bytes=len(content),
        stored=True,
    )
    attached = [file]
    try:
        await files.put(file.key, content)
    except OSError as err:
        log.warning("credential %s kept, but not attached to its message: %s", row.id, err)
        attached = []
    kept = (
        "It's attached: a file to keep, that anyone can check"
        if attached
        else "You can download it from your record on the web; anyone can check it"
    )
    await uow.notify(
        Notice(
            to=row.member_id,
            text=f"🎓 {by} has issued you a credential: {row.name}. {kept} at "
            f"{keys.base_url(settings)}/credentials/check. Type /record to see your work "
            "record, and /record share for an address to put on your CV.",
            files=attached,
        )
    )


async def _skill_name(uow: UnitOfWork, code: str) -> str:
    row = await uow.session.get(SkillRow, code)
    return row.name if row else code


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
            name=f"{skill}: skill check passed",
            description=f"Passed the community's {skill.lower()} skill check.",
            criteria=f"Answer the community's {skill.lower()} skill check, {total} questions, "
            "with the pass mark or better.",
            achievement_type="Competency",
            skill=skill,
        ),
        evidence=[
            Evidence(
                name=f"{skill} skill check",
                narrative=f"{right} of {total} right, on {month_of(uow.now())}.",
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
            description=f'Completed the course "{course_name}", which the community counts '
            f"for {skill.lower()} at {level} level.",
            criteria=f'Complete "{course_name}" on the community\'s learning site, as the '
            "site's own course completion criteria define.",
            achievement_type="Course",
            skill=skill,
        ),
        evidence=[
            Evidence(
                name=course_name,
                narrative=f"Completed, as its learning site reported, {month_of(uow.now())}.",
            )
        ],
    )
    return skill


async def award_milestones(
    uow: UnitOfWork, settings: Settings, files: FileStore, member_id: int, community_id: int
) -> list[IssuedCredential]:
    """Every work milestone the parent has reached in this community and not yet been given."""
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
                    narrative=f"Approved, {job.month}"
                    + (", delivered on time" if job.on_time else "")
                    + (f", rated {job.stars}★" if job.stars is not None else "")
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
                    name=f"{skill}: {count} jobs well done",
                    description=f"{count} paid {skill.lower()} jobs approved by the businesses "
                    f"they were for, rated {settings.credential_min_stars:g}★ or better on "
                    "average.",
                    criteria=f"Complete {count} paid {skill.lower()} jobs through the "
                    "community, each approved by the business, with an average rating of "
                    f"{settings.credential_min_stars:g} stars or better.",
                    achievement_type="Badge",
                    skill=skill,
                ),
                evidence=evidence,
            )
            if made is not None:
                issued.append(made)
    return issued


async def revoke_all(uow: UnitOfWork, member_id: int) -> int:
    """Every credential of the parent revoked (its status bit set) and its words erased."""
    result = await uow.session.execute(
        update(IssuedCredential)
        .where(IssuedCredential.member_id == member_id, IssuedCredential.revoked_at.is_(None))
        .values(revoked_at=uow.now())
    )
    await uow.session.execute(
        update(IssuedCredential)
        .where(IssuedCredential.member_id == member_id)
        .values(jwt="", name="[erased]")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def signed_status_list(uow: UnitOfWork, settings: Settings, community_id: int) -> str:
    """The community's revocation list, signed: what verifiers fetch."""
    revoked = (
        await uow.session.scalars(
            select(IssuedCredential.status_index).where(
                IssuedCredential.community_id == community_id,
                IssuedCredential.revoked_at.is_not(None),
            )
        )
    ).all()
    body = status_list.list_credential(
        status_list_url(settings, community_id),
        issuer_url(settings, community_id),
        revoked,
        uow.now(),
    )
    return vcjwt.sign(body, await keys.signing_key(uow, settings), keys.keys_url(settings))
