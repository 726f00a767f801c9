"""The scenario suite runs once per chat platform, against that platform's real library."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bots.app import ParentBrain
from core.clock import ManualClock
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.telegram_driver import TelegramDriver

PLATFORMS = ["telegram"]


@pytest.fixture(params=PLATFORMS)
async def driver(
    request: pytest.FixtureRequest, app: ParentBrain, clock: ManualClock
) -> AsyncIterator[TelegramDriver]:
    made = TelegramDriver(app, clock, FakeTelegram())
    await made.start()
    yield made
    await made.stop()
