"""Telegram: a post written step by step lives in the store, so a restart resumes it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bots.app import ParentBrain
from core.clock import ManualClock
from core.models import WorkItem
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.steps import an_offer_waiting_for_priya
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


async def priya_delivered_to_mel(tg: TelegramDriver) -> None:
    await an_offer_waiting_for_priya(tg)
    await tg.press("Priya", "Accept")
    await tg.command("Priya", "submit", "1 first version")


async def test_a_buttons_question_survives_a_restart_and_its_answer_goes_through(
    tg: TelegramDriver,
) -> None:
    await priya_delivered_to_mel(tg)
    asked = await tg.press("Mel", "Request changes")
    assert any("What should the parent change?" in text for text in asked), asked
    await tg.restart()
    answered = await tg.reply("Mel", "Please check the prices too")
    assert any("Sent your notes to the parent." in t for t in answered), answered
    assert any("Please check the prices too" in text for text in tg.dms("Priya"))
    assert await tg.reply("Mel", "and the title") == []  # the question was answered once


async def test_a_buttons_question_left_too_long_is_put_aside(tg: TelegramDriver) -> None:
    await priya_delivered_to_mel(tg)
    await tg.press("Mel", "Request changes")
    await tg.tick(tg.brain.settings.dialog_timeout_minutes + 1)
    said = await tg.reply("Mel", "Please check the prices too")
    assert any("put it aside and nothing was sent" in text for text in said), said
    assert not any("Please check the prices too" in text for text in tg.dms("Priya"))


async def test_a_button_that_asks_while_a_post_is_half_written_keeps_the_post(
    tg: TelegramDriver,
) -> None:
    await priya_delivered_to_mel(tg)
    await tg.command("Mel", "post")
    await tg.reply("Mel", "Second flyer")
    refused = await tg.press("Mel", "Request changes")
    assert any("You're in the middle of a post" in text for text in refused), refused
    said = await tg.reply("Mel", "One page, bright colours.")
    assert any("Which skills does it need?" in text for text in said), said


async def test_bank_details_asked_for_wait_in_the_store_and_stay_out_of_logs(
    tg: TelegramDriver, caplog: pytest.LogCaptureFixture
) -> None:
    await tg.onboard("Priya", ["Proofreading"], "expert")
    asked = await tg.command("Priya", "payoutdetails")
    assert any("Where should the moderators pay you?" in text for text in asked), asked
    await tg.restart()
    caplog.set_level("INFO")  # what PARENTBRAIN_LOG_LEVEL logs by default
    saved = await tg.reply("Priya", "Priya Shah 11-22-33 12345678")
    assert any("Saved: the moderators will pay you to Priya Shah" in t for t in saved), saved
    assert "12345678" not in caplog.text
    again = await tg.command("Priya", "payoutdetails")
    assert any("pay you to Priya Shah, sort code ••-••-••, account ••••5678" in t for t in again)
    assert any("unchanged" in text for text in await tg.command("Priya", "cancel"))
    assert await tg.reply("Priya", "Someone Else 99-88-77 11112222") == []


async def test_a_first_conversation_interrupted_by_a_restart_carries_on(tg: TelegramDriver) -> None:
    await tg.command("Priya", "start")
    await tg.press("Priya", "Proofreading")
    await tg.press("Priya", "Design")
    await tg.restart()
    ticked = await tg.press("Priya", "✓ Design")  # untick it: the choice was kept
    assert not any(
        "✓ Design" in label for label, _ in tg.fake.find(tg.uid("Priya"), "Done").buttons
    )
    assert ticked, "the keyboard was redrawn"
    await tg.press("Priya", "Done")
    saved = await tg.press("Priya", "Expert")
    assert any("Saved: proofreading (expert)" in text for text in saved), saved
    await tg.restart()
    wrong = await tg.reply("Priya", "lots")
    assert any("Type a number of years" in text for text in wrong), wrong
    await tg.press("Priya", "Skip")
    await tg.restart()
    await tg.press("Priya", tg.brain.settings.default_timezone)
    await tg.reply("Priya", "£15")
    done = await tg.press("Priya", "None")
    assert any("All set! Type /available 2h" in text for text in done), done
    profile = await tg.command("Priya", "profile")
    assert any("proofreading (expert)" in t and "£15.00" in t for t in profile), profile
    assert any("Welcome back!" in text for text in await tg.command("Priya", "start"))
