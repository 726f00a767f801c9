"""Credentials signed as VC-JWT (Open Badges 3.0, "JSON Web Token Proof Format"): the JOSE
header names the key by a URL, the payload is the credential with its JWT claims, and a
verifier checks the signature, the claims against the credential, the dates and the status.

Signing and checking signatures is joserfc's; this module only says what goes in and what
must agree."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from core.credentials import status_list
from core.credentials.keys import ALGORITHM, SigningKey
from core.language import _

CREDENTIAL_TYPES = {"OpenBadgeCredential", "AchievementCredential", "BitstringStatusListCredential"}

# Given a status list's address, its signed list (a compact JWS), or None when unknown here.
StatusLists = Callable[[str], str | None]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _issuer_id(credential: Mapping[str, Any]) -> str:
    issuer = credential.get("issuer")
    return str(issuer.get("id") if isinstance(issuer, Mapping) else issuer)


def sign(credential: Mapping[str, Any], key: SigningKey, keys_url: str) -> str:
    """The credential as a Compact JWS, its claims taken from the credential itself."""
    claims: dict[str, Any] = {
        **credential,
        "iss": _issuer_id(credential),
        "jti": credential["id"],
        "nbf": int(_moment(credential["validFrom"]).timestamp()),
        "sub": credential["credentialSubject"]["id"],
    }
    if "validUntil" in credential:
        claims["exp"] = int(_moment(credential["validUntil"]).timestamp())
    header = {"alg": ALGORITHM, "kid": f"{keys_url}#{key.kid}", "typ": "JWT"}
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, payload, key.key)


@dataclass(frozen=True)
class Verification:
    """What a check found: `valid` only when every step passed; `reason` says which didn't."""

    valid: bool
    reason: str
    credential: dict[str, Any] | None = None
    checks: tuple[str, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return str((self.credential or {}).get("name", "a credential"))


def _fail(reason: str, credential: dict[str, Any] | None = None, *done: str) -> Verification:
    return Verification(False, reason, credential, tuple(done))


def _canonical(token: str) -> bool:
    """Each part decodes and encodes back to itself: no padding, no stray bits, no spaces
    (so no byte can change without the signature check seeing it)."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    for part in parts:
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            return False
        if base64.urlsafe_b64encode(raw).decode().rstrip("=") != part:
            return False
    return True


def _public_key(header: Mapping[str, Any], key_set: Mapping[str, Any]) -> RSAKey | None:
    kid = str(header.get("kid", ""))
    short = kid.rpartition("#")[2]
    for jwk in key_set.get("keys", []):
        if jwk.get("kid") in (kid, short) and jwk.get("kty") == "RSA" and "d" not in jwk:
            return RSAKey.import_key(jwk)
    return None


def verify(
    token: str,
    key_set: Mapping[str, Any],
    status_lists: StatusLists,
    now: datetime,
    *,
    check_status: bool = True,
) -> Verification:
    """Check a VC-JWT credential the way the Open Badges specification says, step by step."""
    token = token.strip()
    if not _canonical(token):
        return _fail(
            _(
                "This isn't a signed credential as issued: it should be one line of three parts separated by dots, exactly as it was downloaded."
            )
        )
    try:
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    except ValueError:
        return _fail(_("Its header can't be read, so it isn't a credential as issued."))
    if header.get("alg") != ALGORITHM:
        return _fail(
            _(
                "It is signed with {header!r}, not {ALGORITHM}.",
                header=header.get("alg"),
                ALGORITHM=ALGORITHM,
            )
        )
    key = _public_key(header, key_set)
    if key is None:
        return _fail(
            _("It is signed with a key this issuer doesn't publish, so it can't be theirs.")
        )
    try:
        signed = jws.deserialize_compact(token, key, algorithms=[ALGORITHM])
        claims = json.loads(signed.payload)
    except (JoseError, ValueError):
        return _fail(
            _(
                "The signature doesn't match: it was changed after it was signed, or it was signed with another key."
            )
        )
    done = ["signature"]
    if not isinstance(claims, dict) or not CREDENTIAL_TYPES & set(claims.get("type", [])):
        return _fail(_("It is signed, but it isn't an Open Badges credential."), None, *done)
    credential = {k: v for k, v in claims.items() if k not in ("iss", "jti", "nbf", "sub", "exp")}
    subject = credential.get("credentialSubject") or {}
    if (
        claims.get("iss") != _issuer_id(credential)
        or claims.get("jti") != credential.get("id")
        or claims.get("sub") != subject.get("id")
        or "validFrom" not in credential
        or claims.get("nbf") != int(_moment(credential["validFrom"]).timestamp())
    ):
        return _fail(
            _("Its signed claims don't agree with what it says (issuer, id, holder or date)."),
            credential,
            *done,
        )
    done.append("claims")
    if now < _moment(credential["validFrom"]):
        return _fail(
            _("It isn't valid until {validFrom}.", validFrom=credential["validFrom"]),
            credential,
            *done,
        )
    until = credential.get("validUntil")
    if until is not None and (
        "exp" not in claims or claims["exp"] != int(_moment(until).timestamp())
    ):
        return _fail(_("Its expiry date doesn't agree with its signed claims."), credential, *done)
    if until is not None and now >= _moment(until):
        return _fail(_("It expired on {until}.", until=until[:10]), credential, *done)
    done.append("dates")
    status = credential.get("credentialStatus")
    if check_status and status:
        found = _revoked(status, key_set, status_lists, now)
        if isinstance(found, str):
            return _fail(found, credential, *done)
        if found:
            return _fail(_("It has been revoked by its issuer."), credential, *done)
        done.append("status")
    return Verification(
        True, _("Valid: signed by its issuer, in date, and not revoked."), credential, tuple(done)
    )


def _revoked(
    status: Mapping[str, Any], key_set: Mapping[str, Any], status_lists: StatusLists, now: datetime
) -> bool | str:
    """Whether its bit is set in its issuer's signed status list; a sentence when the list
    can't be had or trusted."""
    try:
        url = str(status["statusListCredential"])
        index = int(status["statusListIndex"])
    except (KeyError, TypeError, ValueError):
        return _("Its revocation entry can't be read.")
    published = status_lists(url)
    if published is None:
        return _(
            "Its revocation list ({url}) couldn't be read, so it can't be checked yet.", url=url
        )
    listed = verify(published, key_set, status_lists, now, check_status=False)
    if not listed.valid or listed.credential is None:
        return _(
            "Its revocation list isn't signed by the issuer's key: {reason}", reason=listed.reason
        )
    subject = listed.credential.get("credentialSubject") or {}
    try:
        return status_list.is_set(str(subject.get("encodedList", "")), index)
    except (ValueError, OSError, EOFError):
        return _("Its revocation list can't be read.")
