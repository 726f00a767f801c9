"""The key the communities sign credentials with: made on first start, kept in the store
encrypted with a passphrase (or read from the operator's own PEM file), never logged, and
rotated so that every earlier public key stays published."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc.jwk import RSAKey
from sqlalchemy import select

from core.config import Settings
from core.errors import DomainError
from core.language import _
from core.models import IssuerKey
from core.sealed import passphrase
from core.uow import UnitOfWork

log = logging.getLogger("parentbrain.credentials")

ALGORITHM = "RS256"  # Open Badges 3.0 requires verifiers to support it; the widest reach
KEY_BITS = 2048
FILE_KID = "operator"  # the kid of a key read from PARENTBRAIN_ISSUER_KEY_FILE
_OPENED: dict[tuple[str, str], RSAKey] = {}  # keys opened in this process, by kid and passphrase
_FROM_FILE: dict[str, tuple[tuple[int, int], RSAKey]] = {}  # the operator's file, while unchanged


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: RSAKey


def base_url(settings: Settings) -> str:
    """Where credentials, keys and status lists are published: the web front end's address."""
    if settings.web_url:
        return settings.web_url.rstrip("/")
    return f"http://{settings.http_host}:{settings.http_port}/web"


def keys_url(settings: Settings) -> str:
    return f"{base_url(settings)}/credentials/keys.json"


def _from_file(settings: Settings) -> SigningKey | None:
    if not settings.issuer_key_file:
        return None
    given = (
        settings.issuer_key_passphrase.get_secret_value()
        if settings.issuer_key_passphrase
        else None
    )
    try:
        path = Path(settings.issuer_key_file)
        seen = path.stat()
        cached = _FROM_FILE.get(str(path))
        if cached is not None and cached[0] == (seen.st_mtime_ns, seen.st_size):
            return SigningKey(FILE_KID, cached[1])
        pem = path.read_bytes()
        # Encrypted with the passphrase, or kept plain by the operator's own secret store.
        encrypted = b"ENCRYPTED" in pem
        key = RSAKey.import_key(pem, password=given if encrypted else None)
        _FROM_FILE[str(path)] = ((seen.st_mtime_ns, seen.st_size), key)
    except (OSError, ValueError, TypeError) as err:
        # Never the file's content: only where it is and what kind of problem.
        raise DomainError(
            _(
                "The issuer key file {issuer_key_file} can't be read as an RSA private key ({__name__}); check PARENTBRAIN_ISSUER_KEY_FILE.",
                issuer_key_file=settings.issuer_key_file,
                __name__=type(err).__name__,
            )
        ) from None
    return SigningKey(FILE_KID, key)


def _new_kid(key: RSAKey) -> str:
    return f"key-{key.thumbprint()[:16]}"


async def _add_key(uow: UnitOfWork, settings: Settings) -> SigningKey:
    key = RSAKey.generate_key(KEY_BITS, private=True)
    kid = _new_kid(key)
    public = {**key.as_dict(private=False), "kid": kid, "alg": ALGORITHM, "use": "sig"}
    uow.session.add(
        IssuerKey(
            kid=kid,
            algorithm=ALGORITHM,
            public_jwk=public,
            private_pem=key.as_pem(private=True, password=passphrase(settings)).decode(),
            created_at=uow.now(),
        )
    )
    await uow.session.flush()
    return SigningKey(kid, key)


async def signing_key(uow: UnitOfWork, settings: Settings) -> SigningKey:
    """The key that signs now: the operator's file, or the newest key in the store (made the
    first time one is needed)."""
    if (operator := _from_file(settings)) is not None:
        return operator
    newest = await uow.session.scalar(
        select(IssuerKey)
        .where(IssuerKey.retired_at.is_(None))
        .order_by(IssuerKey.created_at.desc(), IssuerKey.kid)
        .limit(1)
    )
    if newest is None:
        return await _add_key(uow, settings)
    secret = passphrase(settings)
    # Opening the key is slow on purpose (the PEM's key derivation); once per process is enough.
    opened = _OPENED.get((newest.kid, secret))
    if opened is None:
        try:
            opened = RSAKey.import_key(newest.private_pem.encode(), password=secret)
        except ValueError:
            raise DomainError(
                _(
                    "The credential signing key can't be opened with this passphrase; check PARENTBRAIN_ISSUER_KEY_PASSPHRASE (or the passphrase file)."
                )
            ) from None
        _OPENED[(newest.kid, secret)] = opened
    return SigningKey(newest.kid, opened)


async def rotate(uow: UnitOfWork, settings: Settings) -> str:
    """A new signing key; the old ones retire from signing but stay published."""
    if settings.issuer_key_file:
        raise DomainError(
            _(
                "Credentials are signed with the key in PARENTBRAIN_ISSUER_KEY_FILE; rotate it by giving a new file (publish the old public key alongside if old credentials must still verify)."
            )
        )
    for old in (await uow.session.scalars(select(IssuerKey))).all():
        if old.retired_at is None:
            old.retired_at = uow.now()
    made = await _add_key(uow, settings)
    return made.kid


async def key_set(uow: UnitOfWork, settings: Settings) -> dict[str, Any]:
    """Every public key ever used, as a JWK set: what verifiers need, and nothing private."""
    keys = [
        {k: v for k, v in row.public_jwk.items() if k != "d"}
        for row in (await uow.session.scalars(select(IssuerKey).order_by(IssuerKey.created_at)))
    ]
    operator = _from_file(settings)
    if operator is not None:
        keys.append(
            {
                **operator.key.as_dict(private=False),
                "kid": FILE_KID,
                "alg": ALGORITHM,
                "use": "sig",
            }
        )
    return {"keys": keys}
