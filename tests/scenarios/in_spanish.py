"""What tells a scenario run in Spanish that English slipped through."""

from __future__ import annotations

import re
from functools import cache

from babel.messages.pofile import read_po

from core.language.catalogues import LOCALES, catalogue_path

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
ENGLISH_WORDS = re.compile(r"\b(the|you|your|is|are|was|and|with|type|has|isn't|here)\b")
COMMAND = re.compile(r"/[a-z]+(?: [a-z_@0-9:.,£-]+)*")


@cache
def _fragments() -> tuple[frozenset[str], frozenset[str]]:
    """Every run of English words from the catalogue's messages, and every run of words the
    Spanish translations hold (commands and examples are the same in both)."""
    with (LOCALES / "messages.pot").open("rb") as pot:
        english = read_po(pot)
    with catalogue_path("es").open("rb") as po:
        spanish = read_po(po, locale="es")

    def runs(text: str) -> set[str]:
        return {p.strip() for p in PLACEHOLDER.split(text) if len(p.strip().split()) >= 3}

    said_in_english: set[str] = set()
    for m in english:
        for source in m.id if isinstance(m.id, tuple) else (m.id,):
            said_in_english |= runs(source)
    said_in_spanish: set[str] = set()
    for m in spanish:
        for target in m.string if isinstance(m.string, tuple) else (m.string,):
            said_in_spanish |= runs(target)
    return frozenset(said_in_english), frozenset(said_in_spanish)


def english_in(texts: list[str]) -> list[str]:
    """Pieces of the English catalogue, or plain English words, in texts a Spanish reader got."""
    english, spanish = _fragments()
    found = []
    for text in texts:
        for fragment in english:
            if (
                fragment in text
                and ENGLISH_WORDS.search(fragment)
                and not any(fragment in s for s in spanish)
            ):
                found.append(f"{fragment!r} in {text[:80]!r}")
        bare = COMMAND.sub(" ", text)
        if len(ENGLISH_WORDS.findall(bare)) >= 2:
            found.append(f"English words in {text[:120]!r}")
    return found
