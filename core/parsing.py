"""Everything people type, read once: durations, times, money, windows and schedules.

Every function here either returns a value or raises DomainError with one sentence that
says what to type instead. Both adapters call these, so "/available 2h" means the same
everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import DomainError, NotFound
from core.language import ENGLISH, N_, _, current, formatting
from core.money import KNOWN_CURRENCIES, SYMBOLS, Money

# Ids are 32-bit integer columns on PostgreSQL; a larger number can name nothing.
LARGEST_ID = 2**31 - 1

MAX_WINDOW = timedelta(hours=24)
TONIGHT_ENDS = time(23, 0)
DEFAULT_DEADLINE_TIME = time(17, 0)

_DURATION_UNITS = {
    "d": 1440,
    "day": 1440,
    "days": 1440,
    "h": 60,
    "hr": 60,
    "hrs": 60,
    "hour": 60,
    "hours": 60,
    "m": 1,
    "min": 1,
    "mins": 1,
    "minute": 1,
    "minutes": 1,
    # as typed in Spanish
    "dia": 1440,
    "día": 1440,
    "dias": 1440,
    "días": 1440,
    "hora": 60,
    "horas": 60,
    "minuto": 1,
    "minutos": 1,
}
# Words read the same whatever language the person writes in: English and Spanish.
TONIGHT = frozenset({"tonight", "esta noche", "noche", "hoy por la noche"})
UNTIL = r"(?:until|till|til|to|hasta(?:\s+las?)?|a\s+las?)"
_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([a-z]+)")


def parse_duration(text: str, *, limit: timedelta = timedelta(days=60)) -> timedelta:
    """'2h', '90m', '1h30', '1h 30m', '2 hours', '1.5h' -> timedelta (whole minutes)."""
    raw = text.strip().lower()
    if re.fullmatch(r"[0-9]+h[0-9]{1,2}", raw):  # "1h30"
        raw += "m"
    parts = _DURATION_PART.findall(raw)
    leftover = _DURATION_PART.sub("", raw).replace("and", "").replace(" y ", "").strip(" ,y")
    if not parts or leftover:
        raise DomainError(
            _('I couldn\'t read "{text}" as a length of time; try 2h or 45m.', text=text.strip())
        )
    minutes = Decimal(0)
    for number, unit in parts:
        if unit not in _DURATION_UNITS:
            raise DomainError(_('"{unit}" isn\'t a unit of time I know; use m, h or d.', unit=unit))
        minutes += Decimal(number) * _DURATION_UNITS[unit]
    whole = int(minutes)
    if whole <= 0:
        raise DomainError(_("That length of time is zero; try something like 30m or 2h."))
    if whole > limit.total_seconds() // 60:  # compared as numbers: timedelta overflows
        raise DomainError(
            _(
                "That's longer than {duration}; please pick something shorter.",
                duration=format_duration(limit),
            )
        )
    return timedelta(minutes=whole)


def format_duration(span: timedelta) -> str:
    """Whole minutes as '2h', '45m', '1h30m', '2d3h' (in English; as the reader's language
    writes it otherwise)."""
    return formatting.duration(span)


_CLOCK = re.compile(r"([0-9]{1,2})(?:[:.h]([0-9]{2}))?\s*(am|pm)?")


def parse_clock_time(text: str) -> time:
    """'15:00', '3pm', '3:30 pm', '15.30', 'noon', 'midnight' -> time."""
    raw = text.strip().lower()
    if raw in {"noon", "midday"}:
        return time(12, 0)
    if raw == "midnight":
        return time(0, 0)
    match = _CLOCK.fullmatch(raw)
    if not match:
        raise DomainError(
            _('I couldn\'t read "{text}" as a time; try 15:00 or 3pm.', text=text.strip())
        )
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            raise DomainError(
                _('"{text}" isn\'t a time; with am/pm the hour is 1 to 12.', text=text.strip())
            )
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        raise DomainError(
            _(
                'Is "{text}" am or pm? Try {hour}:00, {hour}am or {hour}pm.',
                text=text.strip(),
                hour=hour,
            )
        )
    if hour > 23 or minute > 59:
        raise DomainError(_('"{text}" isn\'t a time of day; try 15:00.', text=text.strip()))
    return time(hour, minute)


TIMEZONE_ALIASES = {
    "uk": "Europe/London",
    "gb": "Europe/London",
    "london": "Europe/London",
    "utc": "UTC",
    "gmt": "Europe/London",
    "ireland": "Europe/Dublin",
}


@lru_cache(maxsize=1024)  # routing reads fifty parents' timezones a decision; a refusal isn't kept
def parse_timezone(text: str) -> ZoneInfo:
    name = TIMEZONE_ALIASES.get(text.strip().lower(), text.strip())
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError(
            _(
                'I don\'t know the timezone "{text}"; try a name like Europe/London.',
                text=text.strip(),
            )
        ) from None


def next_local(at: time, now: datetime, tz: ZoneInfo) -> datetime:
    """The next moment (after now) when the wall clock in tz shows `at`, as UTC."""
    local_now = now.astimezone(tz)
    candidate = datetime.combine(local_now.date(), at, tzinfo=tz)
    if candidate <= local_now:
        candidate = datetime.combine(local_now.date() + timedelta(days=1), at, tzinfo=tz)
    return candidate.astimezone(now.tzinfo)


def parse_window(text: str, now: datetime, tz: ZoneInfo, default: timedelta) -> datetime:
    """When an availability that starts now should end: '', '2h', 'until 15:00', 'tonight'."""
    raw = text.strip().lower()
    if not raw:
        return now + default
    if raw in TONIGHT:
        local_now = now.astimezone(tz)
        if local_now.time() >= TONIGHT_ENDS or local_now.time() < time(5, 0):
            raise DomainError(_("It's already late; try /available 1h instead."))
        return datetime.combine(local_now.date(), TONIGHT_ENDS, tzinfo=tz).astimezone(now.tzinfo)
    until_match = re.fullmatch(UNTIL + r"\s+(.+)", raw)
    if until_match:
        return next_local(parse_clock_time(until_match[1]), now, tz)
    if _CLOCK.fullmatch(raw) and (":" in raw or "am" in raw or "pm" in raw):
        return next_local(parse_clock_time(raw), now, tz)
    try:
        span = parse_duration(raw, limit=MAX_WINDOW)
    except DomainError as err:
        if "longer than" in err.message:
            raise DomainError(
                _("That's more than a day; use /schedule for regular hours instead.")
            ) from None
        if "zero" in err.message:
            raise
        raise DomainError(
            _(
                'I couldn\'t read "{text}". Try /available 2h, /available until 15:00 or /available tonight.',
                text=text.strip(),
            )
        ) from None
    return now + span


def window_start(text: str, now: datetime, tz: ZoneInfo, evening: time) -> datetime:
    """When an availability should begin: now, except 'tonight' typed before the evening,
    which begins at the evening hour."""
    if text.strip().lower() not in TONIGHT:
        return now
    local_now = now.astimezone(tz)
    if time(5, 0) <= local_now.time() < evening:
        return datetime.combine(local_now.date(), evening, tzinfo=tz).astimezone(now.tzinfo)
    return now


_MONEY = re.compile(
    r"(?P<pre>[A-Za-z]{3}|[£€$]|A\$|C\$|NZ\$)?\s*(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*(?P<post>[A-Za-z]{3})?"
)
MAX_AMOUNT_CHARS = 20  # "1,000,000,000,000.00"; longer is a typo, and past Decimal's precision
_SYMBOL_CURRENCY = {symbol: code for code, symbol in SYMBOLS.items()}


def parse_money(text: str, default_currency: str) -> Money:
    """'£25', '25 GBP', '25.50', '€1,200' -> Money in minor units."""
    raw = text.strip()
    match = _MONEY.fullmatch(raw)
    if not match or (match["pre"] and match["post"]):
        raise DomainError(_('I couldn\'t read "{raw}" as an amount; try £25 or 25.50.', raw=raw))
    code = default_currency
    marker = match["pre"] or match["post"]
    if marker:
        code = _SYMBOL_CURRENCY.get(marker) or marker.upper()
        if code not in KNOWN_CURRENCIES:
            raise DomainError(
                _('"{marker}" isn\'t a currency I know; try £25 or 25 GBP.', marker=marker)
            )
    number = match["num"]
    if len(number) > MAX_AMOUNT_CHARS:
        raise DomainError(_('"{raw}" is far more than any budget here; check the amount.', raw=raw))
    if "," in number and not re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?", number):
        raise DomainError(_('"{raw}" has commas in odd places; try 1200.50.', raw=raw))
    try:
        amount = Decimal(number.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise DomainError(_('I couldn\'t read "{raw}" as an amount.', raw=raw)) from None
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("Amounts can have at most two decimal places, like 25.50."))
    minor = int(amount * 100)
    if minor <= 0:
        raise DomainError(_("The amount must be more than zero."))
    return Money(minor, code)


def format_money_input(money: Money) -> str:
    """The plain form parse_money reads back: '25.50 GBP'."""
    units, cents = divmod(money.minor, 100)
    return f"{units}.{cents:02d} {money.currency}"


_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_DAY_NAMES = {
    **{short: n for short, n in _WEEKDAYS.items()},
    **{
        name: n
        for n, name in enumerate(
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        )
    },
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
    # Spanish, with and without accents
    **{
        name: n
        for n, names in enumerate(
            [
                ("lunes", "lun"),
                ("martes", "mar"),
                ("miércoles", "miercoles", "mié", "mie"),
                ("jueves", "jue"),
                ("viernes", "vie"),
                ("sábado", "sabado", "sáb", "sab"),
                ("domingo", "dom"),
            ]
        )
        for name in names
    },
}
_DAY_GROUPS = {
    "weekdays": 0b0011111,
    "weekends": 0b1100000,
    "daily": 0b1111111,
    "everyday": 0b1111111,
    "every day": 0b1111111,
    "laborables": 0b0011111,
    "entre semana": 0b0011111,
    "fines de semana": 0b1100000,
    "fin de semana": 0b1100000,
    "todos los días": 0b1111111,
    "todos los dias": 0b1111111,
    "diario": 0b1111111,
}
_DAY_GROUP_ALIASES = {"weekday": "weekdays", "weekend": "weekends", "all": "daily"}
DAYS_EXAMPLE = N_("mon-fri, weekends, or mon, wed, fri")


# How each language names a group of days back to the reader (each one parse_days reads).
_SHOWN_GROUPS = {"es": ("entre semana", "fines de semana", "todos los días")}


def _day_number(word: str) -> int | None:
    """A day's number (Monday 0) from its full or short name, or a plural; else None."""
    key = word.strip().lower()
    found = _DAY_NAMES.get(key)
    if found is None and key.endswith("days"):
        found = _DAY_NAMES.get(key[:-1])  # "tuesdays"
    return found


def _day(word: str) -> int:
    found = _day_number(word)
    if found is None:
        raise DomainError(
            _(
                '"{word}" isn\'t a day; try {DAYS_EXAMPLE}.',
                word=word.strip(),
                DAYS_EXAMPLE=_(DAYS_EXAMPLE),
            )
        )
    return found


def parse_days(text: str) -> int:
    """Days as people write them, as a bit mask (bit 0 = Monday): 'mon-fri', 'fri-mon' (across
    the week's end), 'monday to friday', 'mon, wed and fri', 'weekdays', 'weekends'."""
    raw = re.sub(r"\s+(?:to|through|thru|till|until|a|hasta)\s+", "-", text.strip().lower())
    raw = re.sub(r"\s*-\s*", "-", raw)
    mask = 0
    for words, days in _DAY_GROUPS.items():  # groups of several words, before splitting
        if " " in words and words in raw:
            mask |= days
            raw = raw.replace(words, " ")
    for part in re.split(r"\s*(?:,|/|&|\band\b|\by\b|\s)\s*", raw):
        if not part:
            continue
        group = _DAY_GROUPS.get(_DAY_GROUP_ALIASES.get(part, part))
        if group is not None:
            mask |= group
            continue
        if "-" in part:
            first, _sep, last = part.partition("-")
            day, stop = _day(first), _day(last)
            while True:
                mask |= 1 << day
                if day == stop:
                    break
                day = (day + 1) % 7
            continue
        mask |= 1 << _day(part)
    if not mask:
        raise DomainError(
            _("Say which days, for example {DAYS_EXAMPLE}.", DAYS_EXAMPLE=_(DAYS_EXAMPLE))
        )
    return mask


def describe_days(mask: int) -> str:
    """Days as `parse_days` reads them back: a name for a group, runs of three or more days as
    ranges (across the week's end too), the rest listed: 'weekdays', 'fri-mon', 'mon,wed'."""
    for name, group in _DAY_GROUPS.items():
        if group == mask and name in _SHOWN_GROUPS.get(current(), _DAY_GROUPS):
            return name
    names = list(_WEEKDAYS) if current() == ENGLISH else formatting.weekday_names()
    days = [d for d in range(7) if mask & (1 << d)]
    # Start from a day that follows a day off, so a run across Sunday stays whole.
    first = next((d for d in days if not mask & (1 << ((d - 1) % 7))), days[0])
    ordered = [(first + n) % 7 for n in range(7) if mask & (1 << ((first + n) % 7))]
    runs: list[list[int]] = []
    for day in ordered:
        if runs and (runs[-1][-1] + 1) % 7 == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}-{names[run[-1]]}")
        else:
            parts.extend(names[d] for d in run)
    return ",".join(parts)


@dataclass(frozen=True)
class WeeklyWindow:
    days: int  # bit 0 = Monday
    start: time
    end: time

    def describe(self) -> str:
        return f"{describe_days(self.days)} {self.start:%H:%M}-{self.end:%H:%M}"

    def covers(self, local: datetime) -> bool:
        return bool(self.days & (1 << local.weekday())) and self.start <= local.time() < self.end


def parse_weekly(text: str) -> WeeklyWindow:
    """'weekdays 20:00-22:00', 'mon-fri 9:00-11:30', 'mon, wed 9am-11:30'."""
    match = re.fullmatch(r"\s*(.+?)\s+(\S+?)\s*-\s*(\S+)\s*", text.lower())
    if not match:
        raise DomainError(_('Try a form like "mon-fri 20:00-22:00" or "mon, wed 9:00-11:30".'))
    days_text, start_text, end_text = match.groups()
    days = parse_days(days_text)
    start, end = parse_clock_time(start_text), parse_clock_time(end_text)
    if end <= start:
        raise DomainError(
            _("The window must end after it starts on the same day; split it in two.")
        )
    return WeeklyWindow(days, start, end)


def merge_weekly(windows: list[WeeklyWindow]) -> list[WeeklyWindow]:
    """The same hours with overlapping or touching windows on a day joined, and days with the
    same hours grouped again: what is stored and said back."""
    per_day: list[list[tuple[time, time]]] = [[] for _ in range(7)]
    for window in windows:
        for day in range(7):
            if window.days & (1 << day):
                per_day[day].append((window.start, window.end))
    by_hours: dict[tuple[time, time], int] = {}
    for day, spans in enumerate(per_day):
        merged: list[tuple[time, time]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        for span in merged:
            by_hours[span] = by_hours.get(span, 0) | (1 << day)
    return [WeeklyWindow(days, start, end) for (start, end), days in sorted(by_hours.items())]


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """'22:00-07:00' (may cross midnight) or 'none'."""
    raw = text.strip().lower()
    if raw in {"none", "off", "no"}:
        return None
    match = re.fullmatch(r"(\S+)\s*-\s*(\S+)", raw)
    if not match:
        raise DomainError(_('Type quiet hours like "22:00-07:00", or "none".'))
    start, end = parse_clock_time(match[1]), parse_clock_time(match[2])
    if start == end:
        raise DomainError(_("Quiet hours must start and end at different times."))
    return start, end


def in_quiet_hours(quiet: tuple[time, time] | None, local: time) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    return start <= local < end if start < end else local >= start or local < end


def parse_deadline(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A deadline as a UTC moment: first the strict forms ('48h', 'tomorrow 12:00', 'friday',
    '2026-03-05 17:00'), then plain words read by dateparser in the member's timezone,
    preferring the future ('next friday', 'in 2 days', '5 March', 'tomorrow 5pm'). A date
    without a time means 17:00; a date that reads two ways (5/3) is asked again."""
    raw = text.strip().lower()
    moment = _strict_deadline(raw, now, tz)
    if moment is None:
        moment = _deadline_in_words(raw, now, tz)
    if moment is None:
        raise DomainError(
            _(
                'I couldn\'t read that deadline; try "tomorrow 17:00", "friday 3pm", "5 March" or "48h".'
            )
        )
    if moment <= now:
        raise DomainError(_("That deadline has already passed; pick a time in the future."))
    if moment - now > timedelta(days=60):
        raise DomainError(_("Deadlines can be at most 60 days away."))
    return moment


def _strict_deadline(raw: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    local_now = now.astimezone(tz)
    day_part, _sep, time_part = raw.partition(" ")
    target: date | None = None
    if day_part in {"today", "tonight", "hoy"}:
        target = local_now.date()
    elif day_part in {"tomorrow", "mañana", "manana"}:
        target = local_now.date() + timedelta(days=1)
    elif (weekday := _day_number(day_part)) is not None:
        ahead = (weekday - local_now.weekday()) % 7 or 7
        target = local_now.date() + timedelta(days=ahead)
    elif re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day_part):
        try:
            target = date.fromisoformat(day_part)
        except ValueError:
            raise DomainError(_('"{day_part}" isn\'t a real date.', day_part=day_part)) from None
    if target is None:
        try:
            return now + parse_duration(raw, limit=timedelta(days=60))
        except DomainError:
            return None
    if time_part and not _CLOCK.fullmatch(time_part.strip()):
        return None  # "friday at noon": plain words
    at = parse_clock_time(time_part) if time_part else DEFAULT_DEADLINE_TIME
    return datetime.combine(target, at, tzinfo=tz).astimezone(now.tzinfo)


_TWO_WAY_DATE = re.compile(r"\b([0-9]{1,2})[/.]([0-9]{1,2})\b")
_SAYS_A_TIME = re.compile(r"[0-9]:[0-9]|[0-9]\s*(am|pm)\b|\bnoon\b|\bmidnight\b|\bmidday\b")


def _deadline_in_words(raw: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    two_way = _TWO_WAY_DATE.search(raw)
    first, second = (int(two_way[1]), int(two_way[2])) if two_way else (0, 0)
    if two_way and first != second and 1 <= min(first, second) and max(first, second) <= 12:
        raise DomainError(
            _(
                '"{two_way}" could be {first} {_MONTHS} or {second} {_MONTHS2}; write the month\'s name, like {first} {_MONTHS}.',
                two_way=two_way[0],
                first=first,
                _MONTHS=formatting.month_name(second),
                second=second,
                _MONTHS2=formatting.month_name(first),
            )
        )
    if len(raw) > 60:
        return None  # no deadline takes that many words
    import dateparser  # loaded only when the strict forms didn't match

    try:
        found = dateparser.parse(
            raw,
            languages=["en", "es"],
            settings={
                "TIMEZONE": tz.key,
                "TO_TIMEZONE": "UTC",
                "RETURN_AS_TIMEZONE_AWARE": True,
                "PREFER_DATES_FROM": "future",
                "DATE_ORDER": "DMY",
                "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
            },
        )
    except Exception:  # a third party reading arbitrary words: unreadable is all it means
        return None
    if found is None:
        return None
    if not _SAYS_A_TIME.search(raw) and not re.search(
        r"\b(in|hours?|minutes?|mins?|en|horas?|minutos?)\b", raw
    ):
        local = found.astimezone(tz)
        found = datetime.combine(local.date(), DEFAULT_DEADLINE_TIME, tzinfo=tz)
    return found.astimezone(now.tzinfo)


def split_available(text: str) -> tuple[str, str]:
    """'2h for proofreading, design' -> ('2h', 'proofreading, design'); the window may be empty."""
    raw = text.strip()
    match = re.fullmatch(r"(?:(.*?)\s+)?(?:for|para)\s+(.+)", raw, flags=re.IGNORECASE)
    if match and not re.fullmatch(r"[0-9].*", match[2].strip()):
        return (match[1] or "").strip(), match[2].strip()
    return raw, ""


# What a number may name, as parse_number says it back (translated where it is said).
NUMBERED = (
    *(N_("item"), N_("offer"), N_("project"), N_("business"), N_("payout"), N_("course")),
    *(N_("member"), N_("invite"), N_("attempt"), N_("community"), N_("refund")),
)


def parse_number(text: str, what: str, example: str) -> int:
    """The leading number of what was typed ('12', '#12 the rest'), or a sentence saying how.

    Only ASCII digits count: '²' and other digit-like characters are refused, not crashed on.
    A number past the largest id the store holds is simply not there.
    """
    token = text.strip().lstrip("#").split(maxsplit=1)[0] if text.strip() else ""
    if not is_whole_number(token) or len(token) > 12:
        raise DomainError(
            _("Please give the {what} number, like: {example}", what=_(what), example=example)
        )
    number = int(token)
    if not 0 < number <= LARGEST_ID:
        raise NotFound(_("There is no {what} #{number}.", what=_(what), number=number))
    return number


def parse_whole_number(text: str, low: int, high: int, hint: str) -> int:
    """A small count typed by a person ('2'), between low and high, or the hint as the error."""
    token = text.strip()
    if not is_whole_number(token) or len(token) > 6 or not low <= int(token) <= high:
        raise DomainError(hint)
    return int(token)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def without_control_characters(text: str) -> str:
    """What a person typed, less the control characters (NUL and the like) no store or chat
    wants; line breaks and tabs stay."""
    return _CONTROL.sub("", text)


def is_whole_number(text: str) -> bool:
    """ASCII digits only; str.isdigit() also says yes to '²', which int() then refuses."""
    return text.isascii() and text.isdigit()
