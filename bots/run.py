"""`parentbrain run`: one asyncio process with the adapters, sweepers, outbox and HTTP server."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from typing import Protocol

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, select, text

from bots.app import ConfigurationError, ParentBrain, bootstrap
from bots.metrics import CONTENT_TYPE
from core.config import Settings
from core.db import listen
from core.doorbell import NOTIFY_CHANNEL
from core.errors import DomainError
from core.models import OutboxNotice
from core.ports import Messenger

log = logging.getLogger(__name__)

SWEEP_SECONDS = 15
OUTBOX_SECONDS = 1

BRAIN = web.AppKey("brain", ParentBrain)
READINESS = web.AppKey("readiness", dict)  # name -> check, for /readyz


class Adapter(Protocol):
    """A chat platform's side of the process."""

    messenger: Messenger

    def routes(self) -> list[web.RouteDef]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def connected(self) -> bool:
        """Whether it is receiving updates from its platform now."""
        ...

    def worth_retrying(self, error: Exception) -> bool:
        """Whether a failed start may succeed later (the platform unreachable), or never
        will (the token rejected)."""
        ...

    async def moderates(self, external_id: str, community_id: int) -> bool | None:
        """Whether the platform says this account moderates the community (for the web);
        None when it can't say."""
        ...

    async def unreachable_because(self, external_id: str) -> str | None:
        """Why the bot can't message this account yet, and what to do (for the web); None
        when it can, or can't tell."""
        ...


def telegram_adapter(settings: Settings, brain: ParentBrain) -> Adapter:
    from bots.telegram.app import TelegramAdapter

    return TelegramAdapter(settings, brain)


# A platform whose token is set but whose adapter is missing here is refused at start.
def discord_adapter(settings: Settings, brain: ParentBrain) -> Adapter:
    from bots.discord.bot import DiscordAdapter

    return DiscordAdapter(settings, brain)


AdapterFactory = Callable[[Settings, ParentBrain], Adapter]
ADAPTERS: dict[str, AdapterFactory] = {"telegram": telegram_adapter, "discord": discord_adapter}


async def healthz(request: web.Request) -> web.Response:
    """Liveness and database reachability."""
    brain: ParentBrain = request.app[BRAIN]
    try:
        async with brain.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:
        return web.json_response({"ok": False, "database": "unreachable"}, status=503)
    return web.json_response({"ok": True, "database": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Readiness: the database, each platform connected, the sweeper alive, notices flowing.
    A 503 names what is wrong."""
    brain: ParentBrain = request.app[BRAIN]
    failing = [name for name, ready in request.app[READINESS].items() if not ready()]
    try:
        async with brain.uow() as uow:
            oldest = await uow.session.scalar(
                select(func.min(OutboxNotice.created_at)).where(
                    OutboxNotice.status == "pending",
                    OutboxNotice.platform.in_(list(brain.messengers)),
                )
            )
            now = uow.now()
    except Exception:
        failing.append("database")
    else:
        limit = brain.settings.ready_notice_age_seconds
        if oldest is not None and (now - oldest).total_seconds() > limit:
            failing.append(f"outbox (a notice has waited {int((now - oldest).total_seconds())} s)")
    database = brain.meter.database_counts()
    if failing:
        return web.json_response(
            {"ready": False, "failing": failing, "database": database}, status=503
        )
    return web.json_response({"ready": True, "database": database})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus' text format: counters and histograms of what happened, the community's
    numbers (as moderators' /stats, and by community), the outbox and the process."""
    brain: ParentBrain = request.app[BRAIN]
    body = await brain.meter.render(brain.uow)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


async def stripe_webhook(request: web.Request) -> web.Response:
    """Stripe's events: verified, stored by id and applied once."""
    receiver = request.app[BRAIN].stripe_webhook()
    if receiver is None:
        return web.Response(status=404, text="Stripe is not configured here.")
    answer = await receiver.receive(await request.read(), request.headers.get("Stripe-Signature"))
    request.app[BRAIN].meter.saw_webhook(answer.status)
    return web.Response(status=answer.status, text=answer.text)


async def stripe_done(request: web.Request) -> web.Response:
    """Where a payment or onboarding page sends people back to."""
    return web.Response(text="Thank you! You can close this page and go back to the chat.")


KB, MB = 1024, 1024 * 1024
# How much of a body each route reads, at most: a delivery's files on the web; what Stripe and
# Telegram send (1 MB is generous for both); a pasted credential; and a form for the rest.
# More is a 413, read no further than the limit (aiohttp stops while reading).
BODY_LIMITS = (
    ("/web/jobs/", 60 * MB),
    ("/stripe/webhook", 1 * MB),
    ("/telegram/webhook", 1 * MB),
    ("/web/credentials/check", 128 * KB),
)
FORM_LIMIT = 256 * KB


@web.middleware
async def body_limit(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    limit = next((n for prefix, n in BODY_LIMITS if request.path.startswith(prefix)), FORM_LIMIT)
    return await handler(request.clone(client_max_size=limit))


def web_app(brain: ParentBrain, adapters: Mapping[str, Adapter] | None = None) -> web.Application:
    app = web.Application(client_max_size=FORM_LIMIT, middlewares=[body_limit])
    app[BRAIN] = brain
    app[READINESS] = {f"{name} connection": a.connected for name, a in (adapters or {}).items()}
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_post("/stripe/webhook", stripe_webhook)
    app.router.add_get("/stripe/done", stripe_done)
    for adapter in (adapters or {}).values():
        app.router.add_routes(adapter.routes())
    if brain.settings.web_url:
        from bots.web.app import build_web_app

        moderates = {platform: a.moderates for platform, a in (adapters or {}).items()}
        reaches = {platform: a.unreachable_because for platform, a in (adapters or {}).items()}
        app.add_subapp("/web", build_web_app(brain, brain.settings, moderates, reaches))
    return app


async def _signing_key_ready(brain: ParentBrain) -> None:
    """The key credentials are signed with, made on first start (core/credentials/keys.py)."""
    from core.credentials.keys import signing_key

    async with brain.uow() as uow:
        await signing_key(uow, brain.settings)
        await uow.commit()


def adapters_for(settings: Settings, brain: ParentBrain) -> dict[str, Adapter]:
    built: dict[str, Adapter] = {}
    for platform in settings.platforms_configured():
        factory = ADAPTERS.get(platform)
        if factory is None:
            raise ConfigurationError(
                f"PARENTBRAIN_{platform.upper()}_TOKEN is set, but the {platform.title()} adapter "
                "isn't part of this build yet; unset the token, or run `parentbrain demo`."
            )
        built[platform] = factory(settings, brain)
    return built


async def _start_with_retries(
    settings: Settings, platform: str, adapter: Adapter, stop: asyncio.Event
) -> bool:
    """Start one adapter, trying again with growing waits while its platform can't be
    reached; one sentence per try for the operator (secrets are blanked out by the log
    formatter). False when it never started, or a stop was asked for meanwhile."""
    wait = settings.startup_backoff_seconds
    for attempt in range(1, settings.startup_attempts + 1):
        try:
            await adapter.start()
            return True
        except Exception as err:
            last = attempt == settings.startup_attempts or not adapter.worth_retrying(err)
            if last:
                log.error("Could not connect to %s, so nothing was started: %s", platform, err)
                return False
            log.warning(
                "Could not reach %s (try %d of %d); trying again in %g s: %s",
                platform,
                attempt,
                settings.startup_attempts,
                wait,
                err,
            )
            with suppress(Exception):
                await adapter.stop()  # a clean slate for the next try
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=wait)
            log.error("Stopped while waiting to reach %s, so nothing was started.", platform)
            return False
        wait = min(wait * 2, 60.0)
    return False


async def serve(
    settings: Settings,
    *,
    messengers: Mapping[str, Messenger] | None = None,
    stop: asyncio.Event | None = None,
) -> int:
    try:
        brain = await bootstrap(settings)
        adapters = {} if messengers is not None else adapters_for(settings, brain)
    except ConfigurationError as err:
        print(err, file=sys.stderr)
        return 2
    if brain.gateway.confirms_by_hand and settings.pay_into() is None:
        log.warning(
            "Offline payments: no bank account is set (PARENTBRAIN_BANK_ACCOUNT_NAME with "
            "_SORT_CODE and _ACCOUNT_NUMBER, or _IBAN), so businesses are told the "
            "moderators will message them where to pay"
        )
    try:
        await _signing_key_ready(brain)
    except DomainError as err:  # a passphrase or key file that doesn't open: say which
        print(err.message, file=sys.stderr)
        await brain.close()
        return 2
    brain.messengers.update(messengers or {p: adapter.messenger for p, adapter in adapters.items()})
    brain.outbox.messengers = dict(brain.messengers)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    scheduler = AsyncIOScheduler(timezone="UTC")
    sweeping = asyncio.Lock()  # held while a sweep runs, so a stop can let it finish

    async def sweep() -> None:
        async with sweeping:
            await brain.sweep()

    scheduler.add_job(
        sweep,
        "interval",
        seconds=SWEEP_SECONDS,
        max_instances=1,
        coalesce=True,
        next_run_time=brain.clock.now(),
    )
    learning = asyncio.Lock()  # one read of the learning sites at a time

    async def sync_learning() -> None:
        async with learning:
            report = await brain.sync_learning()
            if report.completions or report.failed:
                log.info(
                    "learning sites: %s completions recorded, %s sites failed",
                    report.completions,
                    len(report.failed),
                )

    scheduler.add_job(sync_learning, "interval", seconds=60, max_instances=1, coalesce=True)
    served = web_app(brain, adapters)
    served[READINESS]["sweeper"] = lambda: scheduler.running
    runner = web.AppRunner(served)
    await runner.setup()
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    started: list[Adapter] = []
    for platform, adapter in adapters.items():
        if not await _start_with_retries(settings, platform, adapter, stop):
            for opened in [*started, adapter]:
                with suppress(Exception):  # whatever it had opened before failing
                    await opened.stop()
            await runner.cleanup()
            await brain.close()
            return 1
        started.append(adapter)
    scheduler.start()
    listening = None
    if brain.engine.dialect.name == "postgresql":  # a notice queued anywhere wakes us
        listening = await listen(brain.engine, NOTIFY_CHANNEL, brain.outbox.doorbell.ring)
    outbox = asyncio.create_task(brain.outbox.run(stop, poll=OUTBOX_SECONDS), name="outbox")
    # Everything loaded so far lives as long as the process: keeping it out of the
    # collector's view stops full collections from stalling offer rounds.
    gc.collect()
    gc.freeze()
    log.warning(
        "Parent Brain is running on %s (http://%s:%s/healthz)",
        ", ".join(brain.messengers) or "no platforms",
        settings.http_host,
        settings.http_port,
    )
    try:
        await stop.wait()
    finally:
        stop.set()
        scheduler.pause()  # no new sweep; one under way finishes (within the grace)
        with suppress(TimeoutError):
            await asyncio.wait_for(sweeping.acquire(), settings.shutdown_grace_seconds)
        scheduler.shutdown(wait=False)
        # Then the sends in flight (the platforms' clients are still open for them): each
        # lane finishes and records its send and releases its lease, within the grace.
        try:
            await asyncio.wait_for(outbox, settings.shutdown_grace_seconds)
        except TimeoutError:
            log.warning(
                "Sends still in flight after %g s were cut short; their chats may get them "
                "again after the restart.",
                settings.shutdown_grace_seconds,
            )
        for adapter in started:
            await adapter.stop()
        if listening is not None:
            await listening.close()
        await runner.cleanup()
        await brain.close()
    log.warning("Parent Brain stopped cleanly")
    return 0
