"""/setup and /settings for a group's administrators, and members leaving a group."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import ContextTypes

from bots.telegram.common import (
    JOINED_FROM,
    Reply,
    actor_of,
    brain,
    chat_status,
    forget_status,
    in_group,
    respond,
    send,
    text_after_command,
)
from bots.telegram.dialogs import moderator_chats
from core import commands as c
from core import communities
from core.actors import Actor
from core.errors import DomainError
from core.language import _

GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)


async def setup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/setup in a group: make it a community; /setup moderators <community#> in another."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if not in_group(update):
        await send(
            context,
            chat.id,
            _(
                "Add me to your community's group, then type /setup there (group administrators only)."
            ),
        )
        return
    words = text_after_command(update, context).split()
    if words and words[0].lower() in ("moderators", "help"):
        await _name_chat(update, context, words)
        return

    async def act(actor: Actor) -> Reply:
        status = await chat_status(context, chat.id, user.id)
        return str(
            await brain(context).handle(
                c.SetUpCommunity(
                    actor=actor,
                    platform="telegram",
                    chat=chat.id,
                    title=(chat.title or "Our community")[:120],
                    platform_says_admin=status is not None and status[1],
                )
            )
        )

    await respond(update, context, act, private_details=False)


async def _name_chat(update: Update, context: ContextTypes.DEFAULT_TYPE, words: list[str]) -> None:
    """This chat becomes a community's moderators' (or help) chat, if the caller administers
    the community's own group."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    purpose = words[0].lower()

    async def act(actor: Actor) -> Reply:
        number = words[1].lstrip("#") if len(words) > 1 else ""
        if not number.isdigit() or not number.isascii():
            raise DomainError(
                _(
                    "Say which community, for example: /setup {purpose} 1 (its number is in the reply to /setup in its group).",
                    purpose=purpose,
                )
            )
        async with brain(context).uow() as uow:
            found = await communities.find_by_id(uow, int(number))
        if found is None or found.telegram_chat_id is None:
            raise DomainError(_("There is no community #{number} on Telegram.", number=number))
        status = await chat_status(context, found.telegram_chat_id, user.id)
        said = str(
            await brain(context).handle(
                c.SetCommunityChat(
                    actor=actor,
                    purpose=purpose,
                    platform="telegram",
                    chat=chat.id,
                    community_id=found.id,
                    platform_says_admin=status is not None and status[1],
                )
            )
        )
        if purpose == "moderators":  # their answers to the buttons' questions are read here
            moderator_chats(context).add_chat_ids(chat.id)
        return said

    await respond(update, context, act, private_details=False)


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/settings [name value]: see or change the community's settings (its moderators)."""
    name, _, value = text_after_command(update, context).partition(" ")

    async def act(actor: Actor) -> Reply:
        return str(
            await brain(context).handle(
                c.ChangeCommunitySetting(actor=actor, name=name.strip(), value=value.strip())
            )
        )

    await respond(update, context, act, check_moderator=True, private_details=False)


async def join_link(update: Update, context: ContextTypes.DEFAULT_TYPE, community_id: int) -> None:
    """/start j<community#>: the person came from that community's group."""
    if context.user_data is not None:
        context.user_data[JOINED_FROM] = community_id
    await actor_of(update, context)


async def member_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Someone left or was removed from a community's group: their offers there stop."""
    change = update.chat_member
    if change is None:
        return
    chat, person = change.chat, change.new_chat_member
    forget_status(context, chat.id, person.user.id)
    still_in = person.status not in GONE and getattr(person, "is_member", True)
    if still_in:
        return
    async with brain(context).uow() as uow:
        found = await communities.find_by_chat(uow, "telegram", chat.id)
    if found is None or found.telegram_chat_id != chat.id:
        return
    await brain(context).handle(
        c.LeaveCommunity(
            platform="telegram", external_id=str(person.user.id), community_id=found.id
        )
    )
