"""Community content rules: what a post or a delivery may not say.

Contact details and payment arrangements outside the platform are flagged to moderators
(they are often innocent, so a person decides); a community's banned words are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.language import _

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?<![\w£$€.,:/-])\+?\d(?: ?\d){9,13}(?![\w:.,/-])")
CONTACT_WORDS = re.compile(
    r"\b(whats ?app|signal me|text me|call me|ring me|my number|dm me|t\.me/|wa\.me/)", re.I
)
PAYMENT_WORDS = re.compile(
    r"\b(paypal|venmo|revolut|cash ?app|zelle|wise\.com|bank transfer|sort code|iban|"
    r"pay (?:me|you) directly|outside (?:the|this) (?:platform|app|bot)|in cash|crypto)\b",
    re.I,
)


@dataclass(frozen=True)
class Concerns:
    contact: tuple[str, ...] = ()
    payment: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.contact or self.payment)

    def describe(self) -> str:
        parts = []
        if self.contact:
            parts.append(_("contact details ({listing})", listing=", ".join(self.contact)))
        if self.payment:
            parts.append(
                _("payment outside the platform ({listing})", listing=", ".join(self.payment))
            )
        return " and ".join(parts)


def concerns(*texts: str) -> Concerns:
    """What in these texts looks like a way around the platform."""
    text = "\n".join(texts)
    contact = [
        m.group(0) for pattern in (EMAIL, PHONE, CONTACT_WORDS) for m in pattern.finditer(text)
    ]
    payment = [m.group(0) for m in PAYMENT_WORDS.finditer(text)]
    return Concerns(tuple(dict.fromkeys(contact)), tuple(dict.fromkeys(payment)))


def banned_in(text: str, banned: Iterable[str]) -> list[str]:
    """The community's banned words that appear in the text, as whole words."""
    return [
        word
        for word in banned
        if word.strip() and re.search(rf"\b{re.escape(word.strip())}\b", text, re.I)
    ]
