"""Whose language, and how dates, money and lengths of time read in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.language import _, choose, from_accept_language, speaking, supported
from core.language.formatting import dated, local_moment, month_name
from core.money import Money
from core.parsing import (
    describe_days,
    format_duration,
    parse_days,
    parse_deadline,
    parse_window,
    split_available,
)


def test_what_they_chose_comes_first_then_their_app_then_the_community() -> None:
    assert choose(chosen="es", platform="en-GB", community="en") == "es"
    assert choose(chosen=None, platform="es-ES", community="en") == "es"
    assert choose(chosen=None, platform="de", community="es") == "es"  # no German yet
    assert choose(chosen=None, platform=None, community=None) == "en"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("es-ES,es;q=0.9,en;q=0.8", "es"),
        ("en-GB,en;q=0.9,es;q=0.8", "en"),
        ("de-DE,de;q=0.9,es;q=0.5", "es"),
        ("fr;q=0.9, es;q=0", None),
        ("", None),
        ("es;q=abc", None),
    ],
)
def test_a_browsers_accept_language_by_its_weights(header: str, language: str | None) -> None:
    assert from_accept_language(header) == language


def test_platform_codes_are_read_as_the_languages_we_ship() -> None:
    assert supported("es-419") == "es" and supported("ES_es") == "es"
    assert supported("pt-BR") is None and supported("") is None


def test_money_dates_and_lengths_of_time_in_each_language() -> None:
    moment = datetime(2026, 12, 7, 15, 30, tzinfo=UTC)
    assert str(Money(2125, "GBP")) == "£21.25"
    assert local_moment(moment) == "Mon 07 Dec 15:30"
    assert format_duration(timedelta(minutes=90)) == "1h30m"
    with speaking("es"):
        assert str(Money(2125, "EUR")) == "21,25\xa0€"
        assert str(Money(123456, "EUR")) == "1.234,56\xa0€"
        assert local_moment(moment) == "lun 7 dic 15:30"
        assert dated(moment, "%d %b %Y") == "7 dic 2026"
        assert format_duration(timedelta(minutes=90)) == "1 h 30 min"
        assert month_name(3) == "marzo"
        assert _("Accept") == "Aceptar"


def test_a_parent_writing_in_spanish_is_understood() -> None:
    madrid = ZoneInfo("Europe/Madrid")
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # Monday, 10:00 in Madrid
    two_hours = timedelta(hours=2)
    assert parse_window("hasta las 15:00", now, madrid, two_hours).hour == 14  # UTC
    assert parse_window("esta noche", now, madrid, two_hours).astimezone(madrid).hour == 23
    assert parse_days("lunes a viernes") == parse_days("mon-fri")
    assert parse_days("lun, mié y vie") == parse_days("mon, wed, fri")
    assert parse_days("fines de semana") == parse_days("weekends")
    assert parse_deadline("mañana 17:00", now, madrid) == datetime(2026, 12, 8, 16, 0, tzinfo=UTC)
    assert parse_deadline("viernes 15:00", now, madrid).astimezone(madrid).weekday() == 4
    assert split_available("2h para proofreading") == ("2h", "proofreading")


@pytest.mark.parametrize("typed", ["mon-fri", "weekends", "mon, wed, fri", "fri-mon", "daily"])
def test_regular_days_are_said_back_in_the_readers_words_and_read_again(typed: str) -> None:
    days = parse_days(typed)
    with speaking("es"):
        shown = describe_days(days)
    assert parse_days(shown) == days
    assert describe_days(days) != shown  # English says it its own way
