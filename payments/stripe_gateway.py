"""Stripe, with separate charges and transfers.

The business pays through a Checkout Session whose metadata names the work item; the parent
onboards to a Connect Express account; on approval a Transfer pays the parent's share from
that very charge (source_transaction), grouped by item (transfer_group). The platform keeps
the rest. Every call carries an idempotency key made from our own ids, so a retry after a
crash returns the same object instead of moving money twice.
"""

from __future__ import annotations

import time

import stripe

from core.language import _
from core.ports import CheckoutRequest, PayeeAccountLink, RefundRequest, TransferRequest

CHECKOUT_LIFETIME_SECONDS = 24 * 3600


def transfer_group(work_id: int, project_id: int | None = None) -> str:
    """A project's milestones share one group, so its charges and transfers read together."""
    return f"project-{project_id}" if project_id is not None else f"work-{work_id}"


class StripeGateway:
    name = "stripe"
    confirms_by_hand = False

    def __init__(self, client: stripe.StripeClient, return_url: str) -> None:
        self.client = client
        self.return_url = return_url.rstrip("/")

    async def create_checkout(self, request: CheckoutRequest) -> str:
        session = await self.client.v1.checkout.sessions.create_async(
            {
                "mode": "payment",
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": request.currency.lower(),
                            "unit_amount": request.amount_minor,
                            "product_data": {"name": request.title[:120]},
                        },
                    }
                ],
                "metadata": {"work_id": str(request.work_id)},
                "payment_intent_data": {
                    "transfer_group": transfer_group(request.work_id, request.project_id),
                    "metadata": {"work_id": str(request.work_id)},
                },
                "expires_at": int(time.time()) + CHECKOUT_LIFETIME_SECONDS,
                "success_url": f"{self.return_url}/stripe/done?paid=1",
                "cancel_url": f"{self.return_url}/stripe/done?paid=0",
            },
            {
                "idempotency_key": f"checkout-work-{request.work_id}"
                + (f"-{request.attempt}" if request.attempt else "")
            },
        )
        return _("pay here: {url}", url=session.url)

    async def charge_of(self, payment_intent: str) -> str | None:
        """The charge behind a payment, which transfers name as their source."""
        intent = await self.client.v1.payment_intents.retrieve_async(payment_intent)
        latest = intent.latest_charge
        return latest if isinstance(latest, str) or latest is None else latest.id

    async def transfer(self, request: TransferRequest) -> str | None:
        if request.destination is None:
            return None  # held until the parent finishes onboarding
        params: dict[str, object] = {
            "amount": request.amount_minor,
            "currency": request.currency.lower(),
            "destination": request.destination,
            "transfer_group": transfer_group(request.work_id, request.project_id),
            "metadata": {"work_id": str(request.work_id), "payout_id": str(request.payout_id)},
        }
        if request.source:
            params["source_transaction"] = request.source
        made = await self.client.v1.transfers.create_async(
            params,  # type: ignore[arg-type]
            # Keyed by the item, which has one payout: a payout row rolled back after Stripe
            # answered (a crash) comes back under a new id, and must not pay twice.
            {"idempotency_key": f"transfer-work-{request.work_id}"},
        )
        return str(made.id)

    async def refund(self, request: RefundRequest) -> str | None:
        if request.charge is None:
            return None
        made = await self.client.v1.refunds.create_async(
            {
                "charge": request.charge,
                "amount": request.amount_minor,
                "metadata": {"work_id": str(request.work_id)},
            },
            {"idempotency_key": f"refund-work-{request.work_id}"},
        )
        return str(made.id)

    async def onboard_payee(
        self, member_id: int, account_ref: str | None
    ) -> PayeeAccountLink | None:
        if account_ref is None:
            account = await self.client.v1.accounts.create_async(
                {
                    "type": "express",
                    "metadata": {"member_id": str(member_id)},
                    "capabilities": {"transfers": {"requested": True}},
                },
                {"idempotency_key": f"account-member-{member_id}"},
            )
            account_ref = str(account.id)
        link = await self.client.v1.account_links.create_async(
            {
                "account": account_ref,
                "type": "account_onboarding",
                "refresh_url": f"{self.return_url}/stripe/done?onboarding=again",
                "return_url": f"{self.return_url}/stripe/done?onboarding=done",
            }
        )
        return PayeeAccountLink(account_ref=account_ref, url=str(link.url))


def make_client(api_key: str, api_url: str | None) -> stripe.StripeClient:
    kwargs: dict[str, object] = {"http_client": stripe.HTTPXClient(), "max_network_retries": 2}
    if api_url:
        kwargs["base_addresses"] = {"api": api_url.rstrip("/")}
    return stripe.StripeClient(api_key, **kwargs)  # type: ignore[arg-type]
