"""Which payments function handles which command and event."""

from __future__ import annotations

from core.bus import Handler
from core.commands import (
    CheckoutExpired,
    Command,
    ConfirmFunding,
    ConfirmPayout,
    PayeeUpdated,
    ResolveDispute,
    SetUpPayouts,
)
from core.events import DeliveryApproved, Event, WorkCancelled, WorkExpired
from payments.disputes import resolve_dispute
from payments.funding import checkout_expired, confirm_funding, refund_unused
from payments.payouts import confirm_payout, payee_updated, set_up_payouts, settle_approved

COMMAND_HANDLERS: dict[type[Command], Handler] = {
    ConfirmFunding: confirm_funding,
    ConfirmPayout: confirm_payout,
    ResolveDispute: resolve_dispute,
    SetUpPayouts: set_up_payouts,
    PayeeUpdated: payee_updated,
    CheckoutExpired: checkout_expired,
}
EVENT_HANDLERS: dict[type[Event], list[Handler]] = {
    DeliveryApproved: [settle_approved],
    WorkCancelled: [refund_unused],
    WorkExpired: [refund_unused],
}
