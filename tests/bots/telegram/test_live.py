"""Telegram in a busy community: updates handled concurrently (each person's in order), a
reply that meets a 429 waits it out alone and arrives, and a burst of slow group replies
never delays a parent's button press in their DM."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update

from bots.app import ParentBrain
from core.clock import ManualClock
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.steps import an_offer_waiting_for_priya
from tests.scenarios.telegram_driver import GROUP, TelegramDriver


@pytest.fixture
async def limited(app: ParentBrain, clock: ManualClock) -> AsyncIterator[TelegramDriver]:
    """The production set-up: our rate limiter on the bot."""
    driver = TelegramDriver(app, clock, FakeTelegram(), rate_limit=True)
    await driver.start()
    yield driver
    await driver.stop()


async def feed(tg: TelegramDriver, updates: list[dict[str, Any]]) -> None:
    """Hand updates to the running application as its polling would, all at once."""
    for update in updates:
        await tg.application.update_queue.put(Update.de_json(update, tg.application.bot))


async def test_a_429_on_a_reply_is_waited_out_and_the_reply_arrives(
    limited: TelegramDriver,
) -> None:
    limited.fake.throttle_next[limited.uid("Priya")] = 1
    said = await limited.command("Priya", "help")
    assert limited.fake.http_429 == 1
    assert any("/available" in text for text in said)  # the reply came, once
    assert len(limited.dms("Priya")) == 1


async def test_a_burst_of_slow_commands_in_the_group_does_not_delay_a_dm_button_press(
    limited: TelegramDriver,
) -> None:
    await an_offer_waiting_for_priya(limited)
    members = [f"Member{n}" for n in range(10)]
    for name in members:  # each one's answer (sent to their DM) takes half a second
        limited.fake.slow_chats[limited.uid(name)] = 0.5
    limited.fake.slow_chats[GROUP] = 0.5
    app = limited.application
    await app.start()  # takes updates from its queue, as polling would hand them over
    try:
        burst = [limited.message_update(name, "/status", where="group") for name in members]
        press = limited.press_update("Priya", "Accept")
        await feed(limited, [*burst, press])
        press_answer = f"press {press['callback_query']['id']}"
        answers = {f"message to {limited.uid(name)}" for name in members}
        await limited.fake.until(
            lambda: (
                press_answer in {what for what, _ in limited.fake.answered}
                and bool(answers & {what for what, _ in limited.fake.answered})
            ),
            at_most=20,
        )
    finally:
        await app.stop()
    order = [what for what, _ in limited.fake.answered]
    first_answer = min(order.index(what) for what in answers if what in order)
    assert order.index(press_answer) < first_answer  # not queued behind their slow commands
    assert any("is yours" in text for text in limited.dms("Priya"))


async def test_one_persons_updates_keep_their_order(limited: TelegramDriver) -> None:
    typed = ["/help", "/status", "/offers", "/jobs", "/earnings", "/skills"]
    for text in typed:  # one at a time, for what each answers
        await limited.say("Ann", text)
    expected = limited.dms("Ann")
    app = limited.application
    await app.start()
    try:
        await feed(limited, [limited.message_update("Priya", text) for text in typed])
        await limited.fake.until(lambda: len(limited.dms("Priya")) >= len(expected))
    finally:
        await app.stop()
    assert limited.dms("Priya") == expected


async def test_asking_who_is_in_the_group_never_waits_behind_the_groups_message_pacing(
    limited: TelegramDriver,
) -> None:
    """Telegram's 20 a minute counts messages; getChatMember is a read."""
    bot = limited.application.bot
    await bot.send_message(chat_id=GROUP, text="one")
    await bot.send_message(chat_id=GROUP, text="two")  # paced: the next slot is 3 s away
    started = time.monotonic()
    await bot.get_chat_member(GROUP, limited.uid("Priya"))
    assert time.monotonic() - started < 1.0
