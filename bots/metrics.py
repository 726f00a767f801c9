"""/metrics with prometheus_client: what the core reports (commands, events, notices), what the
adapters see (429s, webhooks), the community's numbers read at each scrape, and the process's
own (memory, file descriptors, CPU).

Each running app has its own registry, so two apps in one process (tests, benchmarks) never
count into each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from sqlalchemy import func, select

from core.events import FirstOfferMade
from core.models import OutboxNotice
from core.stats import by_community, community_stats

if TYPE_CHECKING:
    from core.uow import UnitOfWorkFactory

CONTENT_TYPE = CONTENT_TYPE_LATEST
FAST = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SLOW = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)


class PrometheusMeter:
    """The core's Meter (core/ports.py), kept as Prometheus metrics."""

    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        self.commands = Counter(
            "parentbrain_commands",
            "Commands typed and buttons pressed, handled, by platform, command and outcome "
            "(done, refused with a sentence, or failed).",
            ["platform", "command", "outcome"],
            registry=r,
        )
        self.command_seconds = Histogram(
            "parentbrain_command_seconds",
            "How long handling a command took, by platform.",
            ["platform"],
            buckets=FAST,
            registry=r,
        )
        self.notices = Counter(
            "parentbrain_notices",
            "Notices the outbox tried to deliver, by platform and outcome.",
            ["platform", "outcome"],
            registry=r,
        )
        self.notice_age = Histogram(
            "parentbrain_notice_queue_seconds",
            "From a notice being queued to its delivery, by platform.",
            ["platform"],
            buckets=(*FAST, 30.0, 60.0, 300.0),
            registry=r,
        )
        self.first_offer = Histogram(
            "parentbrain_funded_to_first_offer_seconds",
            "From an item being paid for to its first offer.",
            buckets=SLOW,
            registry=r,
        )
        self.rate_limited = Counter(
            "parentbrain_rate_limited",
            "429 answers from a platform (each waited out, or handed back to the outbox).",
            ["platform"],
            registry=r,
        )
        self.webhooks = Counter(
            "parentbrain_webhooks",
            "Payment webhooks received, by the HTTP status answered.",
            ["status"],
            registry=r,
        )
        self.retries = Counter(
            "parentbrain_database_retries",
            "Units of work tried again after the database connection was lost (a failover).",
            registry=r,
        )
        self.connections = Counter(
            "parentbrain_database_connections",
            "Connections opened to the database. Beyond the pool's first few, each is a "
            "reconnect: after a failover, a restarted server, or a connection found dead.",
            registry=r,
        )
        self._gauges = _Gauges(r)

    # The core's Meter ------------------------------------------------------------------

    def command(self, name: str, platform: str, outcome: str, seconds: float) -> None:
        self.commands.labels(platform, name, outcome).inc()
        self.command_seconds.labels(platform).observe(seconds)

    def retried(self) -> None:
        self.retries.inc()

    def connected(self) -> None:
        self.connections.inc()

    def database_counts(self) -> dict[str, int]:
        """For /readyz: connections opened and units of work retried, since the start."""
        return {
            "connections_opened": int(self.connections._value.get()),
            "retried": int(self.retries._value.get()),
        }

    def event(self, event: object) -> None:
        if isinstance(event, FirstOfferMade):
            self.first_offer.observe(event.seconds_since_funding)

    def notice(self, platform: str, outcome: str, waited_seconds: float | None) -> None:
        self.notices.labels(platform, outcome).inc()
        if waited_seconds is not None:
            self.notice_age.labels(platform).observe(waited_seconds)

    # What the adapters see ---------------------------------------------------------------

    def saw_rate_limit(self, platform: str) -> None:
        self.rate_limited.labels(platform).inc()

    def saw_webhook(self, status: int) -> None:
        self.webhooks.labels(str(status)).inc()

    async def render(self, uow: UnitOfWorkFactory) -> bytes:
        """Read the community's numbers from the store, then everything in text format."""
        await self._gauges.refresh(uow)
        return generate_latest(self.registry)


class _Gauges:
    """The numbers moderators see in /stats, and the outbox, as gauges set at each scrape."""

    def __init__(self, r: CollectorRegistry) -> None:
        def gauge(name: str, text: str, labels: tuple[str, ...] = ()) -> Gauge:
            return Gauge(name, text, list(labels), registry=r)

        self.members = gauge("parentbrain_members", "Members, in every community.")
        self.available = gauge("parentbrain_members_available", "Members available now.")
        self.items = gauge("parentbrain_work_items", "Work items by status.", ("status",))
        self.offers = gauge("parentbrain_offers", "Offers by status.", ("status",))
        self.disputes = gauge("parentbrain_disputes_open", "Disputes waiting for moderators.")
        self.earned = gauge(
            "parentbrain_earned_this_month_minor",
            "Owed or paid to parents this month, in minor units, by currency.",
            ("currency",),
        )
        self.oldest = gauge(
            "parentbrain_oldest_open_item_hours", "The paid item waiting longest for a parent."
        )
        self.to_accept = gauge(
            "parentbrain_median_minutes_to_accept", "Median minutes from payment to acceptance."
        )
        self.completion = gauge(
            "parentbrain_completion_ratio", "Of paid items that ended: the share finished."
        )
        self.community_members = gauge(
            "parentbrain_community_members", "Members taking part, by community.", ("community",)
        )
        self.community_items = gauge(
            "parentbrain_community_work_items",
            "Work items by community and status.",
            ("community", "status"),
        )
        self.outbox = gauge("parentbrain_outbox_notices", "Notices by status.", ("status",))

    async def refresh(self, uow: UnitOfWorkFactory) -> None:
        async with uow() as unit:
            n = await community_stats(unit)
            members, items = await by_community(unit)
            outbox = (
                await unit.session.execute(
                    select(OutboxNotice.status, func.count()).group_by(OutboxNotice.status)
                )
            ).all()
        self.members.set(n.members)
        self.available.set(n.available_now)
        self.disputes.set(n.disputes_open)
        for gauge, values in (
            (self.items, n.items_by_status),
            (self.offers, n.offers_by_status),
            (self.earned, n.earned_this_month),
            (self.outbox, dict(outbox)),
        ):
            gauge.clear()  # a status that emptied must not linger
            for label, value in values.items():
                gauge.labels(str(label)).set(value)
        optional: list[tuple[Gauge, float | None]] = [
            (self.oldest, n.oldest_open_hours),
            (self.to_accept, n.minutes_to_accept),
            (self.completion, n.completion_rate),
        ]
        for gauge, reading in optional:
            gauge.set(reading if reading is not None else float("nan"))
        self.community_members.clear()
        for community_id, count in members:
            self.community_members.labels(str(community_id)).set(count)
        self.community_items.clear()
        for community_id, status, count in items:
            self.community_items.labels(str(community_id), str(status)).set(count)
