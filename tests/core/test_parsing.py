"""What people type is read the same way everywhere, and nonsense gets one clear sentence."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import DomainError
from core.money import Money
from core.parsing import (
    describe_days,
    format_duration,
    format_money_input,
    in_quiet_hours,
    merge_weekly,
    parse_clock_time,
    parse_days,
    parse_deadline,
    parse_duration,
    parse_money,
    parse_number,
    parse_quiet_hours,
    parse_weekly,
    parse_whole_number,
    parse_window,
    window_start,
    without_control_characters,
)
from core.skills import SkillCatalogue

LONDON = ZoneInfo("Europe/London")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SUMMER_9 = datetime(2026, 7, 6, 8, 0, tzinfo=UTC)  # 09:00 in London (BST)


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("2h", 120),
        ("90m", 90),
        ("1h30", 90),
        ("1h 30m", 90),
        ("2 hours", 120),
        ("1.5h", 90),
        ("45 mins", 45),
    ],
)
def test_durations(typed: str, minutes: int) -> None:
    assert parse_duration(typed) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("15:00", time(15)),
        ("3pm", time(15)),
        ("3:30 pm", time(15, 30)),
        ("15.30", time(15, 30)),
        ("noon", time(12)),
        ("12am", time(0)),
        ("12pm", time(12)),
    ],
)
def test_clock_times(typed: str, expected: time) -> None:
    assert parse_clock_time(typed) == expected


def test_a_bare_hour_asks_am_or_pm() -> None:
    with pytest.raises(DomainError, match="am or pm"):
        parse_clock_time("3")


@pytest.mark.parametrize(
    ("typed", "until"),
    [
        ("", datetime(2026, 3, 2, 11, 0, tzinfo=UTC)),
        ("2h", datetime(2026, 3, 2, 11, 0, tzinfo=UTC)),
        ("until 15:00", datetime(2026, 3, 2, 15, 0, tzinfo=UTC)),
        ("until 3pm", datetime(2026, 3, 2, 15, 0, tzinfo=UTC)),
        ("tonight", datetime(2026, 3, 2, 23, 0, tzinfo=UTC)),
        ("until 8:00", datetime(2026, 3, 3, 8, 0, tzinfo=UTC)),  # already past today: tomorrow
    ],
)
def test_availability_windows(typed: str, until: datetime) -> None:
    assert parse_window(typed, MONDAY_9, LONDON, timedelta(hours=2)) == until


def test_windows_read_the_members_own_clock_in_summer_time() -> None:
    # 15:00 in London in July is 14:00 UTC.
    assert parse_window("until 15:00", SUMMER_9, LONDON, timedelta(hours=2)) == datetime(
        2026, 7, 6, 14, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("30h", "more than a day"),
        ("soon", "Try /available 2h"),
        ("until 25:00", "isn't a time of day"),
        ("0m", "zero"),
    ],
)
def test_bad_windows_say_what_to_type(typed: str, says: str) -> None:
    with pytest.raises(DomainError, match=says):
        parse_window(typed, MONDAY_9, LONDON, timedelta(hours=2))


def test_tonight_after_eleven_suggests_a_duration() -> None:
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    with pytest.raises(DomainError, match="already late"):
        parse_window("tonight", late, LONDON, timedelta(hours=2))


@pytest.mark.parametrize(
    ("typed", "minor", "currency"),
    [
        ("£25", 2500, "GBP"),
        ("25 GBP", 2500, "GBP"),
        ("25.50", 2550, "GBP"),
        ("€1,200", 120000, "EUR"),
        ("$3.05", 305, "USD"),
        ("gbp 7", 700, "GBP"),
        (".5", 50, "GBP"),
    ],
)
def test_money(typed: str, minor: int, currency: str) -> None:
    assert parse_money(typed, "GBP") == Money(minor, currency)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("£-5", "couldn't read"),
        ("£0", "more than zero"),
        ("25.555", "two decimal places"),
        ("25 XYZ", "isn't a currency"),
        ("1,00", "commas"),
        ("twenty", "couldn't read"),
    ],
)
def test_bad_money(typed: str, says: str) -> None:
    with pytest.raises(DomainError, match=says):
        parse_money(typed, "GBP")


def test_weekly_windows() -> None:
    window = parse_weekly("weekdays 20:00-22:00")
    assert window.describe() == "weekdays 20:00-22:00"
    assert window.covers(datetime(2026, 3, 2, 21, 0))  # Monday
    assert not window.covers(datetime(2026, 3, 7, 21, 0))  # Saturday
    assert parse_weekly("mon, wed 9am-11:30").describe() == "mon,wed 09:00-11:30"
    with pytest.raises(DomainError, match="end after it starts"):
        parse_weekly("daily 22:00-02:00")
    with pytest.raises(DomainError, match="isn't a day"):
        parse_weekly("funday 10:00-11:00")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("mon-fri 20:00-22:00", "weekdays 20:00-22:00"),
        ("monday to friday 8pm-10pm", "weekdays 20:00-22:00"),
        ("wednesday-friday 9:00-11:00", "wed-fri 09:00-11:00"),
        ("fri-mon 10:00-12:00", "fri-mon 10:00-12:00"),  # across the week's end
        ("mon, wed and fri 9:00-10:00", "mon,wed,fri 09:00-10:00"),
        ("Tuesdays 9:00-10:00", "tue 09:00-10:00"),
        ("weekend 10:00-12:00", "weekends 10:00-12:00"),
        ("sat,sun,mon,wed 9:00-10:00", "wed,sat-mon 09:00-10:00"),
    ],
)
def test_regular_hours_read_as_people_write_them(typed: str, stored: str) -> None:
    assert parse_weekly(typed).describe() == stored


@pytest.mark.parametrize("typed", ["monkey 9:00-10:00", "mon-xyz 9:00-10:00", "moon 9:00-10:00"])
def test_anything_that_is_not_a_day_is_refused_with_an_example(typed: str) -> None:
    with pytest.raises(DomainError, match="isn't a day; try mon-fri"):
        parse_weekly(typed)


@given(st.integers(min_value=1, max_value=127))
def test_every_set_of_days_reads_back_as_itself(days: int) -> None:
    assert parse_days(describe_days(days)) == days


def test_overlapping_hours_are_joined_day_by_day() -> None:
    kept = merge_weekly([parse_weekly("mon-fri 20:00-22:00"), parse_weekly("wed 21:00-23:00")])
    assert [w.describe() for w in kept] == ["mon,tue,thu,fri 20:00-22:00", "wed 20:00-23:00"]
    touching = merge_weekly([parse_weekly("sat 9:00-10:00"), parse_weekly("sat 10:00-11:00")])
    assert [w.describe() for w in touching] == ["sat 09:00-11:00"]


def test_tonight_typed_in_the_morning_starts_in_the_evening() -> None:
    evening = time(19, 0)
    assert window_start("tonight", MONDAY_9, LONDON, evening) == datetime(
        2026, 3, 2, 19, 0, tzinfo=UTC
    )
    assert window_start("2h", MONDAY_9, LONDON, evening) == MONDAY_9
    later = datetime(2026, 3, 2, 20, 30, tzinfo=UTC)
    assert window_start("tonight", later, LONDON, evening) == later


def test_quiet_hours_cross_midnight() -> None:
    quiet = parse_quiet_hours("22:00-07:00")
    assert in_quiet_hours(quiet, time(23)) and in_quiet_hours(quiet, time(6, 59))
    assert not in_quiet_hours(quiet, time(7)) and not in_quiet_hours(quiet, time(21, 59))
    assert parse_quiet_hours("none") is None


@pytest.mark.parametrize(
    ("typed", "due"),
    [
        ("next friday", datetime(2026, 3, 6, 17, 0, tzinfo=UTC)),  # a date alone: 17:00
        ("in 2 days", datetime(2026, 3, 4, 9, 0, tzinfo=UTC)),
        ("5 March", datetime(2026, 3, 5, 17, 0, tzinfo=UTC)),
        ("march 5th at noon", datetime(2026, 3, 5, 12, 0, tzinfo=UTC)),
        ("tomorrow 5pm", datetime(2026, 3, 3, 17, 0, tzinfo=UTC)),
        ("friday at 3pm", datetime(2026, 3, 6, 15, 0, tzinfo=UTC)),
        ("20/3", datetime(2026, 3, 20, 17, 0, tzinfo=UTC)),  # only one way to read it
    ],
)
def test_deadlines_in_plain_words(typed: str, due: datetime) -> None:
    assert parse_deadline(typed, MONDAY_9, LONDON) == due


def test_a_date_that_reads_two_ways_or_is_past_is_asked_again() -> None:
    with pytest.raises(DomainError, match="could be 5 March or 3 May"):
        parse_deadline("5/3", MONDAY_9, LONDON)
    with pytest.raises(DomainError, match="already passed"):
        parse_deadline("yesterday", MONDAY_9, LONDON)
    with pytest.raises(DomainError, match='try "tomorrow 17:00"'):
        parse_deadline("whenever", MONDAY_9, LONDON)
    with pytest.raises(DomainError, match='try "tomorrow 17:00"'):
        parse_deadline("0/1", MONDAY_9, LONDON)  # no month 0: not a date, not a crash


def test_deadlines() -> None:
    assert parse_deadline("tomorrow", MONDAY_9, LONDON) == datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    assert parse_deadline("48h", MONDAY_9, LONDON) == MONDAY_9 + timedelta(hours=48)
    assert parse_deadline("friday 12:00", MONDAY_9, LONDON) == datetime(
        2026, 3, 6, 12, 0, tzinfo=UTC
    )
    assert parse_deadline("monday", MONDAY_9, LONDON) == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    with pytest.raises(DomainError, match="already passed"):
        parse_deadline("today 08:00", MONDAY_9, LONDON)
    with pytest.raises(DomainError, match="isn't a real date"):
        parse_deadline("2026-02-30", MONDAY_9, LONDON)


def test_skills_with_aliases_levels_and_suggestions() -> None:
    skills = SkillCatalogue.seed()
    assert skills.resolve("Proof-reading") == "proofreading"
    assert skills.resolve("bookkeeping") == "accountancy"
    assert skills.resolve_levelled("proofreading:expert, design") == {
        "proofreading": 3,
        "design": 2,
    }
    assert skills.resolve_many("sales calls and emails") == ["sales_calls", "emails"]
    with pytest.raises(DomainError, match='Did you mean "design"'):
        skills.resolve("desing")
    with pytest.raises(DomainError, match="/skills"):
        skills.resolve("astrophysics")
    with pytest.raises(DomainError, match="beginner, intermediate or expert"):
        skills.resolve_levelled("design:wizard")


# Properties: whatever is typed, the parser answers with a value or a DomainError, never a crash.

typed_text = st.text(max_size=40)
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)


@given(typed_text)
def test_duration_never_crashes(typed: str) -> None:
    try:
        assert parse_duration(typed) > timedelta(0)
    except DomainError:
        pass


@given(typed_text, moments)
def test_window_never_crashes_and_ends_in_the_future(typed: str, now: datetime) -> None:
    try:
        until = parse_window(typed, now, LONDON, timedelta(hours=2))
    except DomainError:
        return
    assert now < until <= now + timedelta(hours=25)


@given(typed_text)
def test_money_never_crashes(typed: str) -> None:
    try:
        assert parse_money(typed, "GBP").minor > 0
    except DomainError:
        pass


@given(typed_text, moments)
def test_deadline_never_crashes(typed: str, now: datetime) -> None:
    try:
        assert parse_deadline(typed, now, LONDON) > now
    except DomainError:
        pass


@given(typed_text)
def test_other_readers_never_crash(typed: str) -> None:
    for reader in (
        parse_clock_time,
        parse_weekly,
        parse_quiet_hours,
        SkillCatalogue.seed().resolve_levelled,
    ):
        try:
            reader(typed)
        except DomainError:
            pass


@given(st.integers(min_value=1, max_value=60 * 24 * 60))
def test_duration_round_trip(minutes: int) -> None:
    span = timedelta(minutes=minutes)
    assert parse_duration(format_duration(span)) == span


@given(st.integers(min_value=1, max_value=10**12), st.sampled_from(["GBP", "EUR", "USD", "CHF"]))
def test_money_round_trip(minor: int, currency: str) -> None:
    money = Money(minor, currency)
    assert parse_money(format_money_input(money), "GBP") == money
    if currency in ("GBP", "EUR", "USD"):
        assert parse_money(str(money), "GBP") == money


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("²", "Please give the item number"),
        ("١٢", "Please give the item number"),
        ("12a", "Please give the item number"),
        ("999999999999", "There is no item #999999999999."),
        ("0", "There is no item #0."),
    ],
)
def test_a_number_that_is_not_plain_digits_or_names_nothing_gets_a_sentence(
    typed: str, says: str
) -> None:
    with pytest.raises(DomainError, match=says):
        parse_number(typed, "item", "/why 3")


@pytest.mark.parametrize("typed", ["9" * 29, "£" + "9" * 40 + ".5", "1" + "0" * 25 + " GBP"])
def test_an_absurdly_long_amount_is_refused_with_a_sentence(typed: str) -> None:
    with pytest.raises(DomainError, match="far more than any budget"):
        parse_money(typed, "GBP")


def test_an_absurdly_long_duration_is_refused_with_a_sentence() -> None:
    with pytest.raises(DomainError, match="longer than"):
        parse_duration("9" * 40 + "h")


@pytest.mark.parametrize(("typed", "count"), [("2", 2), (" 5 ", 5)])
def test_small_counts_read_only_ascii_digits(typed: str, count: int) -> None:
    assert parse_whole_number(typed, 1, 5, "from 1 to 5") == count
    for wrong in ("²", "6", "0", "9" * 30, "", "two"):
        with pytest.raises(DomainError, match="from 1 to 5"):
            parse_whole_number(wrong, 1, 5, "from 1 to 5")


def test_control_characters_are_removed_but_line_breaks_stay() -> None:
    assert without_control_characters("ab\x00c\x1b[31m\nd\te\x7f") == "abc[31m\nd\te"
