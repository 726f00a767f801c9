"""Stripe webhooks: verified, stored by event id, applied once, in whatever order they come.

Stripe delivers at least once, out of order, and retries for days. An event's id is recorded
as applied in the very transaction that applies it, so a crash at any point leaves either
both or neither, and Stripe's next retry finishes the job. A replay of an applied event is
acknowledged and changes nothing, and a failure answers 500 so Stripe tries again later.
Unknown event types are acknowledged and ignored.
"""

from __future__ import annotations

import json
import logging
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from typing import Any

import stripe
from sqlalchemy.exc import IntegrityError

from core.actors import Actor
from core.bus import MessageBus, in_transaction
from core.commands import CheckoutExpired, Command, ConfirmFunding, PayeeUpdated
from core.errors import DomainError, NotFound
from core.language import _
from core.models import WebhookEvent
from core.uow import UnitOfWork, UnitOfWorkFactory
from payments.stripe_gateway import StripeGateway

log = logging.getLogger(__name__)
TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class Answer:
    status: int
    text: str


class AlreadyApplied(Exception):
    """This event id was applied before (or is being applied by another delivery right now)."""


class StripeWebhook:
    def __init__(
        self, bus: MessageBus, uow: UnitOfWorkFactory, gateway: StripeGateway, secret: str
    ) -> None:
        self.bus, self.uow, self.gateway, self.secret = bus, uow, gateway, secret

    async def receive(self, payload: bytes, signature: str | None) -> Answer:
        try:
            event = stripe.Webhook.construct_event(
                payload.decode("utf-8"), signature or "", self.secret, tolerance=TOLERANCE_SECONDS
            )
        except (ValueError, stripe.SignatureVerificationError):
            return Answer(400, "signature or payload not valid")
        answer = await self._receive(event, json.loads(payload)["data"]["object"])
        log.info("stripe event %s (%s): %s", event.id, event.type, answer.text)
        return answer

    async def _receive(self, event: stripe.Event, obj: dict[str, Any]) -> Answer:
        if await self._applied(event.id):
            return Answer(200, _("already applied"))
        once = partial(self._record, event.id, event.type)
        try:
            command = await self._command(event.type, obj, int(event.created))
            if command is None:
                await in_transaction(self.uow(), once)
            else:
                await self.bus.handle(command, once=once)
        except AlreadyApplied:
            return Answer(200, _("already applied"))
        except DomainError as err:
            # Nothing changed and nothing ever will for this event (e.g. already funded).
            log.info("stripe %s %s needed no change: %s", event.type, event.id, err)
            with suppress(AlreadyApplied):
                await in_transaction(self.uow(), once)
        except Exception:
            log.exception("stripe event %s (%s) failed; Stripe will retry", event.id, event.type)
            return Answer(500, "not applied; try again")
        return Answer(200, "applied")

    async def _applied(self, event_id: str) -> bool:
        async with self.uow() as uow:
            seen = await uow.session.get(WebhookEvent, event_id)
            return seen is not None and seen.applied_at is not None

    async def _record(self, event_id: str, kind: str, uow: UnitOfWork) -> None:
        """Mark the event applied, inside the transaction that applies it.

        On PostgreSQL a second delivery racing this one waits on the primary key until the
        first commits (then it is already applied) or rolls back (then it applies it itself).
        A row left unapplied by an older build that died half-way is taken up here.
        """
        seen = await uow.session.get(WebhookEvent, event_id, with_for_update=True)
        if seen is not None:
            if seen.applied_at is not None:
                raise AlreadyApplied(event_id)
            seen.applied_at = uow.now()
            return
        uow.session.add(
            WebhookEvent(id=event_id, type=kind, received_at=uow.now(), applied_at=uow.now())
        )
        try:
            await uow.session.flush()
        except IntegrityError as err:
            raise AlreadyApplied(event_id) from err

    async def _command(self, kind: str, obj: dict[str, Any], created: int) -> Command | None:
        """What the event asks of us, or None when it needs nothing (an unknown type)."""
        if kind == "checkout.session.completed" and obj.get("payment_status") == "paid":
            work_id = _work_id(obj)
            intent = obj.get("payment_intent") or ""
            charge = await self.gateway.charge_of(intent) if intent else None
            return ConfirmFunding(
                actor=Actor.system(), work_id=work_id, reference=intent, charge=charge or ""
            )
        if kind == "checkout.session.expired":
            return CheckoutExpired(work_id=_work_id(obj))
        if kind == "account.updated":
            ready = bool(obj.get("payouts_enabled")) and bool(obj.get("details_submitted"))
            return PayeeUpdated(account_ref=obj["id"], ready=ready, at=created)
        return None


def _work_id(obj: dict[str, Any]) -> int:
    try:
        return int(obj["metadata"]["work_id"])
    except (KeyError, TypeError, ValueError) as err:
        raise NotFound("The event names no work item of ours.") from err
