"""Each person in their own language: the words they read, translated through gettext.

Text a person reads is written in English in the code, wrapped in `_()` (or `ngettext()` for a
count, `N_()` to mark a constant translated where it is shown), and translated when it is produced into the
language of whoever is reading it. That language travels with the work being done (a context
variable), so a handler never passes it around: a front end says whose request this is
(`speaking(...)`), and a notice to someone else is written inside `speaking(their language)`.

Placeholders are named (`{amount}`), so a translator can move them in the sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from core.language.catalogues import translations

ENGLISH = "en"
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}  # shipped, in its own words

_speaking: ContextVar[str | None] = ContextVar("parentbrain_language", default=None)
_deployment = [ENGLISH]  # PARENTBRAIN_DEFAULT_LANGUAGE: what nobody has said otherwise


def current() -> str:
    """The language being written in now."""
    return _speaking.get() or _deployment[0]


def set_deployment_default(language: str) -> None:
    """The operator's language, for whoever and wherever nothing else says (set at start)."""
    _deployment[0] = supported(language) or ENGLISH


def deployment_default() -> str:
    return _deployment[0]


@contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Write in this language (English when none or unknown) until the block ends."""
    chosen = supported(language) or _deployment[0]
    token = _speaking.set(chosen)
    try:
        yield chosen
    finally:
        _speaking.reset(token)


def speak(language: str | None) -> str:
    """Write in this language from now on, for the rest of this request's task."""
    chosen = supported(language) or _deployment[0]
    _speaking.set(chosen)
    return chosen


def supported(code: str | None) -> str | None:
    """A platform's or a person's language code as one we ship ("es-ES" -> "es"), or None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def choose(*, chosen: str | None, platform: str | None = None, community: str | None = None) -> str:
    """Whose language, in order: what they chose, what their platform says, their
    community's, then English."""
    return supported(chosen) or supported(platform) or supported(community) or _deployment[0]


def from_accept_language(header: str | None) -> str | None:
    """The first shipped language a browser's Accept-Language asks for, by its weights."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")):
        code, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        ranked.append((-weight, n, code))
    for weight, _, code in sorted(ranked):
        if weight < 0 and supported(code):
            return supported(code)
    return None


def _(message: str, /, **values: Any) -> str:
    """`message` in the current language, its `{placeholders}` filled from `values`."""
    translated = translations(current()).gettext(message)
    return translated.format(**values) if values else translated


def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """The form for `n` under the language's plural rules; `{n}` and `values` filled in."""
    translated = translations(current()).ngettext(singular, plural, n)
    return translated.format(n=n, **values)


def N_(message: str, /) -> str:
    """Marks words kept in a constant for the catalogues; they are translated where shown,
    with `_(constant)`, in the language of whoever reads them then."""
    return message
