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


async def test_two_groups_on_one_bot_keep_their_work_and_their_moderators_apart(
    tg: TelegramDriver,
) -> None:
    """Town (the configured group) and Valley (set up with /setup) run side by side."""
    tg.fake.admins[VALLEY].add(tg.uid("Vera"))
    assert said(await tg.command("Vera", "setup", where=VALLEY), "community #2")
    await tg.command("Vera", "setup", "moderators 2", where=VALLEY_MODERATORS)
    tg.make_moderator("Kate")  # Town's administrator

    # Priya is in Town only, Vic in Valley only; each says hello in their own group first.
    tg.fake.statuses[(VALLEY, tg.uid("Priya"))] = "left"
    tg.fake.statuses[(GROUP, tg.uid("Vic"))] = "left"
    await tg.command("Priya", "status", where="group")
    await tg.command("Vic", "status", where=VALLEY)
    for parent in ("Priya", "Vic"):
        await tg.onboard(parent, ["Proofreading"], "expert")
        assert said(await tg.command(parent, "available", "3h"), "You're available")

    # Mel runs a shop in Valley: she registers there and posts from there.
    await tg.command("Mel", "business", "Bloom Bakery, mel@bloom.example", where=VALLEY)
    assert said(tg.fake.texts(VALLEY_MODERATORS), "New business #1: Bloom Bakery")
    assert not said(tg.moderators(), "Bloom Bakery")  # Town's moderators never hear of it
    await tg.command("Mel", "post", where=VALLEY)
    await tg.post(
        "Mel",
        title="Proofread menu",
        description="Two pages.",
        skills="proofreading",
        budget="£25",
        estimate="45m",
        deadline="tomorrow 17:00",
    )
    # Town's administrator can't confirm Valley's payment; Valley's can.
    assert said(
        await tg.command("Kate", "funded", "1", where="moderators"),
        "Only that community's moderators",
    )
    assert said(
        await tg.command("Vera", "funded", "1", where=VALLEY_MODERATORS), "Funding of £25.00"
    )
    assert said(tg.dms("Vic"), "New paid work", "Proofread menu")
    assert not said(tg.dms("Priya"), "Proofread menu")
