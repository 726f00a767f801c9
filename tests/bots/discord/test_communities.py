"""Discord: a server's administrators set it up; members are who Discord says they are."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bots.app import ParentBrain
from core.clock import ManualClock
from tests.fakes.discord_api import (
    ADMIN_ROLE_ID,
    GUILD_ID,
    HELP_CHANNEL_ID,
    MOD_CHANNEL_ID,
    FakeDiscord,
    user_payload,
)
from tests.scenarios.discord_driver import DiscordDriver
from tests.scenarios.steps import an_offer_waiting_for_priya

GUILD_MEMBERS_INTENT = 1 << 1


def said(replies: list[str], *parts: str) -> bool:
    return any(all(part in reply for part in parts) for reply in replies)


@pytest.fixture
async def dc(app: ParentBrain, clock: ManualClock) -> AsyncIterator[DiscordDriver]:
    driver = DiscordDriver(app, clock, FakeDiscord())
    await driver.start()
    yield driver
    await driver.stop()


async def test_a_new_server_is_set_up_by_someone_with_manage_server(
    app: ParentBrain, clock: ManualClock
) -> None:
    fresh = DiscordDriver(app, clock, FakeDiscord(), set_up=False)
    await fresh.start()
    try:
        assert said(
            await fresh.command("Vera", "available", "2h"), "Offers come through your community"
        )
        assert said(
            await fresh.command("Mallory", "setup", str(MOD_CHANNEL_ID)),
            "Only an administrator of this server",
        )
        fresh.fake.member_roles[fresh.uid("Vera")].append(ADMIN_ROLE_ID)
        set_up = await fresh.command("Vera", "setup", f"{MOD_CHANNEL_ID} {HELP_CHANNEL_ID}")
        assert said(set_up, "Parents is set up on Parent Brain (community #1)")
        assert said(await fresh.command("Vera", "setup", str(MOD_CHANNEL_ID)), "was set up already")
        assert said(await fresh.command("Vera", "settings", "moderation all"), "moderation: all")
        assert said(
            await fresh.command("Mallory", "settings", "moderation none"),
            "Only the community's moderators",
        )
        # Reviews now reach the channel named in /setup.
        await fresh.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
        assert said(fresh.moderators(), "New business #1: Bloom Bakery")
    finally:
        await fresh.stop()


async def test_someone_who_left_the_server_gets_no_more_offers_from_it(
    dc: DiscordDriver,
) -> None:
    await an_offer_waiting_for_priya(dc)
    assert said(dc.dms("Priya"), "New paid work")
    dc.fake.departed.add(dc.uid("Priya"))
    dc.bot.moderator_cache.clear()  # as after five minutes

    # Pressing Accept in the DM: Discord says she is no longer in the server.
    assert not said(await dc.press("Priya", "Accept"), "You accepted")
    assert said(dc.dms("Priya"), "withdrawn because you left the community")
    assert said(await dc.command("Priya", "available", "2h"), "Offers come through your community")


async def test_with_the_members_intent_leaving_stops_offers_at_once(
    app: ParentBrain, clock: ManualClock
) -> None:
    app.settings.discord_members_intent = True
    driver = DiscordDriver(app, clock, FakeDiscord())
    await driver.start()
    try:
        assert driver.fake.identified_intents is not None
        assert driver.fake.identified_intents & GUILD_MEMBERS_INTENT
        await an_offer_waiting_for_priya(driver)
        await driver.fake.dispatch(
            "GUILD_MEMBER_REMOVE",
            {"guild_id": str(GUILD_ID), "user": user_payload(driver.uid("Priya"), "Priya")},
        )
        for _ in range(100):  # the gateway event is handled on the bot's own time
            await app.outbox.drain()
            if said(driver.dms("Priya"), "withdrawn because you left the community"):
                break
            await asyncio.sleep(0.02)
        assert said(driver.dms("Priya"), "withdrawn because you left the community")
    finally:
        await driver.stop()


VALLEY_GUILD = 800_000_000_000_000_101
VALLEY_MODS = 800_000_000_000_000_105


async def test_two_servers_on_one_bot_keep_their_work_and_their_moderators_apart(
    dc: DiscordDriver,
) -> None:
    """Town (the configured server) and Valley (set up with /setup) run side by side."""
    dc.guild_id = VALLEY_GUILD
    dc.fake.member_roles[dc.uid("Vera")].append(ADMIN_ROLE_ID)  # Manage Server in Valley
    assert said(await dc.command("Vera", "setup", str(VALLEY_MODS)), "community #2")
    await dc.command("Vic", "status", where="server")  # Vic says hello in Valley
    await dc.command("Mel", "business", "Bloom Bakery, mel@bloom.example", where="server")
    assert said(dc.moderators(VALLEY_MODS), "New business #1: Bloom Bakery")
    assert not said(dc.moderators(), "Bloom Bakery")  # Town's moderators never hear of it

    dc.guild_id = GUILD_ID
    await dc.command("Priya", "status", where="server")  # Priya says hello in Town
    # Vera has Manage Server in Town too (roles here are per person, not per server), but
    # Discord says she acts in Town: Valley's business is not Town's to verify.
    assert said(
        await dc.command("Vera", "verify", "1", where="server"),
        "There is no business #1 in this community",
    )
    dc.guild_id = VALLEY_GUILD
    assert said(await dc.command("Vera", "verify", "1", where="server"), "Verified Bloom Bakery")
