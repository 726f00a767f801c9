"""The scenario suite runs once per chat platform, against that platform's real library, and
always beside a second community (tests/scenarios/neighbours.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bots.app import ParentBrain
from core.clock import ManualClock
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.discord_driver import DiscordDriver
from tests.scenarios.driver import Driver
from tests.scenarios.neighbours import a_neighbouring_community, valley_heard_nothing_of_town
from tests.scenarios.telegram_driver import TelegramDriver
from tests.scenarios.web_driver import WebDriver

PLATFORMS = ["telegram", "discord", "web"]


@pytest.fixture(params=PLATFORMS)
async def driver(
    request: pytest.FixtureRequest, app: ParentBrain, clock: ManualClock
) -> AsyncIterator[Driver]:
    made: TelegramDriver | DiscordDriver
    if request.param == "telegram":
        made = TelegramDriver(app, clock, FakeTelegram())
    elif request.param == "web":
        made = WebDriver(app, clock, FakeTelegram())
    else:
        made = DiscordDriver(app, clock, FakeDiscord())
    await made.start()
    await a_neighbouring_community(made)
    yield made
    valley_heard_nothing_of_town(made)
    await made.stop()
