"""Parents' commands: availability, profile, offers, jobs, earnings, delivery and linking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bots.telegram.common import (
    KNOWN_COMMANDS,
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
from core.errors import DomainError
from core.handlers.common import catalogue
from core.parsing import parse_whole_number, split_available
from core.uow import UnitOfWork

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


async def unavailable(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop getting offers."""

    async def act(actor: Actor) -> Reply:
        reply: str = await brain(context).handle(c.GoUnavailable(actor=actor))
        return reply

    await respond(update, context, act)


async def schedule(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Regular hours: /schedule weekdays 20:00-22:00, /schedule clear, or /schedule to see them."""
    spec = text_after_command(update, context).strip()

    async def act(actor: Actor) -> Reply:
        if not spec:
            return await _in_uow(context, lambda uow: views.status(uow, actor))
        if spec.lower() == "clear":
            return str(await brain(context).handle(c.ClearSchedule(actor=actor)))
        return str(await brain(context).handle(c.AddWeeklyWindow(actor=actor, spec=spec)))

    await respond(update, context, act)


async def _in_uow(
    context: ContextTypes.DEFAULT_TYPE, view: Callable[[UnitOfWork], Awaitable[T]]
) -> T:
    async with brain(context).uow() as uow:
        return await view(uow)


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Whether you're available, your jobs and your offers."""
    await respond(
        update, context, lambda actor: _in_uow(context, lambda uow: views.status(uow, actor))
    )


async def offers(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offers waiting for your answer, with buttons."""
    await respond(
        update, context, lambda actor: _in_uow(context, lambda uow: views.offers(uow, actor))
    )


async def jobs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Work you have accepted and not yet delivered."""
    await respond(
        update, context, lambda actor: _in_uow(context, lambda uow: views.jobs(uow, actor))
    )


async def earnings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What you've been paid and what is owed to you."""
    await respond(
        update, context, lambda actor: _in_uow(context, lambda uow: views.earnings(uow, actor))
    )


async def why(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Why an offer came to you: /why <offer#>."""
    typed = text_after_command(update, context)

    async def act(actor: Actor) -> Reply:
        offer_id = number(typed, "offer", "/why 12")
        return await _in_uow(context, lambda uow: views.why(uow, actor, offer_id))

    await respond(update, context, act)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Everything you can type here."""

    async def act(actor: Actor) -> Reply:
        return views.help_text(actor)

    await respond(update, context, act, check_moderator=True, private_details=False)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command nobody here knows: in a DM always, in a group only when addressed to us."""
    message = update.effective_message
    if message is None or not message.text:
        return
    typed = message.text.split(maxsplit=1)[0]
    if in_group(update) and not typed.lower().endswith(f"@{context.bot.username}".lower()):
        return  # probably another bot's command
    known = context.application.bot_data.get(KNOWN_COMMANDS, set())
    await send(context, message.chat_id, views.unknown_command(typed, known))


async def skills(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The skills work can ask for."""

    async def act(actor: Actor) -> Reply:
        listing = await _in_uow(context, lambda uow: catalogue(uow))
        return f"Skills: {listing.listing()}.\nAdd yours with /profile skills proofreading:expert, design"

    await respond(update, context, act)


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
    field, _, value = typed.partition(" ")
    field = field.lower()

    async def act(actor: Actor) -> Reply:
        handle = brain(context).handle
        if not field:
            currency = brain(context).settings.currency
            return await _in_uow(context, lambda uow: views.profile(uow, actor, currency))
        if not value.strip():
            raise DomainError(
                f"Please add a value, like: /profile {field} …  (see /profile for examples)"
            )
        if field == "skills":
            return str(await handle(c.SetSkills(actor=actor, skills=value)))
        if field == "jobs":
            jobs = parse_whole_number(
                value, 1, 5, "Say how many jobs at once, from 1 to 5, like: /profile jobs 2"
            )
            return str(await handle(c.UpdateProfile(actor=actor, max_jobs=jobs)))
        if field not in PROFILE_FIELDS:
            raise DomainError(
                "You can change skills, rate, timezone, quiet, jobs, bio or prefer; see /profile."
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
                f"Add your work after the number, like: /submit {work_id} https://link-to-it"
            )
        return str(
            await brain(context).handle(
                c.SubmitDelivery(actor=actor, work_id=work_id, body=body[1])
            )
        )

    await respond(update, context, act)


async def link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Join your Telegram and Discord accounts: /link, or /link <code> from the other app."""
    code = text_after_command(update, context).strip()

    async def act(actor: Actor) -> Reply:
        if code:
            await brain(context).handle(c.CompleteLink(actor=actor, code=code))
            return "Linked! Offers now come to whichever app you used last."
        made = await brain(context).handle(c.StartLink(actor=actor))
        return f"On Discord, type /link {made} within 15 minutes to join your accounts."

    await respond(update, context, act)


async def payouts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Set up how you get paid."""

    async def act(actor: Actor) -> Reply:
        return str(await brain(context).handle(c.SetUpPayouts(actor=actor)))

    await respond(update, context, act)
