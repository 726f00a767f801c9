"""Telegram: money by hand, where bank details must never sit in the group."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bots.app import ParentBrain
from core.clock import ManualClock
from core.models import PayoutDetails
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.telegram_driver import GROUP, TelegramDriver


@pytest.fixture
async def tg(app: ParentBrain, clock: ManualClock) -> AsyncIterator[TelegramDriver]:
    driver = TelegramDriver(app, clock, FakeTelegram())
    await driver.start()
    yield driver
    await driver.stop()


async def test_bank_details_typed_in_the_group_are_taken_down_and_not_stored(
    tg: TelegramDriver,
) -> None:
    await tg.onboard("Priya", ["Proofreading"], "expert")
    said = await tg.command("Priya", "payoutdetails", "Priya Shah 12-34-56 12345678", where="group")
    assert any("never in the group" in text for text in said)
    assert ("deleteMessage", GROUP) in [
        (method, int(params.get("chat_id", 0))) for method, params in tg.fake.calls
    ]
    assert not any("12345678" in text for text in tg.fake.texts(GROUP))
    async with tg.brain.uow() as uow:
        assert (await uow.session.scalars(select(PayoutDetails))).all() == []


async def test_an_unanswered_payout_details_question_is_put_aside(tg: TelegramDriver) -> None:
    await tg.onboard("Priya", ["Proofreading"], "expert")
    asked = await tg.command("Priya", "payoutdetails")
    assert any("Where should the moderators pay you?" in text for text in asked)
    tg.clock.advance(minutes=20)
    late = await tg.reply("Priya", "Priya Shah 12-34-56 12345678")
    assert any("put it aside and saved nothing" in text for text in late)
    kept = await tg.command("Priya", "payoutdetails", "Priya Shah 12-34-56 12345678")
    assert any(text.startswith("Saved: the moderators will pay you to Priya Shah") for text in kept)


async def test_a_file_sent_with_no_item_asks_for_one_and_delivers_nothing(
    tg: TelegramDriver,
) -> None:
    await tg.onboard("Priya", ["Proofreading"], "expert")
    said = await tg.send_file("Priya", "menu.pdf", b"%PDF")
    assert any("caption /submit followed by the item's number" in text for text in said)
