"""Files a parent delivers on Telegram: documents, photos, voice notes, videos and audio.

Each file is kept by its `file_id` (enough to send it on within Telegram, whatever its size)
and, when Telegram lets a bot download it (up to 20 MB), fetched once into the file store so
it can reach a business on Discord and the moderators in a dispute.
"""

from __future__ import annotations

import logging
import re

from telegram import Audio, Document, Message, PhotoSize, Update, Video, Voice
from telegram.error import TelegramError
from telegram.ext import ContextTypes, MessageHandler, filters

from bots.telegram.common import Reply, brain, respond
from core import commands as c
from core.actors import Actor
from core.files import TELEGRAM_DOWNLOAD_LIMIT, FileKind, FileRef
from core.language import _
from core.parsing import parse_number, without_control_characters

log = logging.getLogger(__name__)

ATTACHMENTS = filters.Document.ALL | filters.PHOTO | filters.VOICE | filters.VIDEO | filters.AUDIO
SUBMIT_CAPTION = re.compile(r"^/submit(?:@\w+)?(?:\s+(.*))?$", re.S | re.I)


async def files_in(message: Message, context: ContextTypes.DEFAULT_TYPE) -> list[FileRef]:
    """The file a message carries, fetched into the store when a bot may download it."""
    kind: FileKind
    found: Document | PhotoSize | Voice | Video | Audio
    if message.document is not None:
        found, kind = message.document, "document"
        name = message.document.file_name or "document"
    elif message.photo:
        found, kind, name = message.photo[-1], "photo", f"photo-{message.message_id}.jpg"
    elif message.voice is not None:
        found, kind, name = message.voice, "voice", f"voice-note-{message.message_id}.ogg"
    elif message.video is not None:
        found, kind = message.video, "video"
        name = message.video.file_name or f"video-{message.message_id}.mp4"
    elif message.audio is not None:
        found, kind = message.audio, "audio"
        name = message.audio.file_name or f"audio-{message.message_id}.mp3"
    else:
        return []
    size = found.file_size or 0
    file = FileRef(
        platform="telegram",
        ref=found.file_id,
        name=without_control_characters(name)[:200] or "file",
        kind=kind,
        size_bytes=size,
    )
    if size > TELEGRAM_DOWNLOAD_LIMIT:
        return [file]  # only passed on by file_id; core says where that can't reach
    try:
        fetched = await (await context.bot.get_file(found.file_id)).download_as_bytearray()
        await brain(context).files.put(file.key, bytes(fetched))
    except (TelegramError, OSError) as err:
        log.warning("could not fetch delivered file %s: %s", file.name, err)
        return [file]
    return [file.model_copy(update={"stored": True})]


async def file_with_submit_caption(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file sent with the caption /submit <item#> [words]: deliver it."""
    message = update.effective_message
    assert message is not None
    found = SUBMIT_CAPTION.match((message.caption or "").strip())
    typed = (found.group(1) or "") if found else ""

    async def act(actor: Actor) -> Reply:
        head, _sep, words = typed.strip().lstrip("#").partition(" ")
        work_id = parse_number(head, "item", _("/submit 12 (as the file's caption)"))
        return str(
            await brain(context).handle(
                c.SubmitDelivery(
                    actor=actor,
                    work_id=work_id,
                    body=words.strip(),
                    files=await files_in(message, context),
                )
            )
        )

    await respond(update, context, act)


def file_handlers() -> list[MessageHandler[ContextTypes.DEFAULT_TYPE, None]]:
    private = filters.ChatType.PRIVATE
    captioned = filters.CaptionRegex(r"(?i)^/submit(@\w+)?(\s|$)")
    return [
        MessageHandler(private & ATTACHMENTS & captioned, file_with_submit_caption),
    ]
