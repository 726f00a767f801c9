"""Settings read at start: a bad value or a mistyped name gets a sentence, not a traceback."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping

from pydantic import ValidationError
from pydantic_settings import SettingsError

from core.config import Settings

PREFIX = "PARENTBRAIN_"
NOT_SETTINGS = {"PARENTBRAIN_TEST_POSTGRES_URL"}  # read by the test suite, not the process


class BadSettings(Exception):
    """One sentence per setting that can't be read, naming it and what it takes."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as err:
        raise BadSettings(
            "\n".join(
                f"{PREFIX}{'_'.join(str(p) for p in e['loc']).upper()} can't be used: "
                f"{e['msg'].rstrip('.')}."
                for e in err.errors()
            )
        ) from None
    except SettingsError as err:  # a list or mapping that isn't JSON
        raise BadSettings(
            f'{_named(str(err))} Lists are written as JSON, like \'["a", "b"]\'.'
        ) from None


def unknown_settings(environ: Mapping[str, str] | None = None) -> list[str]:
    """A sentence for each PARENTBRAIN_ variable that is no setting (a typo, most likely)."""
    known = {f"{PREFIX}{name.upper()}" for name in Settings.model_fields}
    said = []
    for name in sorted(environ if environ is not None else os.environ):
        if name.startswith(PREFIX) and name not in known and name not in NOT_SETTINGS:
            near = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {near[0]}?" if near else "; it is ignored."
            said.append(f"{name} isn't a setting Parent Brain knows{hint}")
    return said


def _named(message: str) -> str:
    field = message.split('"')[1] if '"' in message else ""
    return f"{PREFIX}{field.upper()} can't be read." if field else message
