"""Platform-neutral outgoing messages; adapters render actions as buttons."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from core.files import FileRef

MAX_TOKEN_LENGTH = 64
# Telegram's callback_data limit (above); Discord's custom_id allows 100.
MODERATORS = 0  # Notice.to for the moderators' channel; member ids start at 1
HELP = -1  # Notice.to for the community's help channel


class Action(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str = Field(max_length=40)
    token: str = Field(max_length=MAX_TOKEN_LENGTH)


class Notice(BaseModel):
    """What one member should read, with buttons; `replaces` names a message to edit instead."""

    model_config = ConfigDict(frozen=True)

    to: int  # a member id, or MODERATORS for the moderators' channel on each platform
    community_id: int | None = None  # whose moderators' or help channel, for MODERATORS or HELP
    text: str
    actions: list[Action] = Field(default_factory=list)
    files: list[FileRef] = Field(default_factory=list)  # sent after the text, in order
    ref: str | None = None
    replaces: str | None = None
