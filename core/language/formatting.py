"""Dates, times, durations and money as the reader's language writes them (Babel, CLDR).

English keeps the short forms the product has always used ("Mon 07 Dec 15:00", "£25.00",
"1h30m"), which people type back to the bot; other languages get CLDR's own forms.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from babel.dates import (
    format_date,
    format_datetime,
    format_timedelta,
    get_day_names,
    get_month_names,
)
from babel.numbers import format_currency

from core.language import ENGLISH, current


def local_moment(moment: datetime) -> str:
    """A moment already in the reader's timezone: weekday, day, month and time."""
    if current() == ENGLISH:
        return f"{moment:%a %d %b %H:%M}"
    return format_datetime(moment, "EEE d MMM HH:mm", locale=current(), tzinfo=moment.tzinfo)


def duration(span: timedelta) -> str:
    """A length of time: "1h30m" in English, as typed; "1 h 30 min" in Spanish."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if current() == ENGLISH:
        out = (
            (f"{days}d" if days else "")
            + (f"{hours}h" if hours else "")
            + (f"{mins}m" if mins else "")
        )
        return out or "0m"
    parts = [
        format_timedelta(timedelta(**{unit: amount}), format="short", locale=current())
        for unit, amount in (("days", days), ("hours", hours), ("minutes", mins))
        if amount
    ]
    return " ".join(parts) or format_timedelta(timedelta(0), format="short", locale=current())


def money(minor: int, currency: str, english: str) -> str:
    """An amount as the reader's language writes it; `english` is the product's own form."""
    if current() == ENGLISH:
        return english
    return format_currency(Decimal(minor) / 100, currency, locale=current())


def day_name(day: date, pattern: str = "EEE d MMM") -> str:
    """A day as the reader's language writes it: "Mon 07 Dec" in English, "lun 7 dic"."""
    if current() == ENGLISH:
        return f"{day:%a %d %b}" if pattern == "EEE d MMM" else f"{day:%a}"[:2]
    return format_date(day, pattern, locale=current())


# The product's English date shapes, and how CLDR writes each in other languages.
CLDR_SHAPES = {
    "%d %b %H:%M": "d MMM HH:mm",
    "%d %b %Y": "d MMM y",
    "%B %Y": "MMMM y",
    "%a %d %b %H:%M": "EEE d MMM HH:mm",
    "%d %b": "d MMM",
    "%H:%M": "HH:mm",
}


def dated(moment: datetime | date, shape: str) -> str:
    """A date in one of the product's shapes ("%d %b %H:%M"), in the reader's language."""
    if current() == ENGLISH:
        return moment.strftime(shape)
    if isinstance(moment, datetime):
        return format_datetime(moment, CLDR_SHAPES[shape], locale=current(), tzinfo=moment.tzinfo)
    return format_date(moment, CLDR_SHAPES[shape], locale=current())


def month_name(month: int) -> str:
    """A month's full name (1 is January) as the reader's language writes it."""
    return str(get_month_names("wide", locale=current())[month])


def weekday_names() -> list[str]:
    """Monday to Sunday, abbreviated as the reader's language does ("lun" … "dom")."""
    names = get_day_names("abbreviated", locale=current())
    return [str(names[n]).rstrip(".") for n in range(7)]
