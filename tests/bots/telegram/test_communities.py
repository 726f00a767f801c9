"""Telegram: one bot serving many groups; who belongs is Telegram's answer, never the message's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bots.app import ParentBrain
from core.clock import ManualClock
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.steps import an_offer_waiting_for_priya
from tests.scenarios.telegram_driver import GROUP, TelegramDriver

VALLEY = -100_700
VALLEY_MODERATORS = -100_701


@pytest.fixture
async def tg(app: ParentBrain, clock: ManualClock) -> AsyncIterator[TelegramDriver]:
    driver = TelegramDriver(app, clock, FakeTelegram())
    await driver.start()
    yield driver
    await driver.stop()


def said(replies: list[str], *parts: str) -> bool:
    return any(all(part in reply for part in parts) for reply in replies)


async def test_a_groups_administrator_sets_it_up_once_and_names_the_moderators_chat(
    tg: TelegramDriver,
) -> None:
    assert said(await tg.command("Vera", "setup"), "Add me to your community's group")
    assert said(
        await tg.command("Vera", "setup", where=VALLEY), "Only an administrator of this group"
    )
    tg.fake.admins[VALLEY].add(tg.uid("Vera"))
    tg.application.bot_data.pop("chat statuses", None)  # forgotten, as after 5 minutes
    set_up = await tg.command("Vera", "setup", where=VALLEY)
    assert said(set_up, "is set up on Parent Brain (community #2)", "/setup moderators")
    assert said(await tg.command("Vera", "setup", where=VALLEY), "already set up")

    # Someone who doesn't administer the Valley group can't claim its moderators' chat.
    assert said(
        await tg.command("Mallory", "setup", "moderators 2", where=VALLEY_MODERATORS),
        "Only the community's moderators",
    )
    assert said(
        await tg.command("Vera", "setup", "moderators 2", where=VALLEY_MODERATORS),
        "moderators' chat",
    )
    # Valley's settings are Valley's own, changed by its administrators only.
    assert said(await tg.command("Vera", "settings", "fee 10%", where=VALLEY), "fee: 10%")
    assert said(
        await tg.command("Mallory", "settings", "fee 1%", where=VALLEY),
        "Only the community's moderators",
    )
    assert said(
        await tg.command("Kate", "settings", where=GROUP), "Only the community's moderators"
    )
    tg.make_moderator("Kate")
    tg.application.bot_data.pop("chat statuses", None)
    assert said(await tg.command("Kate", "settings", where="group"), "fee: 15%")


@pytest.mark.parametrize(
    ("status", "takes_part"),
    [("member", True), ("restricted", True), ("left", False), ("kicked", False)],
)
async def test_only_members_of_the_group_get_offers(
    tg: TelegramDriver, status: str, takes_part: bool
) -> None:
    tg.fake.statuses[(GROUP, tg.uid("Priya"))] = status
    await tg.onboard("Priya", ["Proofreading"], "expert")
    replies = await tg.command("Priya", "available", "2h")
    if takes_part:
        assert said(replies, "You're available")
    else:
        assert said(replies, "Offers come through your community")


async def test_leaving_the_group_withdraws_the_offer_and_the_button_stops_working(
    tg: TelegramDriver,
) -> None:
    await an_offer_waiting_for_priya(tg)
    assert said(tg.dms("Priya"), "New paid work")

    await tg.leaves("Priya")

    assert said(tg.dms("Priya"), "withdrawn because you left the community")  # buttons gone
    assert said(await tg.forge("Priya", "oa:1"), "no longer open")  # an old copy of the button
    assert said(await tg.command("Priya", "available", "2h"), "Offers come through your community")
