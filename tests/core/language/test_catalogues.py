"""The catalogues stay true to the code: every message has its Spanish, with the same
placeholders, and the template holds exactly what the code says."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from core.language.catalogues import LOCALES, catalogue_path

ROOT = Path(__file__).parents[3]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
SHIPPED = ["es"]


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=locale)


@pytest.fixture(scope="module")
def from_the_code(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What the code says today, extracted as `pybabel extract` does (see GLOSSARY.md)."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "core/language/babel.cfg",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return _read(out)


def _ids(catalog: Catalog) -> set[object]:
    return {m.id for m in catalog if m.id}


def test_the_template_is_what_the_code_says(from_the_code: Catalog) -> None:
    committed = _read(LOCALES / "messages.pot")
    new = sorted(str(i) for i in _ids(from_the_code) - _ids(committed))
    gone = sorted(str(i) for i in _ids(committed) - _ids(from_the_code))
    assert not new and not gone, (
        f"messages.pot is stale: {len(new)} new in the code ({new[:5]}), {len(gone)} no longer "
        "there; run the pybabel commands in core/language/locales/GLOSSARY.md"
    )


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_is_translated(from_the_code: Catalog, language: str) -> None:
    translated = _read(catalogue_path(language), locale=language)
    done = {m.id: m for m in translated if m.id}
    untranslated = [
        str(m.id)
        for m in from_the_code
        if m.id
        and (
            m.id not in done
            or not done[m.id].string
            or (isinstance(done[m.id].string, tuple) and not all(done[m.id].string))
            or done[m.id].fuzzy
        )
    ]
    assert not untranslated, f"{len(untranslated)} messages lack {language}: {untranslated[:5]}"
    obsolete = sorted(str(i) for i in set(done) - _ids(from_the_code))
    assert not obsolete, f"{language} still holds messages the code no longer says: {obsolete[:5]}"


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_every_placeholder(language: str) -> None:
    """A translator may move `{amount}` in the sentence but never drop, add or rename it."""
    wrong = []
    for message in _read(catalogue_path(language), locale=language):
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = {p for s in sources for p in PLACEHOLDER.findall(s)} - {"{n}"}
        for target in targets:
            if {p for p in PLACEHOLDER.findall(target)} - {"{n}"} != wanted:
                wrong.append((sources[0][:60], target[:60]))
    assert not wrong, f"placeholders differ in {len(wrong)} translations: {wrong[:3]}"


def test_plurals_follow_cldr_for_spanish() -> None:
    from core.language import ngettext, speaking

    with speaking("es"):
        assert ngettext("{n} job", "{n} jobs", 1) == "1 trabajo"
        assert ngettext("{n} job", "{n} jobs", 0) == "0 trabajos"
        assert ngettext("{n} job", "{n} jobs", 2) == "2 trabajos"
        assert ngettext("{n} job", "{n} jobs", 1_000_000) == "1000000 trabajos"
    assert ngettext("{n} job", "{n} jobs", 1) == "1 job"


def test_no_words_hide_inside_an_f_string() -> None:
    """`_("...")` inside an f-string is invisible to extraction, so it would never be
    translated: the words are made first, then put in the f-string."""
    import ast

    hidden = []
    for package in ("core", "routing", "payments", "bots"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.JoinedStr):
                    continue
                for call in ast.walk(node):
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Name)
                        and call.func.id in ("_", "ngettext")
                        and call.args
                        and isinstance(call.args[0], ast.Constant)  # words, not a constant's name
                    ):
                        hidden.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not hidden, f"words inside f-strings, never extracted: {hidden}"
