"""The allowed moves of a work item and of an offer, as plain tables."""

from __future__ import annotations

from enum import StrEnum

from core.errors import StaleAction
from core.language import N_, _


class WorkStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_PAYMENT = "awaiting_payment"
    OPEN = "open"
    OFFERED = "offered"
    ASSIGNED = "assigned"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PAID = "paid"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    DISPUTED = "disputed"


class OfferStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    RESCINDED = "rescinded"


W = WorkStatus
WORK_TRANSITIONS: dict[WorkStatus, frozenset[WorkStatus]] = {
    W.DRAFT: frozenset({W.AWAITING_PAYMENT, W.CANCELLED}),
    W.AWAITING_PAYMENT: frozenset({W.OPEN, W.CANCELLED, W.EXPIRED}),
    W.OPEN: frozenset({W.OFFERED, W.CANCELLED, W.EXPIRED}),
    W.OFFERED: frozenset({W.ASSIGNED, W.OPEN, W.CANCELLED, W.EXPIRED}),
    W.ASSIGNED: frozenset({W.SUBMITTED, W.DISPUTED}),
    W.SUBMITTED: frozenset({W.APPROVED, W.ASSIGNED, W.DISPUTED}),
    W.APPROVED: frozenset({W.PAID}),
    W.DISPUTED: frozenset({W.APPROVED, W.CANCELLED}),  # decided for the parent, or refunded
    W.CANCELLED: frozenset({W.REFUNDED}),
    W.EXPIRED: frozenset({W.REFUNDED}),
    W.PAID: frozenset(),
    W.REFUNDED: frozenset(),
}

# Said to the person who tried to move an item out of this state in a way it can't go.
WORK_STATE_SENTENCES: dict[WorkStatus, str] = {
    W.DRAFT: N_("is still a draft"),
    W.AWAITING_PAYMENT: N_("is waiting for payment"),
    W.OPEN: N_("is open and looking for a parent"),
    W.OFFERED: N_("is being offered to parents"),
    W.ASSIGNED: N_("is being worked on"),
    W.SUBMITTED: N_("has been delivered and is waiting for approval"),
    W.APPROVED: N_("has been approved"),
    W.PAID: N_("has been paid"),
    W.CANCELLED: N_("was cancelled"),
    W.EXPIRED: N_("expired without a taker"),
    W.REFUNDED: N_("was refunded"),
    W.DISPUTED: N_("is in dispute with the moderators"),
}

OFFER_TRANSITIONS: dict[OfferStatus, frozenset[OfferStatus]] = {
    OfferStatus.PENDING: frozenset(
        {OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.EXPIRED, OfferStatus.RESCINDED}
    ),
    OfferStatus.ACCEPTED: frozenset(),
    OfferStatus.DECLINED: frozenset(),
    OfferStatus.EXPIRED: frozenset(),
    OfferStatus.RESCINDED: frozenset(),
}

OFFER_STATE_SENTENCES: dict[OfferStatus, str] = {
    OfferStatus.ACCEPTED: N_("This offer was already accepted."),
    OfferStatus.DECLINED: N_("You already declined this offer."),
    OfferStatus.EXPIRED: N_("This offer has expired, so it is no longer open."),
    OfferStatus.RESCINDED: N_(
        "This offer is no longer open: someone else took it or it was withdrawn."
    ),
}


def check_work_move(current: WorkStatus, target: WorkStatus, title: str) -> None:
    if target not in WORK_TRANSITIONS[current]:
        raise StaleAction(
            _(
                '"{title}" {WORK_STATE_SENTENCES}, so it can\'t be {verb} now.',
                title=title,
                WORK_STATE_SENTENCES=_(WORK_STATE_SENTENCES[current]),
                verb=_verb(target),
            )
        )


def check_offer_move(current: OfferStatus, target: OfferStatus) -> None:
    if target not in OFFER_TRANSITIONS[current]:
        raise StaleAction(
            _(OFFER_STATE_SENTENCES.get(current, N_("This offer is no longer open.")))
        )


def _verb(target: WorkStatus) -> str:
    return {
        W.AWAITING_PAYMENT: _("sent for payment"),
        W.OPEN: _("opened to parents"),
        W.OFFERED: _("offered"),
        W.ASSIGNED: _("assigned"),
        W.SUBMITTED: _("delivered"),
        W.APPROVED: _("approved"),
        W.PAID: _("paid out"),
        W.CANCELLED: _("cancelled"),
        W.EXPIRED: _("expired"),
        W.REFUNDED: _("refunded"),
        W.DISPUTED: _("disputed"),
    }.get(target, target.value)


# Where an item is, in a business's words.
STATUS_WORDS: dict[str, str] = {
    WorkStatus.AWAITING_PAYMENT: N_("waiting for payment"),
    WorkStatus.OPEN: N_("looking for a parent"),
    WorkStatus.OFFERED: N_("offered to a parent"),
    WorkStatus.ASSIGNED: N_("being worked on"),
    WorkStatus.SUBMITTED: N_("delivered: waiting for your approval"),
    WorkStatus.APPROVED: N_("approved; parent being paid"),
    WorkStatus.PAID: N_("done and paid"),
    WorkStatus.CANCELLED: "cancelled",
    WorkStatus.EXPIRED: "expired",
    WorkStatus.REFUNDED: "refunded",
    WorkStatus.DISPUTED: N_("in dispute"),
    WorkStatus.DRAFT: "draft",
}
