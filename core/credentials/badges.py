"""What the credentials say: Open Badges 3.0 `OpenBadgeCredential`s (W3C VC Data Model 2.0),
the issuer's profile, and the CLR 2.0-shaped bundle of a parent's whole record."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.credentials.vcjwt import iso
from core.language import _

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)


def new_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


@dataclass(frozen=True)
class Issuer:
    """A community as an issuer: its profile lives at `id`, a page of the web front end."""

    id: str
    name: str
    url: str

    def profile(self, keys_url: str) -> dict[str, Any]:
        return {
            "@context": [VC_CONTEXT, OB_CONTEXT],
            "id": self.id,
            "type": ["Profile"],
            "name": self.name,
            "url": self.url,
            "description": _(
                "{name}, a community of parents doing paid work on Parent Brain.", name=self.name
            ),
            # Not an Open Badges term: where to find the keys its credentials are signed with.
            "publicKeys": keys_url,
        }


@dataclass(frozen=True)
class Achievement:
    """What was achieved, said the same way for everyone who achieves it."""

    id: str
    name: str
    description: str
    criteria: str
    achievement_type: str  # Open Badges' vocabulary: "Competency" for a check, "Badge" for work
    skill: str


@dataclass(frozen=True)
class Evidence:
    name: str
    narrative: str


def credential(
    *,
    credential_id: str,
    issuer: Issuer,
    subject_id: str,
    holder_name: str,
    achievement: Achievement,
    evidence: Sequence[Evidence],
    status: dict[str, Any],
    valid_from: datetime,
    valid_until: datetime | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "description": achievement.description,
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.url},
        "validFrom": iso(valid_from),
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            # The holder's name as they go by in the community, so a reader knows whose it is.
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": holder_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": {
                "id": achievement.id,
                "type": ["Achievement"],
                "achievementType": achievement.achievement_type,
                "name": achievement.name,
                "description": achievement.description,
                "criteria": {"narrative": achievement.criteria},
                "tag": [achievement.skill],
                "creator": {"id": issuer.id, "type": ["Profile"], "name": issuer.name},
            },
        },
        "evidence": [
            {"type": ["Evidence"], "name": e.name, "narrative": e.narrative} for e in evidence
        ],
        "credentialStatus": status,
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if valid_until is not None:
        body["validUntil"] = iso(valid_until)
    return body


def bundle(
    *,
    bundle_id: str,
    issuer: Issuer,
    subject_id: str,
    holder_name: str,
    signed: Sequence[str],
    now: datetime,
) -> dict[str, Any]:
    """The whole record as one CLR 2.0-shaped document: every credential exactly as signed
    (VC 2.0 "enveloped" VC-JWTs), so each still verifies on its own."""
    return {
        "@context": [VC_CONTEXT, CLR_CONTEXT, OB_CONTEXT],
        "id": bundle_id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": _("{holder_name}'s work record", holder_name=holder_name),
        "description": _("Credentials earned through paid work and skill checks on Parent Brain."),
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.url},
        "validFrom": iso(now),
        "credentialSubject": {
            "id": subject_id,
            "type": ["ClrSubject"],
            "verifiableCredential": [
                {
                    "@context": VC_CONTEXT,
                    "id": f"data:application/vc+jwt,{token}",
                    "type": "EnvelopedVerifiableCredential",
                }
                for token in signed
            ],
        },
    }
