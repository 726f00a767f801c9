"""What every Telegram handler needs: the brain, who is acting, and how to answer them.

Commands in the community group answer briefly there and send the details by DM. Someone
who never started the bot can't be sent a DM, so they get a t.me deep link instead; pressing
Start there runs the command they typed.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import secrets
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from cachetools import TTLCache
from telegram import ChatMemberRestricted, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ChatMemberStatus
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes
from telegram.helpers import create_deep_linked_url

from bots.app import ParentBrain
from bots.telegram.render import keyboard, split_text
from core import communities
from core.actors import Actor
from core.answers import Answer, Reply, answer, sorry
from core.commands import RegisterAccount
from core.communities import CommunityRef
from core.language import _, speak
from core.notices import Action
from core.parsing import parse_number

log = logging.getLogger(__name__)

BRAIN = "parentbrain"
GROUP_REPLIES = "group replies on their way"
ADMIN_CACHE_SECONDS = 300
Act = Callable[[Actor], Awaitable[Reply]]


def brain(context: ContextTypes.DEFAULT_TYPE) -> ParentBrain:
    found: ParentBrain = context.application.bot_data[BRAIN]
    return found


MEMBER_STATUSES = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
ADMIN_STATUSES = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
JOINED_FROM = "community"  # user_data: the community a /start j<id> link came from


async def chat_status(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int
) -> tuple[bool, bool] | None:
    """(member, administrator) of a group, asked of Telegram and cached briefly; None when
    Telegram couldn't say (the bot isn't in the group, or Telegram is unreachable)."""
    cache: TTLCache[tuple[int, int], tuple[bool, bool]] = context.application.bot_data.setdefault(
        "chat statuses", TTLCache(maxsize=100_000, ttl=ADMIN_CACHE_SECONDS)
    )
    hit = cache.get((chat_id, user_id))
    if hit is not None:
        return hit
    try:
        found = await context.bot.get_chat_member(chat_id, user_id)
    except BadRequest as err:
        if "not found" not in err.message.lower() or "chat not found" in err.message.lower():
            return None
        answer = (False, False)  # Telegram doesn't know them in that group
    except TelegramError:
        return None
    else:
        member = found.status in MEMBER_STATUSES or (
            isinstance(found, ChatMemberRestricted) and found.is_member
        )
        answer = (member, found.status in ADMIN_STATUSES)
    cache[(chat_id, user_id)] = answer
    return answer


def forget_status(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> None:
    cache = context.application.bot_data.get("chat statuses")
    if cache is not None:
        cache.pop((chat_id, user_id), None)


async def community_here(update: Update, context: ContextTypes.DEFAULT_TYPE) -> CommunityRef | None:
    """The community of the chat typed in: its group or its moderators' chat; in a DM, the
    one a /start link came from, or the deployment's only one."""
    chat = update.effective_chat
    async with brain(context).uow() as uow:
        if chat is not None and chat.type != "private":
            found = await communities.find_by_chat(uow, "telegram", chat.id)
            if found is not None and context.user_data is not None:
                # Their DMs act in the community they last acted in (say, /post from it).
                context.user_data[JOINED_FROM] = found.id
            return found
        joined = context.user_data.get(JOINED_FROM) if context.user_data is not None else None
        if isinstance(joined, int):
            found = await communities.find_by_id(uow, joined)
            if found is not None:
                return found
        return await communities.sole_community(uow, "telegram")


async def actor_of(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, check_moderator: bool = False
) -> Actor:
    """Who is acting, where: membership and moderator status are Telegram's answers about
    the community's group, never anything in the message."""
    user = update.effective_user
    assert user is not None
    community = await community_here(update, context)
    actor = await _registered(update, context, community, check_moderator)
    if community is None and check_moderator and actor.community_id is not None:
        # A DM in a deployment of many groups: their one community is the place to ask.
        async with brain(context).uow() as uow:
            community = await communities.find_by_id(uow, actor.community_id)
        actor = await _registered(update, context, community, check_moderator)
    return actor


async def _registered(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    community: CommunityRef | None,
    check_moderator: bool,
) -> Actor:
    user = update.effective_user
    assert user is not None
    status = None
    if community is not None and community.telegram_chat_id is not None:
        status = await chat_status(context, community.telegram_chat_id, user.id)
    actor: Actor = await brain(context).handle(
        RegisterAccount(
            platform="telegram",
            external_id=str(user.id),
            display_name=user.full_name[:100] or "Telegram user",  # a stored name, not words
            handle=user.username,
            platform_says_moderator=check_moderator and status is not None and status[1],
            dm_open=True if not in_group(update) else None,
            community_id=community.id if community is not None else None,
            platform_says_member=status[0] if status is not None else None,
            platform_language=user.language_code,
        )
    )
    speak(actor.language)  # from now on, what they chose over what their app says
    return actor


def in_group(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type != "private"


def deep_payload(text: str) -> str | None:
    """A /start payload carrying the typed command (Telegram allows 64 of [A-Za-z0-9_-])."""
    encoded = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    return f"c{encoded}" if len(encoded) < 64 else None


def read_payload(payload: str) -> str | None:
    if not payload.startswith("c"):
        return None
    body = payload[1:]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


async def send(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, actions: Sequence[Action] = ()
) -> None:
    """Answer in a chat. In a group the answer may wait on Telegram's 20 a minute: it goes out
    on its own, so the person's next command (and everyone else's) doesn't wait behind it."""

    async def pieces_in_order() -> None:
        pieces = split_text(text)
        for n, piece in enumerate(pieces):
            markup = keyboard(actions) if n == len(pieces) - 1 else None
            await context.bot.send_message(chat_id=chat_id, text=piece, reply_markup=markup)

    if chat_id < 0:
        in_background(context, pieces_in_order())
    else:
        await pieces_in_order()


def in_background(context: ContextTypes.DEFAULT_TYPE, sending: Coroutine[Any, Any, Any]) -> None:
    """Send without holding the handler; kept so shutdown (and tests) can wait for it."""
    pending: set[asyncio.Task[Any]] = context.application.bot_data.setdefault(GROUP_REPLIES, set())
    task = asyncio.create_task(sending)
    pending.add(task)
    task.add_done_callback(_sent_or_logged)
    task.add_done_callback(pending.discard)


def _sent_or_logged(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("a reply in a group could not be sent: %s", task.exception())


def cannot_message_yet(link: str) -> str:
    """For the web: offers go to a Telegram chat the person hasn't opened with the bot."""
    return _(
        "I can't message you on Telegram yet, so offers can't reach you. Open {link} and press Start, then say you're available again.",
        link=link,
    )


async def respond(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    act: Act,
    *,
    check_moderator: bool = False,
    private_details: bool = True,
) -> None:
    """Run `act` for the person who typed, and answer where they can read it."""
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    assert user is not None and chat is not None and message is not None
    to_dm = in_group(update) and private_details
    if to_dm:
        try:
            await context.bot.send_chat_action(chat_id=user.id, action=ChatAction.TYPING)
        except Forbidden:
            await actor_of(update, context)  # they belong here, whatever they typed
            payload = deep_payload(message.text or "")
            link = create_deep_linked_url(context.bot.username, payload or "hello")
            await message.reply_text(
                _(
                    "{first_name}, I can't message you yet. Open {link} and press Start; "
                    "I'll finish that for you there.",
                    first_name=user.first_name,
                    link=link,
                )
                if payload
                else _(
                    "{first_name}, I can't message you yet. Open {link} and press Start, "
                    "then type it again there.",
                    first_name=user.first_name,
                    link=link,
                )
            )
            return

    async def as_them() -> Reply:
        actor = await actor_of(update, context, check_moderator=check_moderator)
        if in_group(update) and not to_dm:  # read by everyone there: the community's language
            community = await community_here(update, context)
            speak(community.language if community is not None else actor.language)
        return await act(actor)

    answered = await answer(as_them, who=f"telegram user {user.id}")
    counted(context, answered)
    if not answered.text:
        return
    text, actions = answered.text, answered.actions
    if to_dm:
        await send(context, user.id, text, actions)
        in_background(
            context,
            message.reply_text(
                _(
                    "{first_name}: done, I've sent you the details by DM.",
                    first_name=user.first_name,
                )
            ),
        )
    else:
        await send(context, chat.id, text, actions)


async def show(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Put `text` in place of the message whose button was pressed; if that message is gone
    (deleted, or too old to edit), say it in a new one, so what happened is never lost."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as err:
        if "not modified" in err.message.lower():
            return
        await context.bot.send_message(chat_id=chat.id, text=text, reply_markup=markup)


REPLAY = "replay"


def text_after_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Everything typed after the /command, with line breaks kept.

    When /start replays a command typed in the group (a deep link), the replayed text wins.
    """
    replayed = context.user_data.pop(REPLAY, None) if context.user_data is not None else None
    text = (
        replayed
        if replayed is not None
        else ((update.effective_message.text or "") if update.effective_message else "")
    )
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


number = parse_number  # one reading of '#12' for both platforms


def counted(context: ContextTypes.DEFAULT_TYPE, answered: Answer) -> None:
    """Keep the latest unexpected failures where tests and triage can see them."""
    if answered.error is not None:
        errors: deque[Any] = context.application.bot_data.setdefault("errors", deque(maxlen=20))
        errors.append(answered.error)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What no handler answered: logged under an error id, and the person told the apology
    with that id, as every front end says it."""
    user_id = (
        update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    )
    error_id = secrets.token_hex(4)
    log.error(
        "telegram update failed (error %s, user %s)", error_id, user_id, exc_info=context.error
    )
    errors: deque[Any] = context.application.bot_data.setdefault("errors", deque(maxlen=20))
    errors.append(context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(chat_id=update.effective_chat.id, text=sorry(error_id))
        except Exception:  # the platform itself may be what failed
            log.warning("could not tell user %s about the error", user_id)
