"""Platform-neutral outgoing messages; adapters render actions as buttons."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MAX_TOKEN_LENGTH = 64
MODERATORS = 0  # Notice.to for the moderators' channel; member ids start at 1  # Telegram callback_data limit; Discord custom_id allows 100


class Action(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str = Field(max_length=40)
    token: str = Field(max_length=MAX_TOKEN_LENGTH)


class Notice(BaseModel):
    """What one member should read, with buttons; `replaces` names a message to edit instead."""

    model_config = ConfigDict(frozen=True)

    to: int  # a member id, or MODERATORS for the moderators' channel on each platform
    text: str
    actions: list[Action] = Field(default_factory=list)
    ref: str | None = None
    replaces: str | None = None
