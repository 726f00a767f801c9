"""Moderators (administrators of the community chat): money by hand, verification, numbers."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bots.telegram.common import Reply, brain, respond, text_after_command
from core import commands as c
from core.actors import Actor
from core.errors import DomainError
from core.language import _
from core.parsing import is_whole_number


async def ban(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Suspend someone: /ban @username [7d] [reason]."""
    typed = text_after_command(update, context).split(maxsplit=2)

    async def act(actor: Actor) -> Reply:
        if not typed:
            raise DomainError(_("Say who, like: /ban @username 7d spamming"))
        duration = typed[1] if len(typed) > 1 and is_whole_number(typed[1][:1]) else ""
        reason = " ".join(typed[2 if duration else 1 :])
        return str(
            await brain(context).handle(
                c.BanMember(
                    actor=actor, platform="telegram", who=typed[0], duration=duration, reason=reason
                )
            )
        )

    await respond(update, context, act, check_moderator=True, private_details=False)


async def unban(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lift a suspension: /unban @username."""
    typed = text_after_command(update, context).strip()

    async def act(actor: Actor) -> Reply:
        if not typed:
            raise DomainError(_("Say who, like: /unban @username"))
        return str(
            await brain(context).handle(c.UnbanMember(actor=actor, platform="telegram", who=typed))
        )

    await respond(update, context, act, check_moderator=True, private_details=False)
