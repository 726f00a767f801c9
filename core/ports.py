"""The ports the core talks through; adapters, gateways and routers implement them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from core.notices import Notice

if TYPE_CHECKING:
    from datetime import datetime

    from core.models import WorkItem
    from core.uow import UnitOfWork


class RecipientUnreachable(Exception):
    """The platform will not deliver to this member (blocked the bot, closed DMs)."""


class RetryLater(Exception):
    """The platform asked us to slow down; try again after `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Messenger(Protocol):
    """Delivers notices on one platform. Returns the platform's id of the message sent."""

    platform: str

    async def deliver(self, address: str, notice: Notice, edit: str | None) -> str: ...

    # Optional: `def spacing(self, address: str) -> float`, the seconds the outbox leaves
    # between two notices to one chat (the platform's per-chat limit); none if absent. And
    # `def ready_in(self, address: str) -> float`, how long until that chat is free now.


@dataclass(frozen=True)
class CheckoutRequest:
    work_id: int
    title: str
    amount_minor: int
    currency: str
    business_id: int
    project_id: int | None = None  # a milestone's: its money is grouped by project
    attempt: int = 0  # a later link for the same item (a milestone's first one expired)


@dataclass(frozen=True)
class TransferRequest:
    payout_id: int
    work_id: int
    member_id: int
    amount_minor: int
    currency: str
    destination: str | None = None  # the parent's payee account, if they have one ready
    source: str | None = None  # the business's payment this money came from
    project_id: int | None = None


@dataclass(frozen=True)
class RefundRequest:
    work_id: int
    amount_minor: int
    currency: str
    charge: str | None = None


@dataclass(frozen=True)
class PayeeAccountLink:
    account_ref: str
    url: str


class PaymentGateway(Protocol):
    """Moves real money. Each call must be safe to repeat: keys derive from our own ids."""

    name: str
    confirms_by_hand: bool  # offline: a moderator confirms funding and payouts

    async def create_checkout(self, request: CheckoutRequest) -> str:
        """A link the business opens to pay, or instructions for paying by hand."""
        ...

    async def transfer(self, request: TransferRequest) -> str | None:
        """Pay a parent; returns the gateway's reference, or None if it waits (for a person,
        or for the parent to finish setting up their payee account)."""
        ...

    async def onboard_payee(
        self, member_id: int, account_ref: str | None
    ) -> PayeeAccountLink | None:
        """A link where the parent sets up how they are paid; None when payouts are by hand."""
        ...

    async def refund(self, request: RefundRequest) -> str | None: ...


@dataclass(frozen=True)
class Candidate:
    """Someone to offer the item to, and why, written when asked: in the language of the
    parent it is written for (core/language)."""

    member_id: int
    explain: Callable[[], str]
    # The router's belief of the chance they take an offer made now before it times out, if it
    # has one; the cascade asks a second parent when it is low (core/spares.py).
    takes_it: float | None = None

    @property
    def why(self) -> str:
        return self.explain()


class Router(Protocol):
    """Chooses who to offer an item to next."""

    async def candidates(
        self, uow: UnitOfWork, work: WorkItem, now: datetime, limit: int
    ) -> list[Candidate]: ...

    async def waiting_for(
        self, uow: UnitOfWork, member_id: int, now: datetime, limit: int
    ) -> list[int]:
        """Up to `limit` open items that may fit this newly free parent, most urgent first."""
        ...


class Meter(Protocol):
    """What the core tells the operator's metrics: commands handled, events that happened and
    notices delivered. The adapters' implementation (bots/metrics.py) turns it into Prometheus;
    the core only reports, so it stays free of any metrics library."""

    def command(self, name: str, platform: str, outcome: str, seconds: float) -> None: ...

    def event(self, event: object) -> None: ...

    def notice(self, platform: str, outcome: str, waited_seconds: float | None) -> None: ...

    def retried(self) -> None:
        """A unit of work tried again after its database connection was lost."""


class NoMeter:
    """Counts nothing: for tests, the demo and tools that have no /metrics."""

    def command(self, name: str, platform: str, outcome: str, seconds: float) -> None:
        return None

    def event(self, event: object) -> None:
        return None

    def notice(self, platform: str, outcome: str, waited_seconds: float | None) -> None:
        return None

    def retried(self) -> None:
        return None
