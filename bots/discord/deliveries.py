"""Files a parent delivers on Discord: attachments on /submit, or in the Submit work form.

Discord's attachment URLs expire, so each file is read once into the file store when it is
delivered; from there it reaches a business on either platform and the moderators.
"""

from __future__ import annotations

import io
import logging

import discord

from core.files import FileKind, FileRef, FileStore, NoFileStore, why_it_cannot_reach
from core.language import _
from core.parsing import without_control_characters

log = logging.getLogger(__name__)


def kind_of(attachment: discord.Attachment) -> FileKind:
    content_type = (attachment.content_type or "").split(";")[0]
    if content_type.startswith("image/"):
        return "photo"
    if content_type.startswith("video/"):
        return "video"
    if content_type.startswith("audio/"):
        return "voice" if attachment.is_voice_message() else "audio"
    return "document"


async def files_from(attachments: list[discord.Attachment], store: FileStore) -> list[FileRef]:
    """Each attachment as a delivered file, read into the store while its URL is good."""
    found = []
    for attachment in attachments:
        file = FileRef(
            platform="discord",
            ref=attachment.url[:600],
            name=without_control_characters(attachment.filename)[:200] or "file",
            kind=kind_of(attachment),
            size_bytes=attachment.size,
        )
        try:
            await store.put(file.key, await attachment.read())
        except (discord.HTTPException, OSError) as err:
            log.warning("could not fetch delivered file %s: %s", file.name, err)
        else:
            file = file.model_copy(update={"stored": True})
        found.append(file)
    return found


async def uploads(
    files: list[FileRef], store: FileStore | None
) -> tuple[list[discord.File], list[str]]:
    """The files to attach to a Discord message, and a sentence for each that can't be."""
    store = store or NoFileStore()
    attached, left_out = [], []
    for file in files:
        why = why_it_cannot_reach(file, "discord")
        content = None if why else await store.get(file.key)
        if content is None:
            left_out.append(
                _(
                    "({name} couldn't be attached here: {value})",
                    name=file.name,
                    value=why or "it is no longer kept",
                )
            )
            continue
        attached.append(discord.File(io.BytesIO(content), filename=file.name))
    return attached, left_out
