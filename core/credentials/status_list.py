"""W3C Bitstring Status List v1.0: one list per community, one bit per credential it issued;
a set bit means revoked. The list is itself a credential, signed like the others, so any
verifier can trust what it reads."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from core.language import _

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
LIST_BITS = 131_072  # the specification's minimum (16 KB), so one bit doesn't single anyone out
PURPOSE = "revocation"


def encode(revoked: Iterable[int], size: int = LIST_BITS) -> str:
    """The list as the specification writes it: multibase base64url ('u') of GZIP of the bits,
    index 0 the first byte's most significant bit."""
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def is_set(encoded: str, index: int) -> bool:
    if not encoded.startswith("u"):
        raise ValueError(_("the status list isn't multibase base64url"))
    body = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if not 0 <= index < len(bits) * 8:
        raise ValueError(_("the credential's place is outside its status list"))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def entry(list_url: str, index: int) -> dict[str, Any]:
    """What a credential says about where its status is kept."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def list_credential(
    list_url: str, issuer_id: str, revoked: Iterable[int], now: datetime
) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked),
        },
    }
