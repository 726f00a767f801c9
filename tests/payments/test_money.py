"""The one fee rounding rule, and money that never loses a penny."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError
from core.money import Money, parent_share, platform_fee


@pytest.mark.parametrize(
    ("budget", "bps", "fee"),
    [
        (2500, 1500, 375),
        (1, 1500, 0),
        (10, 1500, 2),
        (3, 5000, 2),
        (12000, 1500, 1800),
        (999, 0, 0),
    ],
)
def test_fee_rounds_half_up(budget: int, bps: int, fee: int) -> None:
    assert platform_fee(budget, bps) == fee
    assert parent_share(budget, bps) == budget - fee


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10_000))
def test_fee_and_share_add_up_to_the_budget(budget: int, bps: int) -> None:
    fee = platform_fee(budget, bps)
    assert 0 <= fee <= budget
    assert fee + parent_share(budget, bps) == budget
    assert abs(fee * 10_000 - budget * bps) <= 5_000  # never more than half a penny off


def test_money_shows_like_a_price() -> None:
    assert str(Money(2125, "GBP")) == "£21.25"
    assert str(Money(120000, "EUR")) == "€1,200.00"
    assert str(Money(705, "CHF")) == "7.05 CHF"
    with pytest.raises(DomainError):
        Money(100, "XYZ")
