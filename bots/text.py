"""Text within a platform's message limit, split where a reader would (line, then word)."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    rest = text or "…"
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    pieces.append(rest)
    # Chats refuse an empty message: a run of blank lines at a cut leaves nothing to send.
    return [piece for piece in pieces if piece.strip()] or ["…"]
