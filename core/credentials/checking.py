"""Checking credentials against this deployment's published keys and status lists, for the web
page anyone can use and for the record page's badges; and the record's bundle."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from sqlalchemy import select

from core.config import Settings
from core.credentials import badges, keys, vcjwt
from core.credentials.issuing import record_settings, signed_status_list, status_list_url
from core.credentials.vcjwt import Verification
from core.language import _
from core.models import IssuedCredential, Member
from core.uow import UnitOfWork

MAX_CREDENTIAL_BYTES = 64 * 1024


def _claims(token: str) -> dict[str, Any]:
    payload = token.strip().split(".")[1]
    found = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return found if isinstance(found, dict) else {}


def status_list_id(signed: str) -> str | None:
    """The address a signed status list says it is (checked when it is used)."""
    try:
        return str(_claims(signed)["id"])
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def _status_address(token: str) -> str | None:
    """Where an unverified credential says its status list is (verified once fetched)."""
    try:
        return str(_claims(token)["credentialStatus"]["statusListCredential"])
    except (IndexError, KeyError, TypeError, ValueError):
        return None


class StatusListsHere:
    """This deployment's status lists, signed as verifiers would fetch them, once each."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.signed: dict[str, str | None] = {}
        self.pattern = re.compile(
            re.escape(keys.base_url(settings)) + r"/issuers/(\d{1,9})/status$"
        )

    async def fetch(self, uow: UnitOfWork, address: str | None) -> None:
        if not address or address in self.signed:
            return
        found = self.pattern.fullmatch(address)
        community_id = int(found.group(1)) if found else None
        if community_id is None or status_list_url(self.settings, community_id) != address:
            self.signed[address] = None
            return
        self.signed[address] = await signed_status_list(uow, self.settings, community_id)

    def __call__(self, address: str) -> str | None:
        return self.signed.get(address)


async def check(uow: UnitOfWork, settings: Settings, token: str) -> Verification:
    """A credential checked the way any verifier would, with this deployment's keys."""
    token = token.strip()
    if len(token.encode()) > MAX_CREDENTIAL_BYTES:
        return Verification(False, _("That is far too long to be one credential."))
    lists = StatusListsHere(settings)
    await lists.fetch(uow, _status_address(token))
    return vcjwt.verify(token, await keys.key_set(uow, settings), lists, uow.now())


async def check_all(uow: UnitOfWork, settings: Settings, tokens: list[str]) -> list[Verification]:
    key_set = await keys.key_set(uow, settings)
    lists = StatusListsHere(settings)
    for token in tokens:
        await lists.fetch(uow, _status_address(token))
    return [vcjwt.verify(t, key_set, lists, uow.now()) for t in tokens]


async def credentials_of(uow: UnitOfWork, member_id: int) -> list[IssuedCredential]:
    return list(
        (
            await uow.session.scalars(
                select(IssuedCredential)
                .where(IssuedCredential.member_id == member_id, IssuedCredential.jwt != "")
                .order_by(IssuedCredential.issued_at, IssuedCredential.id)
            )
        ).all()
    )


async def record_bundle(uow: UnitOfWork, settings: Settings, member_id: int) -> dict[str, Any]:
    """Every credential of the parent in one CLR 2.0-shaped file, each exactly as signed."""
    member = await uow.session.get_one(Member, member_id)
    mine = await record_settings(uow, member_id)
    base = keys.base_url(settings)
    return badges.bundle(
        bundle_id=badges.new_id(),
        issuer=badges.Issuer(id=base, name=_("Parent Brain"), url=base),
        subject_id=mine.subject_id,
        holder_name=member.display_name,
        signed=[row.jwt for row in await credentials_of(uow, member_id)],
        now=uow.now(),
    )
