"""Secrets kept at rest (a learning site's web-service token, the credential signing key):
sealed with the deployment's passphrase, never logged.

The passphrase is `PARENTBRAIN_ISSUER_KEY_PASSPHRASE`; unset, one is made once into a file
readable by its owner only. Sealing is Fernet (cryptography), with a key derived from the
passphrase by HKDF for each purpose, so one secret's key opens nothing else.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.config import Settings
from core.errors import DomainError
from core.language import _

log = logging.getLogger("parentbrain.sealed")


def passphrase(settings: Settings) -> str:
    if settings.issuer_key_passphrase is not None:
        return settings.issuer_key_passphrase.get_secret_value()
    path = Path(settings.issuer_passphrase_file)
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    made = secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(made)
    log.warning(
        "Made a passphrase for the secrets kept at rest in %s (owner-only). Keep it with "
        "your backups, or set PARENTBRAIN_ISSUER_KEY_PASSPHRASE instead.",
        path,
    )
    return made


def _fernet(settings: Settings, purpose: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"parentbrain {purpose}".encode()
    ).derive(passphrase(settings).encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(settings: Settings, purpose: str, secret: str) -> str:
    return _fernet(settings, purpose).encrypt(secret.encode()).decode()


def unseal(settings: Settings, purpose: str, sealed: str) -> str:
    try:
        return _fernet(settings, purpose).decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise DomainError(
            _(
                "A secret kept in the store can't be opened with this passphrase; check PARENTBRAIN_ISSUER_KEY_PASSPHRASE (or the passphrase file)."
            )
        ) from None
