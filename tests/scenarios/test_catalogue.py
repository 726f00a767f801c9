"""A command added to the catalogue, and nowhere else, works on Telegram, Discord and the web."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core import commands as c
from core.actors import Role
from core.catalogue import Entry, Option, find, runners, table
from tests.scenarios.driver import Driver
from tests.scenarios.test_journeys import said

PAUSE = Entry(
    "pause",
    Role.PARENT,
    "stop offers for now, with a note to yourself",
    "[why]",
    (Option("why", "a note to yourself", "school run"),),
    run=runners.sends(lambda actor, typed: c.GoUnavailable(actor=actor)),
)


@pytest.fixture(autouse=True)
def a_new_row() -> Iterator[None]:
    """Before any driver starts: the row is all there is of /pause."""
    table.COMMANDS, kept = (*table.COMMANDS, PAUSE), table.COMMANDS
    yield
    table.COMMANDS = kept


async def test_a_command_added_as_a_catalogue_row_works_on_every_front_end(
    driver: Driver,
) -> None:
    assert find("pause") is PAUSE
    await driver.onboard("Priya", ["Proofreading"], "expert")
    await driver.command("Priya", "available", "2h")
    paused = await driver.command("Priya", "pause", "school run")
    assert said(paused, "You're off now: no new offers"), paused
    assert said(await driver.command("Priya", "status"), "You're not available right now")
    assert said(await driver.command("Priya", "help"), "/pause", "stop offers for now")
    if driver.platform != "discord":  # Discord offers only the commands there are
        assert said(await driver.command("Priya", "pase"), "Did you mean /pause")
