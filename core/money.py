"""Money as integer minor units with an ISO currency code; never floats.

Fee rounding rule (the only one): the platform fee is ``budget * fee_bps / 10000`` rounded
half up to a whole minor unit, and the parent receives ``budget - fee``. So a £25.00 item at
15% gives a fee of £3.75 and the parent £21.25; 1p at 15% gives a fee of 0p (0.15 rounds down),
and 10p at 15% gives 2p (1.5 rounds up).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import DomainError
from core.language import _, formatting

# Currencies we show with a symbol; all have two decimal places.
SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}
KNOWN_CURRENCIES = frozenset(SYMBOLS) | {"CHF", "SEK", "NOK", "DKK", "PLN"}


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if self.currency not in KNOWN_CURRENCIES:
            raise DomainError(
                _("Sorry, {currency} isn't a currency we handle yet.", currency=self.currency)
            )

    def __str__(self) -> str:
        sign = "-" if self.minor < 0 else ""
        units, cents = divmod(abs(self.minor), 100)
        symbol = SYMBOLS.get(self.currency)
        amount = f"{units:,}.{cents:02d}"
        english = f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {self.currency}"
        return formatting.money(self.minor, self.currency, english)


def platform_fee(budget_minor: int, fee_bps: int) -> int:
    """The platform's cut, rounded half up to a whole minor unit."""
    if budget_minor < 0 or not 0 <= fee_bps <= 10_000:
        raise ValueError("budget must be non-negative and fee_bps within 0..10000")
    return (budget_minor * fee_bps + 5_000) // 10_000


def parent_share(budget_minor: int, fee_bps: int) -> int:
    return budget_minor - platform_fee(budget_minor, fee_bps)


def payment_reference(work_id: int) -> str:
    """What a business quotes on a bank transfer, so a moderator can match it to the item."""
    return f"PB-{work_id}"
