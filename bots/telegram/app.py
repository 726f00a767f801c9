"""The Telegram application: handlers registered on python-telegram-bot, and its lifecycle."""

from __future__ import annotations

import asyncio
import hmac

from aiohttp import web
from telegram import Bot, MenuButtonWebApp, Update, WebAppInfo
from telegram.constants import ChatAction
from telegram.error import Forbidden, InvalidToken, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.helpers import create_deep_linked_url

from bots.app import ParentBrain
from bots.telegram import (
    business,
    buttons,
    communities,
    deliveries,
    dialogs,
    language,
    moderation,
    onboarding,
    parents,
    payout_details,
    trust,
)
from bots.telegram.catalogue import (
    Handler,
    carried_out_by_core,
    publish_menus,
    publish_moderator_menus,
)
from bots.telegram.common import (
    ADMIN_STATUSES,
    BRAIN,
    GROUP_REPLIES,
    cannot_message_yet,
    on_error,
)
from bots.telegram.messenger import TelegramMessenger
from bots.telegram.ratelimit import FairRateLimiter
from bots.telegram.updates import PerPersonUpdates
from core import communities as communities_lookup
from core.actors import Role
from core.catalogue import all_commands
from core.config import Settings
from core.person_order import PersonOrder
from core.ports import Messenger

# What Telegram carries out itself, for what core can't do alone: files, a reply to a
# message, a platform user by @name, the chat a command is typed in. Everything else in the
# catalogue is carried out by core (bots/telegram/catalogue.py).
OWN_HANDLERS: dict[str, Handler] = {
    "available": parents.available,
    "profile": parents.profile,
    "submit": parents.submit,
    "report": trust.report,
    "ask": trust.ask,
    "mydata": trust.mydata,
    "ban": moderation.ban,
    "unban": moderation.unban,
    "setup": communities.setup,
    "settings": communities.settings,
}
DIALOGS = {"post", "postproject", "payoutdetails"}  # conversations, registered before the commands


def private_answers() -> set[str]:
    """Commands a /start link may finish in the DM: those whose answers go there."""
    return {e.name for e in all_commands() if e.private_answer and e.role is not Role.MODERATOR}


def command_handlers() -> dict[str, Handler]:
    """A handler for every command in the catalogue but the dialogs."""
    handlers = {}
    for entry in all_commands():
        if entry.name in DIALOGS:
            continue
        own = OWN_HANDLERS.get(entry.name)
        handlers[entry.name] = own if own is not None else carried_out_by_core(entry)
    unknown = set(OWN_HANDLERS) - set(handlers)
    assert not unknown, f"handlers for commands the catalogue doesn't list: {unknown}"
    return handlers


def build_application(
    settings: Settings, brain: ParentBrain, *, base_url: str | None = None, rate_limit: bool = True
) -> Application:
    assert settings.telegram_token is not None, (
        "the Telegram adapter needs PARENTBRAIN_TELEGRAM_TOKEN"
    )
    builder = Application.builder().token(settings.telegram_token.get_secret_value())
    api = base_url or settings.telegram_api_url
    if api:
        builder = builder.base_url(api.rstrip("/") + "/bot").base_file_url(
            api.rstrip("/") + "/file/bot"
        )
    if rate_limit:
        counted = FairRateLimiter(on_rate_limited=lambda: brain.meter.saw_rate_limit("telegram"))
        builder = builder.rate_limiter(counted)  # type: ignore[arg-type]
    across = (
        PersonOrder(settings.database_url)
        if settings.processes > 1 and not settings.database_url.startswith("sqlite")
        else None
    )
    builder = builder.concurrent_updates(PerPersonUpdates(across=across))
    application = builder.build()
    application.bot_data[BRAIN] = brain
    handlers = command_handlers()
    onboarding.REPLAYABLE.update(
        {name: handler for name, handler in handlers.items() if name in private_answers()}
    )

    application.add_handler(language.language_handler(), group=language.FIRST)
    for first_conversation in onboarding.onboarding_handlers():
        application.add_handler(first_conversation)
    for post_handler in business.post_handlers():
        application.add_handler(post_handler)
    for button_handler in buttons.button_handlers():
        application.add_handler(button_handler)
    for payout_handler in payout_details.payout_details_handlers():
        application.add_handler(payout_handler)
    for name, handler in handlers.items():
        application.add_handler(CommandHandler(name, handler))
    application.add_handler(CommandHandler("start", handlers["help"]))  # /start in a group
    for file_handler in deliveries.file_handlers():
        application.add_handler(file_handler)
    moderators = filters.Chat(allow_empty=False)
    if settings.telegram_moderator_chat_id is not None:
        moderators.add_chat_ids(settings.telegram_moderator_chat_id)
    application.bot_data[dialogs.MODERATOR_CHATS] = moderators
    for dialog_handler in dialogs.dialog_handlers(moderators):  # after every command above
        application.add_handler(dialog_handler)
    application.add_handler(MessageHandler(filters.COMMAND, parents.unknown_command))  # last
    application.add_handler(CallbackQueryHandler(buttons.unknown_button))
    application.add_handler(
        ChatMemberHandler(communities.member_changed, ChatMemberHandler.CHAT_MEMBER)
    )
    application.add_error_handler(on_error)
    return application


async def moderates_on_telegram(
    bot: Bot, brain: ParentBrain, external_id: str, community_id: int
) -> bool | None:
    """Whether Telegram says this account administers the community's group; None when
    Telegram can't say (no group, or Telegram unreachable)."""
    async with brain.uow() as uow:
        community = await communities_lookup.find_by_id(uow, community_id)
    if community is None or community.telegram_chat_id is None or not external_id.isdigit():
        return None
    try:
        found = await bot.get_chat_member(community.telegram_chat_id, int(external_id))
    except TelegramError:
        return None
    return found.status in ADMIN_STATUSES


async def unreachable_on_telegram(bot: Bot, external_id: str) -> str | None:
    """A typing action, which Telegram refuses for someone who never pressed Start: if
    refused, the sentence that says how to let the bot message them."""
    if not external_id.isdigit():
        return None
    try:
        await bot.send_chat_action(chat_id=int(external_id), action=ChatAction.TYPING)
    except Forbidden:
        return cannot_message_yet(create_deep_linked_url(bot.username, "hello"))
    except TelegramError:
        return None
    return None


class TelegramAdapter:
    """Runs the application by webhook (when a URL is set) or by long polling."""

    def __init__(
        self, settings: Settings, brain: ParentBrain, *, base_url: str | None = None
    ) -> None:
        self.settings = settings
        self.brain = brain
        self.application = build_application(settings, brain, base_url=base_url)
        updates = self.application.update_processor
        self.messenger: Messenger = TelegramMessenger(
            self.application.bot,
            moderator_chat=settings.telegram_moderator_chat_id,
            help_chat=settings.telegram_help_chat(),
            updates=updates if isinstance(updates, PerPersonUpdates) else None,
            files=brain.files,
        )
        self.webhook_secret = settings.telegram_webhook_secret_value()
        self._moderator_menus: asyncio.Task[None] | None = None

    def routes(self) -> list[web.RouteDef]:
        return (
            [web.post("/telegram/webhook", self._webhook)]
            if self.settings.telegram_webhook_url
            else []
        )

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given, self.webhook_secret):
            return web.Response(status=403)
        update = Update.de_json(await request.json(), self.application.bot)
        await self.application.update_queue.put(update)
        return web.Response()

    def worth_retrying(self, error: Exception) -> bool:
        """Telegram unreachable, or slow: yes. The token rejected (or the API URL wrong, which
        Telegram answers the same way): no."""
        return not isinstance(error, InvalidToken)

    async def moderates(self, external_id: str, community_id: int) -> bool | None:
        """Whether Telegram says this person administers the community's group (for the
        web); None when Telegram can't say."""
        return await moderates_on_telegram(
            self.application.bot, self.brain, external_id, community_id
        )

    async def unreachable_because(self, external_id: str) -> str | None:
        """Whether the bot can message this account; if not, how to let it (for the web)."""
        return await unreachable_on_telegram(self.application.bot, external_id)

    async def start(self) -> None:
        await self.application.initialize()
        async with self.brain.uow() as uow:
            chats = await communities_lookup.moderator_chats(uow)
        if self.settings.telegram_moderator_chat_id is not None:
            chats = sorted({*chats, self.settings.telegram_moderator_chat_id})
        await publish_menus(self.application.bot)
        self._moderator_menus = asyncio.create_task(
            publish_moderator_menus(self.application.bot, chats)
        )
        self.application.bot_data[dialogs.MODERATOR_CHATS].add_chat_ids(chats)
        web = self.settings.web_url
        if web and web.startswith("https://"):  # Telegram opens Mini Apps over HTTPS only
            await self.application.bot.set_chat_menu_button(
                menu_button=MenuButtonWebApp("Open", WebAppInfo(f"{web.rstrip('/')}/app"))
            )
        if self.settings.telegram_webhook_url:
            await self.application.bot.set_webhook(
                self.settings.telegram_webhook_url,
                secret_token=self.webhook_secret,
                allowed_updates=Update.ALL_TYPES,  # chat_member: people leaving the group
            )
        elif self.application.updater is not None:
            await self.application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await self.application.start()

    def connected(self) -> bool:
        return self.application.running

    async def stop(self) -> None:
        if self._moderator_menus is not None:
            self._moderator_menus.cancel()
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        await self.application.stop()
        replies = self.application.bot_data.get(GROUP_REPLIES, set())
        if replies:  # answers in groups still on their way get a few seconds to go out
            await asyncio.wait(list(replies), timeout=5)
        await self.application.shutdown()
