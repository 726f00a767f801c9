"""When a community issues a credential, and how: a passed skill check, or a work milestone
(by default 5 and 25 approved jobs in a skill rated 4.5★ or better). Issuing happens in the
same transaction as what earned it, once per achievement; the parent gets it in a DM as a
file, and /forgetme revokes every one."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from core.communities import community_row
from core.config import Settings
from core.credentials import badges, keys, status_list, vcjwt
from core.credentials.badges import Achievement, Evidence, Issuer
from core.files import FileRef, FileStore
from core.language import _
from core.language.people import speaking_to
from core.models import (
    IssuedCredential,
    Member,
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
    async with speaking_to(uow, row.member_id):
        kept = (
            _("It's attached: a file to keep, that anyone can check")
            if attached
            else _("You can download it from your record on the web; anyone can check it")
        )
        await uow.notify(
            Notice(
                to=row.member_id,
                text=_(
                    "🎓 {by} has issued you a credential: {name}. {kept} at {base_url}/credentials/check. Type /record to see your work record, and /record share for an address to put on your CV.",
                    by=by,
                    name=row.name,
                    kept=kept,
                    base_url=keys.base_url(settings),
                ),
                files=attached,
            )
        )


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
