"""Discord-only behaviour: buttons after a restart, closed DMs, deferring, autocomplete, roles."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bots.app import ParentBrain
from bots.discord.bot import DiscordMessenger, ParentBrainBot
from core.clock import ManualClock
from core.models import Member
from core.notices import Action, Notice
from tests.fakes.discord_api import ADMIN_ROLE_ID, GUILD_ID, FakeDiscord
from tests.scenarios.discord_driver import DiscordDriver


@pytest.fixture
async def dc(app: ParentBrain, clock: ManualClock) -> AsyncIterator[DiscordDriver]:
    driver = DiscordDriver(app, clock, FakeDiscord())
    await driver.start()
    yield driver
    await driver.stop()


async def offered(dc: DiscordDriver) -> None:
    await dc.onboard("Priya", ["Proofreading"], "expert")
    await dc.command("Priya", "available", "3h")
    await dc.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    await dc.post(
        "Mel",
        title="Proofread menu",
        description="Two pages.",
        skills="proofreading",
        budget="£25",
        estimate="45m",
        deadline="tomorrow 17:00",
    )
    dc.make_moderator("Kate")
    await dc.command("Kate", "funded", "1")


async def test_offer_buttons_keep_working_after_a_restart(dc: DiscordDriver) -> None:
    await offered(dc)
    await dc.bot.close()
    dc.bot = ParentBrainBot(dc.brain, dc.brain.settings)  # a new process: nothing in memory
    await dc.bot.login("discord-test-token")
    dc.brain.outbox.messengers["discord"] = DiscordMessenger(dc.bot)
    taken = await dc.press("Priya", "Accept")
    assert any("is yours" in t for t in taken)
    assert any("You accepted" in t for t in dc.dms("Priya"))


async def test_closed_dms_mark_the_member_unreachable_and_say_how_to_fix_it(
    dc: DiscordDriver,
) -> None:
    await dc.onboard("Priya", ["Proofreading"], "expert")
    dc.cannot_dm("Priya")
    told = " ".join(await dc.command("Priya", "available", "2h"))
    assert "Privacy Settings" in told and "direct messages" in told
    async with dc.brain.uow() as uow:
        assert (
            await uow.session.scalar(select(Member.reachable).where(Member.display_name == "Priya"))
            is False
        )


async def test_the_messenger_reports_50007_as_unreachable(dc: DiscordDriver) -> None:
    from core.ports import RecipientUnreachable

    dc.cannot_dm("Ann")
    with pytest.raises(RecipientUnreachable):
        await DiscordMessenger(dc.bot).deliver(str(dc.uid("Ann")), Notice(to=1, text="hello"), None)


async def test_every_interaction_is_deferred_before_the_work_is_done(dc: DiscordDriver) -> None:
    await dc.command("Priya", "status")
    kinds = [kind for _token, kind in dc.fake.callbacks]
    assert kinds == [5]  # deferred within Discord's 3 seconds, answered by a follow-up


async def test_long_dms_split_and_buttons_stay_on_the_last_piece(dc: DiscordDriver) -> None:
    messenger = DiscordMessenger(dc.bot)
    text = "\n".join("line " + "y" * 95 for _ in range(50))
    await messenger.deliver(
        str(dc.uid("Ann")),
        Notice(to=1, text=text, actions=[Action(label="Accept", token="oa:1")]),
        None,
    )
    sent = dc.fake.messages[dc.fake.dm_channels[dc.uid("Ann")]]
    assert len(sent) == 3 and all(len(p.content) <= 2000 for p in sent)
    assert [p.buttons for p in sent] == [[], [], [("Accept", "pb:oa:1")]]


async def test_skills_and_timezones_autocomplete(dc: DiscordDriver) -> None:
    from bots.discord.parents import skill_choices, zone_choices

    class Typing:  # just what the autocomplete callbacks read from an interaction
        client = dc.bot

    choices = await skill_choices(Typing(), "design, proof")  # type: ignore[arg-type]
    assert [ch.value for ch in choices] == ["design, proofreading"]
    assert [ch.value for ch in await zone_choices(Typing(), "lond")] == ["Europe/London"]  # type: ignore[arg-type]


async def test_the_moderator_role_or_manage_server_is_read_from_discord(dc: DiscordDriver) -> None:
    assert any("Only the community's moderators" in t for t in await dc.command("Sam", "stats"))
    dc.make_moderator("Sam")
    dc.bot.moderator_cache.clear()  # as after five minutes
    assert any("Members:" in t for t in await dc.command("Sam", "stats"))
    dc.fake.member_roles[dc.uid("Ada")].append(ADMIN_ROLE_ID)
    assert any("Members:" in t for t in await dc.command("Ada", "stats"))


async def test_commands_are_synced_to_the_configured_guild(dc: DiscordDriver) -> None:
    names = {cmd["name"] for cmd in dc.fake.synced}
    assert {"available", "post", "profile", "resolve", "ban"} <= names
    assert all(cmd["guild_id"] == str(GUILD_ID) for cmd in dc.fake.synced)
    described = next(cmd for cmd in dc.fake.synced if cmd["name"] == "available")
    assert {o["name"]: o["description"] for o in described["options"]}["when"].startswith("2h")
