"""Moderators (administrators of the community chat): money by hand, verification, numbers."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update
from telegram.ext import ContextTypes

from bots.telegram.common import Reply, brain, number, respond, text_after_command
from core import commands as c
from core import views
from core.actors import Actor
from core.audit import audit_view
from core.errors import DomainError
from core.owed import money_owed
from core.parsing import is_whole_number


def _reference(typed: str) -> str:
    parts = typed.strip().split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


async def _confirm_by_hand(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    make: Callable[[Actor, int, str], c.Command],
    what: str,
    example: str,
) -> None:
    """A moderator says money moved by hand: /<command> <number> [bank reference]."""
    typed = text_after_command(update, context)

    async def act(actor: Actor) -> Reply:
        said = number(typed, what, example)
        return str(await brain(context).handle(make(actor, said, _reference(typed))))

    await respond(update, context, act, check_moderator=True, private_details=False)


async def funded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A business's payment arrived: /funded <item#> [bank reference]."""
    await _confirm_by_hand(
        update,
        context,
        lambda actor, n, ref: c.ConfirmFunding(actor=actor, work_id=n, reference=ref),
        "item",
        "/funded 12 bank ref 0302",
    )


async def paid(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A parent was paid by hand: /paid <payout#> [bank reference]."""
    await _confirm_by_hand(
        update,
        context,
        lambda actor, n, ref: c.ConfirmPayout(actor=actor, payout_id=n, reference=ref),
        "payout",
        "/paid 3 transfer 0302-1",
    )


async def refunded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A business's refund was sent by hand: /refunded <item#> [bank reference]."""
    await _confirm_by_hand(
        update,
        context,
        lambda actor, n, ref: c.ConfirmRefund(actor=actor, work_id=n, reference=ref),
        "item",
        "/refunded 12 transfer 0302-7",
    )


async def owed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What is owed to parents and back to businesses."""

    async def act(actor: Actor) -> Reply:
        async with brain(context).uow() as uow:
            return await money_owed(uow, actor)

    await respond(update, context, act, check_moderator=True, private_details=False)


async def verify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Verify a business: /verify <business#>."""
    typed = text_after_command(update, context)

    async def act(actor: Actor) -> Reply:
        business_id = number(typed, "business", "/verify 4")
        return str(
            await brain(context).handle(c.VerifyBusiness(actor=actor, business_id=business_id))
        )

    await respond(update, context, act, check_moderator=True, private_details=False)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How the community is doing."""

    async def act(actor: Actor) -> Reply:
        async with brain(context).uow() as uow:
            return await views.stats(uow, actor)

    await respond(update, context, act, check_moderator=True, private_details=False)


async def disputes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Open disputes, with what was delivered."""

    async def act(actor: Actor) -> Reply:
        async with brain(context).uow() as uow:
            return await views.disputes(uow, actor)

    await respond(update, context, act, check_moderator=True, private_details=False)


async def resolve(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Decide a dispute: /resolve <item#> pay | refund | split £10."""
    typed = text_after_command(update, context).split()

    async def act(actor: Actor) -> Reply:
        work_id = number(" ".join(typed), "item", "/resolve 12 split £10")
        outcome = typed[1] if len(typed) > 1 else ""
        amount = typed[2] if len(typed) > 2 else ""
        return str(
            await brain(context).handle(
                c.ResolveDispute(
                    actor=actor, work_id=work_id, outcome=outcome, parent_amount=amount
                )
            )
        )

    await respond(update, context, act, check_moderator=True, private_details=False)


async def ban(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Suspend someone: /ban @username [7d] [reason]."""
    typed = text_after_command(update, context).split(maxsplit=2)

    async def act(actor: Actor) -> Reply:
        if not typed:
            raise DomainError("Say who, like: /ban @username 7d spamming")
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
            raise DomainError("Say who, like: /unban @username")
        return str(
            await brain(context).handle(c.UnbanMember(actor=actor, platform="telegram", who=typed))
        )

    await respond(update, context, act, check_moderator=True, private_details=False)


async def audit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The latest moderator actions, reports and money movements."""

    async def act(actor: Actor) -> Reply:
        async with brain(context).uow() as uow:
            return await audit_view(uow, actor)

    await respond(update, context, act, check_moderator=True, private_details=False)
