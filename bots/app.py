"""The composition root: the one place that picks concrete adapters and wires them to the bus."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

import migrations
from bots.file_store import choose_file_store
from bots.metrics import PrometheusMeter
from bots.moodle import MoodleSites
from core.bus import Handler, MessageBus
from core.clock import Clock, SystemClock
from core.commands import Command, MoveOffersOn
from core.communities import adopt_configured_community
from core.config import Settings
from core.db import create_schema, ensure_seed_skills, make_engine, make_sessionmaker
from core.doorbell import Doorbell
from core.events import Event
from core.files import FileStore, NoFileStore
from core.handlers import COMMAND_HANDLERS, EVENT_HANDLERS
from core.language import set_deployment_default
from core.lms.connecting import adopt_configured_site
from core.lms.site import LearningSites, NoLearningSites
from core.lms.syncing import SyncReport, sync_learning_sites
from core.outbox import OutboxDispatcher
from core.ports import Messenger, PaymentGateway, Router
from core.sweeps import SweepReport, sweep
from core.uow import Turns, UnitOfWorkFactory, uow_factory
from payments import handlers as money
from payments.funding import chase_overdue_payments
from payments.offline import OfflineGateway
from payments.recovery import finish_money
from routing.simple import SimpleRouter

if TYPE_CHECKING:
    from payments.webhooks import StripeWebhook


log = logging.getLogger(__name__)


class ConfigurationError(Exception):
    """The settings ask for something this build can't do; the message says what to change."""


def choose_gateway(settings: Settings) -> PaymentGateway:
    """Stripe when a key is set (it then needs the webhook secret); otherwise offline."""
    if settings.stripe_api_key is None:
        return OfflineGateway(settings.pay_into())
    if settings.stripe_webhook_secret is None:
        raise ConfigurationError(
            "PARENTBRAIN_STRIPE_API_KEY is set but PARENTBRAIN_STRIPE_WEBHOOK_SECRET is not; "
            "without it payments can't be confirmed. Set it from Stripe's webhook settings."
        )
    from payments.stripe_gateway import StripeGateway, make_client

    client = make_client(settings.stripe_api_key.get_secret_value(), settings.stripe_api_url)
    back = settings.stripe_return_url or f"http://{settings.http_host}:{settings.http_port}"
    return StripeGateway(client, back)


def choose_router(settings: Settings) -> Router:
    if settings.router == "learning":
        from routing.learning import LearningRouter

        return LearningRouter(widen_after=settings.widen_after_rounds)
    return SimpleRouter(widen_after=settings.widen_after_rounds)


def merged_event_handlers(
    *maps: Mapping[type[Event], Sequence[Handler]],
) -> dict[type[Event], list[Handler]]:
    merged: dict[type[Event], list[Handler]] = {}
    for handler_map in maps:
        for event_type, handlers in handler_map.items():
            merged.setdefault(event_type, []).extend(handlers)
    return merged


@dataclass
class ParentBrain:
    """Everything a process needs, wired."""

    settings: Settings
    engine: AsyncEngine
    uow: UnitOfWorkFactory
    bus: MessageBus
    clock: Clock
    gateway: PaymentGateway
    outbox: OutboxDispatcher
    messengers: dict[str, Messenger] = field(default_factory=dict)
    meter: PrometheusMeter = field(default_factory=PrometheusMeter)
    files: FileStore = field(default_factory=NoFileStore)
    lms: LearningSites = field(default_factory=NoLearningSites)

    async def sync_learning(self, *, everything: bool = False) -> SyncReport:
        """Completions from each community's learning site that is due a read."""
        return await sync_learning_sites(
            self.uow, self.lms, self.settings, self.files, everything=everything
        )

    def stripe_webhook(self) -> StripeWebhook | None:
        """The webhook receiver, when Stripe is the gateway."""
        from payments.stripe_gateway import StripeGateway
        from payments.webhooks import StripeWebhook

        secret = self.settings.stripe_webhook_secret
        if not isinstance(self.gateway, StripeGateway) or secret is None:
            return None
        return StripeWebhook(self.bus, self.uow, self.gateway, secret.get_secret_value())

    async def handle(self, command: Command) -> Any:
        return await self.bus.handle(command)

    async def sweep(self) -> SweepReport:
        report = await sweep(self.bus, self.uow, timedelta(days=self.settings.rating_window_days))
        report.money_finished = (await finish_money(self.bus, self.uow, self.gateway.name)).total
        from core import requests
        from core.family.notes import send_week_notes  # core.handlers first, which it needs

        async with self.uow() as unit:
            report.week_notes = await send_week_notes(unit, self.settings)
            await requests.forget_old(unit)
            await unit.commit()
        if self.gateway.confirms_by_hand:
            async with self.uow() as unit:
                overdue = timedelta(hours=self.settings.payment_overdue_hours)
                report.payments_chased = await chase_overdue_payments(unit, overdue)
                await unit.commit()
        if (
            report.offers_expired
            or report.spares_asked
            or report.items_routed
            or report.auto_approved
        ):
            log.info(
                "sweep: %s offers timed out, %s spare parents asked, %s items routed, "
                "%s approved by themselves, %s money movements finished",
                report.offers_expired,
                report.spares_asked,
                report.items_routed,
                report.auto_approved,
                report.money_finished,
            )
        return report

    async def close(self) -> None:
        closing = getattr(self.lms, "close", None)
        if closing is not None:
            await closing()
        await self.engine.dispose()


async def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    gateway: PaymentGateway | None = None,
    router: Router | None = None,
    messengers: Mapping[str, Messenger] | None = None,
    engine: AsyncEngine | None = None,
    schema: str = "migrate",  # "migrate" (Alembic), "create" (tests), or "none"
    files: FileStore | None = None,
    lms: LearningSites | None = None,
) -> ParentBrain:
    clock = clock or SystemClock()
    set_deployment_default(settings.default_language)  # whoever and wherever nobody said
    files = files or choose_file_store(settings)
    lms = lms or MoodleSites(settings.lms_timeout_seconds)
    gateway = gateway or choose_gateway(settings)
    engine = engine or make_engine(settings.database_url)
    if schema == "migrate":
        await migrations.upgrade(engine)
    elif schema == "create":
        await create_schema(engine)
    sessions = make_sessionmaker(engine)
    await ensure_seed_skills(sessions)
    doorbell = Doorbell()
    uow = uow_factory(
        sessions,
        clock,
        settings.platforms_configured,
        doorbell,
        Turns() if engine.dialect.name == "sqlite" else None,
    )
    meter = PrometheusMeter()
    # Every connection opened is counted: beyond the pool's first few, each is a reconnect.
    event.listen(engine.sync_engine, "connect", lambda *_: meter.connected())
    bus = MessageBus(
        uow,
        command_handlers={**COMMAND_HANDLERS, **money.COMMAND_HANDLERS},
        event_handlers=merged_event_handlers(EVENT_HANDLERS, money.EVENT_HANDLERS),
        dependencies={
            "settings": settings,
            "gateway": gateway,
            "router": router or choose_router(settings),
            "clock": clock,
            "files": files,
            "lms": lms,
        },
        meter=meter,
    )
    async with uow() as work:
        community_id = await adopt_configured_community(work, settings)
        await adopt_configured_site(work, settings, community_id)
        await work.commit()
    messengers = dict(messengers or {})
    return ParentBrain(
        settings=settings,
        engine=engine,
        uow=uow,
        bus=bus,
        clock=clock,
        gateway=gateway,
        outbox=OutboxDispatcher(
            uow,
            messengers,
            doorbell=doorbell,
            on_unreachable=lambda member_id: bus.handle(MoveOffersOn(member_id=member_id)),
            meter=meter,
        ),
        messengers=messengers,
        meter=meter,
        files=files,
        lms=lms,
    )
