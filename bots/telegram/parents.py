"""Parents' commands: availability, profile, offers, jobs, earnings, delivery and linking."""

from __future__ import annotations

from typing import TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bots.telegram.catalogue import TELEGRAM_ONLY
from bots.telegram.common import (
    Reply,
    brain,
    in_group,
    number,
    respond,
    send,
    text_after_command,
)
from core import commands as c
from core import views
from core.actors import Actor
from core.catalogue import unknown_command as unknown_command_text
from core.errors import DomainError
from core.language import _
from core.parsing import parse_whole_number, split_available

T = TypeVar("T")


async def available(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start getting offers: /available [2h | until 15:00 | tonight] [for proofreading]."""
    window, skills = split_available(text_after_command(update, context))

    async def act(actor: Actor) -> Reply:
        reply: str = await brain(context).handle(
            c.GoAvailable(actor=actor, window=window, skills=skills)
        )
        return reply

    await respond(update, context, act)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command nobody here knows: in a DM always, in a group only when addressed to us."""
    message = update.effective_message
    if message is None or not message.text:
        return
    typed = message.text.split(maxsplit=1)[0]
    if in_group(update) and not typed.lower().endswith(f"@{context.bot.username}".lower()):
        return  # probably another bot's command
    await send(context, message.chat_id, unknown_command_text(typed, TELEGRAM_ONLY))


PROFILE_FIELDS = {
    "rate": "rate_floor",
    "timezone": "timezone",
    "tz": "timezone",
    "quiet": "quiet_hours",
    "bio": "bio",
    "prefer": "preferred",
}


async def profile(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """See or change your profile: /profile skills|rate|timezone|quiet|jobs|bio|prefer <value>."""
    typed = text_after_command(update, context).strip()
    field, _sep, value = typed.partition(" ")
    field = field.lower()

    async def act(actor: Actor) -> Reply:
        handle = brain(context).handle
        if not field:
            currency = brain(context).settings.currency
            async with brain(context).uow() as uow:
                return await views.profile(uow, actor, currency)
        if not value.strip():
            raise DomainError(
                _(
                    "Please add a value, like: /profile {field} …  (see /profile for examples)",
                    field=field,
                )
            )
        if field == "skills":
            return str(await handle(c.SetSkills(actor=actor, skills=value)))
        if field == "jobs":
            jobs = parse_whole_number(
                value, 1, 5, _("Say how many jobs at once, from 1 to 5, like: /profile jobs 2")
            )
            return str(await handle(c.UpdateProfile(actor=actor, max_jobs=jobs)))
        if field not in PROFILE_FIELDS:
            raise DomainError(
                _(
                    "You can change skills, rate, timezone, quiet, jobs, bio or prefer; see /profile."
                )
            )
        return str(await handle(c.UpdateProfile(actor=actor, **{PROFILE_FIELDS[field]: value})))

    await respond(update, context, act)


async def submit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deliver work: /submit <item#> <your work, or a link>."""
    typed = text_after_command(update, context)

    async def act(actor: Actor) -> Reply:
        work_id = number(typed, "item", "/submit 12 https://docs.example/my-work")
        body = typed.strip().lstrip("#").split(maxsplit=1)
        if len(body) < 2:
            raise DomainError(
                _(
                    "Add your work after the number, like: /submit {work_id} https://link-to-it",
                    work_id=work_id,
                )
            )
        return str(
            await brain(context).handle(
                c.SubmitDelivery(actor=actor, work_id=work_id, body=body[1])
            )
        )

    await respond(update, context, act)
