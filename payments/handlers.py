"""Which payments function handles which command and event."""

from __future__ import annotations

from core.bus import Handler
from core.commands import (
    CheckoutExpired,
    Command,
    ConfirmFunding,
    ConfirmPayout,
    ConfirmRefund,
    PayeeUpdated,
    ResolveDispute,
    SetPayoutDetails,
    SetUpPayouts,
)
from core.events import DeliveryApproved, Event, WorkCancelled, WorkExpired
from payments.disputes import resolve_dispute
from payments.funding import checkout_expired, confirm_funding, refund_unused
from payments.payout_details import set_payout_details
from payments.payouts import confirm_payout, payee_updated, set_up_payouts, settle_approved
from payments.refunds import confirm_refund

COMMAND_HANDLERS: dict[type[Command], Handler] = {
    ConfirmFunding: confirm_funding,
    ConfirmPayout: confirm_payout,
    ResolveDispute: resolve_dispute,
    SetUpPayouts: set_up_payouts,
    PayeeUpdated: payee_updated,
    CheckoutExpired: checkout_expired,
    ConfirmRefund: confirm_refund,
    SetPayoutDetails: set_payout_details,
}
EVENT_HANDLERS: dict[type[Event], list[Handler]] = {
    DeliveryApproved: [settle_approved],
    WorkCancelled: [refund_unused],
    WorkExpired: [refund_unused],
}
