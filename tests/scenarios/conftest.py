"""The scenario suite runs once per chat platform, against that platform's real library."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bots.app import ParentBrain
from core.clock import ManualClock
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.discord_driver import DiscordDriver
from tests.scenarios.driver import Driver
from tests.scenarios.telegram_driver import TelegramDriver

PLATFORMS = ["telegram", "discord"]


@pytest.fixture(params=PLATFORMS)
async def driver(
    request: pytest.FixtureRequest, app: ParentBrain, clock: ManualClock
) -> AsyncIterator[Driver]:
    made: TelegramDriver | DiscordDriver
    if request.param == "telegram":
        made = TelegramDriver(app, clock, FakeTelegram())
    else:
        made = DiscordDriver(app, clock, FakeDiscord())
    await made.start()
    yield made
    await made.stop()
