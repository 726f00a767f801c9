"""Files parents deliver: what the platforms allow, and the store that carries them across.

A file stays where it was sent (a Telegram `file_id`, a Discord attachment URL) and is fetched
once into a file store, so it can reach a business on the other platform, the moderators in a
dispute, and be erased by /forgetme. Same-platform Telegram sends reuse the `file_id`.
"""

from __future__ import annotations

import hashlib
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from core.language import _

MB = 1024 * 1024
# Telegram lets a bot download files up to 20 MB (getFile) and upload up to 50 MB.
TELEGRAM_DOWNLOAD_LIMIT = 20 * MB
TELEGRAM_UPLOAD_LIMIT = 50 * MB
# Discord lets a bot upload 10 MiB to a server without boosts, and to a DM.
DISCORD_UPLOAD_LIMIT = 10 * MB
FILES_PER_DELIVERY = 10

FileKind = Literal["document", "photo", "voice", "video", "audio"]
# Names a business's computer would run when opened: refused, whatever the platform allows.
RUNNABLE = (".exe", ".bat", ".cmd", ".com", ".scr", ".msi", ".js", ".vbs", ".jar", ".ps1", ".sh")


class FileRef(BaseModel):
    """One delivered file as the platform it came from knows it."""

    model_config = ConfigDict(frozen=True)

    platform: str = Field(max_length=20)
    ref: str = Field(min_length=1, max_length=600)  # Telegram file_id; Discord attachment URL
    name: str = Field(min_length=1, max_length=200)
    kind: FileKind = "document"
    size_bytes: int = Field(ge=0)
    stored: bool = False  # a copy is in the file store (fetched when it was sent)

    @property
    def key(self) -> str:
        """Its name in the file store: the same file always lands in the same place."""
        return f"{self.platform}-{hashlib.sha256(self.ref.encode()).hexdigest()[:40]}"


def upload_limit(platform: str) -> int:
    return DISCORD_UPLOAD_LIMIT if platform == "discord" else TELEGRAM_UPLOAD_LIMIT


def why_it_cannot_reach(file: FileRef, platform: str) -> str | None:
    """One sentence when this file can't be passed on to someone on `platform`; else None."""
    if file.name.lower().endswith(RUNNABLE):
        return _(
            "{name} is a program, which can't be delivered; send a document or a link.",
            name=file.name,
        )
    if file.platform == "telegram" and platform == "telegram":
        return None  # passed on by its file_id, whatever its size
    if not file.stored:
        if file.platform == "telegram" and file.size_bytes > TELEGRAM_DOWNLOAD_LIMIT:
            return _(
                "{name} is over Telegram's 20 MB limit for bots, so I can't pass it to the business; share it as a link instead.",
                name=file.name,
            )
        return _(
            "I couldn't fetch {name}; please send it again, or share it as a link.", name=file.name
        )
    if file.size_bytes > upload_limit(platform):
        limit = upload_limit(platform) // MB
        return _(
            "{name} is over the {limit} MB a bot may send on {platform}, where the business reads; share it as a link instead.",
            name=file.name,
            limit=limit,
            platform=platform.title(),
        )
    return None


class FileStore(Protocol):
    """Where fetched files are kept: a local folder by default, or an S3-compatible bucket."""

    async def put(self, key: str, content: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...


class NoFileStore:
    """Keeps nothing: every file stays on its own platform only."""

    async def put(self, key: str, content: bytes) -> None:
        raise OSError("no file store is configured")

    async def get(self, key: str) -> bytes | None:
        return None

    async def delete(self, key: str) -> None:
        return None


def size_in_words(size_bytes: int) -> str:
    if size_bytes >= MB:
        return f"{size_bytes / MB:.1f} MB"
    return f"{max(1, round(size_bytes / 1024))} KB"


def listed(files: list[FileRef]) -> str:
    """ "Files: menu-v2.pdf (1.2 MB), photo.jpg (84 KB)", or nothing when there are none."""
    if not files:
        return ""
    return "Files: " + ", ".join(f"{f.name} ({size_in_words(f.size_bytes)})" for f in files)
