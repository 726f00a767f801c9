"""Delivered files: the business gets the file itself, on its own platform or the other one."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bots.app import ParentBrain
from core.clock import ManualClock
from core.files import MB
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.discord_driver import DiscordDriver
from tests.scenarios.driver import Driver
from tests.scenarios.neighbours import TOWN
from tests.scenarios.telegram_driver import TelegramDriver
from tests.scenarios.test_journeys import MENU, said

PDF = b"%PDF-1.4 the spring menu, corrected\n%%EOF"


async def priya_is_working_for_mel(parent: Driver, business: Driver) -> None:
    """Priya (on `parent`'s platform) has accepted Mel's funded item #1 (Mel on `business`'s)."""
    await parent.onboard("Priya", ["Proofreading"], "expert")
    await parent.command("Priya", "available", "3h")
    await business.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    await business.post("Mel", **MENU)
    business.make_moderator("Kate")
    await business.command("Kate", "funded", "1")
    await parent.tick(0)
    await parent.press("Priya", "Accept")


async def test_a_delivered_file_reaches_the_business_as_the_file_itself(driver: Driver) -> None:
    await priya_is_working_for_mel(driver, driver)
    await driver.press("Priya", "Submit work")
    sent = await driver.send_file("Priya", "menu-v2.pdf", PDF, caption="Fixed 12 typos")
    assert said(sent, "Sent your work", "with 1 file")
    assert ("menu-v2.pdf", PDF) in driver.files("Mel")
    assert said(driver.dms("Mel"), "Delivery for", "Fixed 12 typos", "Files: menu-v2.pdf")

    # In a dispute the moderators get the file too, and /disputes names it.
    await driver.press("Mel", "Dispute")
    await driver.reply("Mel", "That's last year's menu")
    assert ("menu-v2.pdf", PDF) in driver.moderator_files()
    assert said(await driver.command("Kate", "disputes"), "menu-v2.pdf")
    await driver.command("Priya", "mydata")
    [(_, exported)] = [f for f in driver.files("Priya") if f[0].endswith(".json")]
    assert [f["name"] for f in json.loads(exported)["delivered_files"]] == ["menu-v2.pdf"]


async def test_a_file_with_a_submit_caption_is_delivered(driver: Driver) -> None:
    await priya_is_working_for_mel(driver, driver)
    photo = b"\xff\xd8\xff a photo of the menu board"
    sent = await driver.send_file("Priya", "board.jpg", photo, caption="/submit 1", kind="photo")
    assert said(sent, "Sent your work", "with 1 file")
    assert [content for _, content in driver.files("Mel")] == [photo]


async def test_a_file_for_someone_elses_item_is_refused_and_nothing_is_sent(
    driver: Driver,
) -> None:
    await priya_is_working_for_mel(driver, driver)
    await driver.onboard("Tom", ["Proofreading"], "expert")
    refused = await driver.send_file("Tom", "menu.pdf", PDF, caption="/submit 1 mine")
    assert said(refused, "isn't assigned to you")
    assert driver.files("Mel") == []
    refused = await driver.send_file("Priya", "menu.pdf", PDF, caption="/submit")
    assert said(refused, "item")
    assert driver.files("Mel") == []


@pytest.fixture
async def both(app: ParentBrain, clock: ManualClock) -> AsyncIterator[tuple[Driver, Driver]]:
    """One community with a Telegram group and a Discord server, on one process."""
    telegram = TelegramDriver(app, clock, FakeTelegram())
    discord = DiscordDriver(app, clock, FakeDiscord())
    await telegram.start()
    await discord.start()
    telegram.home = discord.home = TOWN
    yield telegram, discord
    await discord.stop()
    await telegram.stop()


@pytest.mark.parametrize("parent_on", ["telegram", "discord"])
async def test_a_file_crosses_to_a_business_on_the_other_platform(
    both: tuple[Driver, Driver], parent_on: str
) -> None:
    telegram, discord = both
    parent, business = (telegram, discord) if parent_on == "telegram" else (discord, telegram)
    await priya_is_working_for_mel(parent, business)
    await parent.press("Priya", "Submit work")
    sent = await parent.send_file("Priya", "menu-v2.pdf", PDF, caption="Fixed 12 typos")
    assert said(sent, "Sent your work", "with 1 file")
    await business.tick(0)
    assert ("menu-v2.pdf", PDF) in business.files("Mel")
    assert said(business.dms("Mel"), "Delivery for", "Files: menu-v2.pdf")


async def test_a_file_too_big_to_cross_is_refused_and_the_item_is_not_delivered(
    both: tuple[Driver, Driver],
) -> None:
    telegram, discord = both
    await priya_is_working_for_mel(telegram, discord)
    await telegram.press("Priya", "Submit work")
    refused = await telegram.send_file(
        "Priya", "video.mp4", b"...", kind="video", claimed_size=25 * MB
    )
    assert said(refused, "over Telegram's 20 MB limit", "share it as a link", "Nothing was sent")
    await discord.tick(0)
    assert discord.files("Mel") == []
    assert not said(discord.dms("Mel"), "Delivery for")
    again = await telegram.command("Priya", "submit", "1 https://drive.example/video")
    assert said(again, "Sent your work")


async def test_a_file_whose_fetch_fails_is_not_delivered(both: tuple[Driver, Driver]) -> None:
    telegram, discord = both
    assert isinstance(discord, DiscordDriver)
    await priya_is_working_for_mel(discord, telegram)
    discord.fake.unreadable = _Everything()  # the CDN fails every download
    await discord.press("Priya", "Submit work")
    refused = await discord.send_file("Priya", "menu.pdf", PDF)
    assert said(refused, "couldn't fetch menu.pdf", "Nothing was sent")
    await telegram.tick(0)
    assert telegram.files("Mel") == []


class _Everything(set[str]):
    def __contains__(self, item: object) -> bool:
        return True
