"""Stripe webhooks: verified, stored by event id, applied once, in whatever order they come.

Stripe delivers at least once, out of order, and retries for days. Each event id is claimed
in the store before it is applied and marked applied after; a replay of an applied event is
acknowledged and changes nothing, and a failure answers 500 so Stripe tries again later.
Unknown event types are acknowledged and ignored.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import stripe
from sqlalchemy.exc import IntegrityError

from core.actors import Actor
from core.bus import MessageBus
from core.commands import CheckoutExpired, ConfirmFunding, PayeeUpdated
from core.errors import DomainError
from core.models import WebhookEvent
from core.uow import UnitOfWorkFactory
from payments.stripe_gateway import StripeGateway

log = logging.getLogger(__name__)
TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class Answer:
    status: int
    text: str


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
        if not await self._claim(event.id, event.type):
            return Answer(200, "already applied")
        try:
            await self._apply(event.type, json.loads(payload)["data"]["object"], int(event.created))
        except Exception:
            log.exception("stripe event %s (%s) failed; Stripe will retry", event.id, event.type)
            await self._release(event.id)
            return Answer(500, "not applied; try again")
        await self._mark_applied(event.id)
        return Answer(200, "applied")

    async def _claim(self, event_id: str, kind: str) -> bool:
        async with self.uow() as uow:
            if await uow.session.get(WebhookEvent, event_id) is not None:
                return False  # applied already, or being applied by another delivery right now
            uow.session.add(WebhookEvent(id=event_id, type=kind, received_at=uow.now()))
            try:
                await uow.commit()
            except IntegrityError:
                return False
        return True

    async def _release(self, event_id: str) -> None:
        async with self.uow() as uow:
            seen = await uow.session.get(WebhookEvent, event_id)
            if seen is not None:
                await uow.session.delete(seen)
            await uow.commit()

    async def _mark_applied(self, event_id: str) -> None:
        async with self.uow() as uow:
            seen = await uow.session.get_one(WebhookEvent, event_id)
            seen.applied_at = uow.now()
            await uow.commit()

    async def _apply(self, kind: str, obj: dict[str, Any], created: int) -> None:
        try:
            if kind == "checkout.session.completed" and obj.get("payment_status") == "paid":
                work_id = int(obj["metadata"]["work_id"])
                intent = obj.get("payment_intent") or ""
                charge = await self.gateway.charge_of(intent) if intent else None
                await self.bus.handle(
                    ConfirmFunding(
                        actor=Actor.system(), work_id=work_id, reference=intent, charge=charge or ""
                    )
                )
            elif kind == "checkout.session.expired":
                await self.bus.handle(CheckoutExpired(work_id=int(obj["metadata"]["work_id"])))
            elif kind == "account.updated":
                ready = bool(obj.get("payouts_enabled")) and bool(obj.get("details_submitted"))
                await self.bus.handle(PayeeUpdated(account_ref=obj["id"], ready=ready, at=created))
        except DomainError as err:
            log.info("stripe %s needed no change: %s", kind, err)  # e.g. already funded
