"""Telegram: a post written step by step lives in the store, so a restart resumes it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bots.app import ParentBrain
from core.clock import ManualClock
from core.models import WorkItem
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.telegram_driver import TelegramDriver


@pytest.fixture
async def tg(app: ParentBrain, clock: ManualClock) -> AsyncIterator[TelegramDriver]:
    driver = TelegramDriver(app, clock, FakeTelegram())
    await driver.start()
    yield driver
    await driver.stop()


async def test_a_restart_half_way_through_a_post_resumes_it(tg: TelegramDriver) -> None:
    await tg.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    await tg.command("Mel", "post")
    await tg.reply("Mel", "Proofread our spring menu")
    await tg.reply("Mel", "Two pages, consistent prices.")
    await tg.restart()
    said = await tg.reply("Mel", "proofreading")
    assert any("Got it: proofreading" in text for text in said), said
    await tg.reply("Mel", "£25")
    await tg.reply("Mel", "45m")
    await tg.reply("Mel", "tomorrow 17:00")
    await tg.restart()
    posted = await tg.press("Mel", "Normal")
    assert any('Posted #1 "Proofread our spring menu"' in text for text in posted), posted


async def test_commands_typed_inside_a_post_are_read_as_commands(tg: TelegramDriver) -> None:
    await tg.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    await tg.command("Mel", "post")
    said = await tg.command("Mel", "myitems")
    assert any("No work posted yet" in text for text in said), said
    said = await tg.reply("Mel", "Proofread our spring menu")  # the post goes on
    assert any("Describe the work" in text for text in said), said
    stopped = await tg.command("Mel", "stop")
    assert any("Stopped. Nothing was posted." in text for text in stopped)
    assert await tg.reply("Mel", "Two pages.") == []  # words for nothing get no answer
    assert any("nothing to stop" in t for t in await tg.command("Mel", "stop"))
    async with tg.brain.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(WorkItem)) == 0
