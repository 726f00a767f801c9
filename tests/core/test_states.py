"""Every move the tables don't allow is refused with a sentence a person can read."""

from __future__ import annotations

from itertools import pairwise

import pytest

from core.errors import StaleAction
from core.states import (
    OFFER_TRANSITIONS,
    WORK_TRANSITIONS,
    OfferStatus,
    WorkStatus,
    check_offer_move,
    check_work_move,
)

ILLEGAL_WORK = [(a, b) for a in WorkStatus for b in WorkStatus if b not in WORK_TRANSITIONS[a]]
ILLEGAL_OFFER = [(a, b) for a in OfferStatus for b in OfferStatus if b not in OFFER_TRANSITIONS[a]]


def test_every_state_has_a_row() -> None:
    assert set(WORK_TRANSITIONS) == set(WorkStatus)
    assert set(OFFER_TRANSITIONS) == set(OfferStatus)


def test_the_happy_path_is_allowed() -> None:
    path = [
        "draft",
        "awaiting_payment",
        "open",
        "offered",
        "assigned",
        "submitted",
        "approved",
        "paid",
    ]
    for here, there in pairwise(path):
        check_work_move(WorkStatus(here), WorkStatus(there), "Flyer")


@pytest.mark.parametrize(("current", "target"), ILLEGAL_WORK)
def test_illegal_work_moves_explain_themselves(current: WorkStatus, target: WorkStatus) -> None:
    with pytest.raises(StaleAction) as err:
        check_work_move(current, target, "Flyer")
    sentence = str(err.value)
    assert sentence.startswith('"Flyer" ') and sentence.endswith(" now.")
    assert "_" not in sentence  # no enum names leak to people


@pytest.mark.parametrize(("current", "target"), ILLEGAL_OFFER)
def test_illegal_offer_moves_explain_themselves(current: OfferStatus, target: OfferStatus) -> None:
    with pytest.raises(StaleAction) as err:
        check_offer_move(current, target)
    assert str(err.value).endswith(".") and "offer" in str(err.value).lower()
