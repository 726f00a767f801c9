"""One answer policy for every front end: what a person is told after asking for something.

A refusal the domain explains (a `DomainError`, a field that doesn't fit) is its one sentence.
Anything unexpected is the same apology on Telegram, Discord and the web, with a short error
id the person can quote; the traceback is logged under that id, never shown.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from core.errors import DomainError, explain_invalid
from core.language import N_, _
from core.notices import Action

log = logging.getLogger("parentbrain.answers")

SORRY = N_(
    "Sorry, something went wrong on our side and nothing was changed. Please try again in a minute."
)

# What a command or a read gives back: a sentence, a sentence with buttons, or nothing to say.
Reply = str | tuple[str, Sequence[Action]] | None


@dataclass(frozen=True)
class Answer:
    text: str
    actions: tuple[Action, ...] = ()
    refused: bool = False  # the domain said no: the text says why and what to do
    error_id: str | None = None  # something unexpected failed; logged under this id
    error: BaseException | None = None  # for the adapter's own count of failures

    @property
    def failed(self) -> bool:
        return self.error_id is not None


def sorry(error_id: str) -> str:
    return _(
        "{sorry} (Error {error_id}, if you tell the moderators.)", sorry=_(SORRY), error_id=error_id
    )


def as_answer(reply: object, *, nothing: str = "") -> Answer:
    """A handler's or a read's reply as an Answer; `nothing` when it had nothing to say."""
    if reply is None:
        return Answer(nothing)
    if isinstance(reply, tuple):
        text, actions = reply
        return Answer(str(text), tuple(actions))
    return Answer(str(reply))


async def answer(
    run: Callable[[], Awaitable[object]], *, nothing: str = "", who: object = None
) -> Answer:
    """Run what a person asked for and put its outcome into words, whatever happens."""
    try:
        reply = await run()
    except Exception as err:
        return explain(err, who=who)
    return as_answer(reply, nothing=nothing)


def explain(error: Exception, *, who: object = None) -> Answer:
    """What to tell a person about a failure already caught: the domain's sentence, or the
    apology with an error id (and the traceback logged under it)."""
    if isinstance(error, DomainError):
        return Answer(error.message, refused=True)
    if isinstance(error, ValidationError):
        return Answer(explain_invalid(error), refused=True)
    error_id = secrets.token_hex(4)
    log.error("request failed (error %s, asked by %s)", error_id, who, exc_info=error)
    return Answer(sorry(error_id), error_id=error_id, error=error)
