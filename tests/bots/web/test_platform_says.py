"""Who moderates, for the web: each chat adapter asks its platform, never the page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bots.app import ParentBrain
from bots.discord.common import moderates_on_discord
from bots.telegram.app import TelegramAdapter
from core.clock import ManualClock
from tests.fakes.discord_api import ADMIN_ROLE_ID, MOD_ROLE_ID, FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.discord_driver import DiscordDriver
from tests.scenarios.telegram_driver import GROUP

TOWN = 1


@pytest.fixture
async def dc(app: ParentBrain, clock: ManualClock) -> AsyncIterator[DiscordDriver]:
    driver = DiscordDriver(app, clock, FakeDiscord())
    await driver.start()
    yield driver
    await driver.stop()


async def test_discord_says_who_moderates_the_server(dc: DiscordDriver) -> None:
    dc.fake.member_roles[dc.uid("Kate")].append(MOD_ROLE_ID)
    dc.fake.member_roles[dc.uid("Ada")].append(ADMIN_ROLE_ID)  # Manage Server
    assert await moderates_on_discord(dc.bot, str(dc.uid("Kate")), TOWN) is True
    assert await moderates_on_discord(dc.bot, str(dc.uid("Ada")), TOWN) is True
    assert await moderates_on_discord(dc.bot, str(dc.uid("Priya")), TOWN) is False
    dc.fake.departed.add(dc.uid("Gone"))
    assert await moderates_on_discord(dc.bot, str(dc.uid("Gone")), TOWN) is False
    assert await moderates_on_discord(dc.bot, "not-a-number", TOWN) is None


async def test_telegram_says_who_administers_the_group(app: ParentBrain) -> None:
    fake = FakeTelegram()
    await fake.start()
    app.settings.telegram_token = SecretStr("123:TEST")
    app.settings.telegram_community_chat_id = GROUP
    from core.communities import adopt_configured_community

    async with app.uow() as uow:
        await adopt_configured_community(uow, app.settings)
        await uow.commit()
    adapter = TelegramAdapter(app.settings, app, base_url=fake.url)
    await adapter.application.initialize()
    try:
        fake.admins[GROUP].add(4242)
        assert await adapter.moderates("4242", TOWN) is True
        assert await adapter.moderates("5151", TOWN) is False
        assert await adapter.moderates("4242", 99) is None  # no such community
    finally:
        await adapter.application.shutdown()
        await fake.stop()
