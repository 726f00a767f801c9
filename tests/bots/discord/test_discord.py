"""Discord-only behaviour: buttons after a restart, closed DMs, deferring, autocomplete, roles."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bots.app import ParentBrain
from bots.discord.bot import DiscordMessenger
from bots.discord.parents import zone_choices
from core.clock import ManualClock
from core.models import Member
from core.notices import Action, Notice
from tests.fakes.discord_api import (
    ADMIN_ROLE_ID,
    GUILD_ID,
    GUILDS_INTENT,
    MOD_ROLE_ID,
    FakeDiscord,
)
from tests.scenarios.discord_driver import DiscordDriver
from tests.scenarios.steps import an_offer_waiting_for_priya


@pytest.fixture
async def dc(app: ParentBrain, clock: ManualClock) -> AsyncIterator[DiscordDriver]:
    driver = DiscordDriver(app, clock, FakeDiscord())
    await driver.start()
    yield driver
    await driver.stop()


async def test_offer_buttons_keep_working_after_a_restart(dc: DiscordDriver) -> None:
    await an_offer_waiting_for_priya(dc)
    await dc.restart()
    taken = await dc.press("Priya", "Accept")
    assert any("is yours" in t for t in taken)
    assert any("You accepted" in t for t in dc.dms("Priya"))


async def test_closed_dms_mark_the_member_unreachable_and_say_how_to_fix_it(
    dc: DiscordDriver,
) -> None:
    await dc.onboard("Priya", ["Proofreading"], "expert")
    dc.cannot_dm("Priya")
    told = " ".join(await dc.command("Priya", "available", "2h", where="group"))
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


async def test_commands_are_global_parents_in_dms_too_and_moderators_only_in_the_server(
    dc: DiscordDriver,
) -> None:
    synced = {cmd["name"]: cmd for cmd in dc.fake.synced}
    assert {"available", "post", "profile", "resolve", "ban"} <= set(synced)
    assert dc.fake.guild_synced == []  # no second copy in the server
    for parents in ("submit", "offers", "jobs", "status", "available", "unavailable", "help"):
        assert synced[parents]["contexts"] == [0, 1], parents  # the server and bot DMs
        assert synced[parents]["default_member_permissions"] is None
    for moderators in ("funded", "paid", "owed", "verify", "ban", "resolve", "audit"):
        assert synced[moderators]["contexts"] == [0], moderators  # the server only
        assert str(synced[moderators]["default_member_permissions"]) == "32"  # Manage Server
    described = synced["available"]
    assert {o["name"]: o["description"] for o in described["options"]}["when"].startswith("2h")


async def test_commands_reach_discord_described_in_every_shipped_language(
    dc: DiscordDriver,
) -> None:
    """A Discord client in Spanish lists the commands in Spanish: each description and each
    option's, from the Spanish catalogue, for both of Discord's Spanish locales."""
    synced = {cmd["name"]: cmd for cmd in dc.fake.synced}
    unavailable = synced["unavailable"]
    assert unavailable["description"] == "Stop getting offers"
    assert unavailable["description_localizations"]["es-ES"] == "Deja de recibir ofertas"
    assert unavailable["description_localizations"]["es-419"] == "Deja de recibir ofertas"
    owed = synced["owed"]["description_localizations"]["es-ES"]
    assert owed.startswith("Moderación: Pagos pendientes")
    [when] = [o for o in synced["available"]["options"] if o["name"] == "when"]
    assert (
        when["description_localizations"]["es-ES"]
        == "2h, hasta las 15:00 o esta noche (vacío: 2 horas)"
    )
    languages = {
        locale for cmd in dc.fake.synced for locale in cmd.get("description_localizations", {})
    }
    assert languages == {"es-ES", "es-419"}  # English is the description itself


async def test_the_bot_asks_only_for_the_guilds_intent(dc: DiscordDriver) -> None:
    assert dc.fake.identified_intents == GUILDS_INTENT  # no privileged intent at all


@pytest.mark.parametrize("roles", [[MOD_ROLE_ID], [ADMIN_ROLE_ID]], ids=["role", "manage-server"])
async def test_moderators_are_recognised_while_the_server_is_still_a_stub(
    app: ParentBrain, clock: ManualClock, roles: list[int]
) -> None:
    """No GUILD_CREATE: discord.py's copy of the server has no roles; the interaction has."""
    fake = FakeDiscord()
    fake.sends_guild_create = False
    stub = DiscordDriver(app, clock, fake)
    await stub.start()
    try:
        guild = stub.bot.get_guild(GUILD_ID)
        assert guild is not None and guild.unavailable
        assert any(
            "Only the community's moderators" in t for t in await stub.command("Kate", "stats")
        )
        stub.fake.member_roles[stub.uid("Kate")] += roles
        stub.bot.moderator_cache.clear()
        assert any("Members:" in t for t in await stub.command("Kate", "stats"))
    finally:
        await stub.stop()


async def test_a_parent_delivers_with_submit_in_the_dm_where_the_offer_sits(
    dc: DiscordDriver,
) -> None:
    await an_offer_waiting_for_priya(dc)
    await dc.press("Priya", "Accept")
    delivered = await dc.command("Priya", "submit", "1 https://docs.example/menu", where="dm")
    assert delivered == [
        'Sent your work for "Proofread menu" to the business. You\'ll hear here when they approve.'
    ]
    assert any("with /submit 1" in t for t in dc.dms("Priya"))  # what the DM told them to type
    assert not any(p.ephemeral for p in dc.fake.messages[dc.fake.dm_channel(dc.uid("Priya"))])


async def test_a_button_nothing_knows_is_answered_as_out_of_date(dc: DiscordDriver) -> None:
    for custom_id in ("offer-accept-17", "pb:zz", "pb:oa:1234567890123"):
        said = await dc.press_old_component("Priya", custom_id)
        assert said == ["This button is out of date. Type /help to see what you can do now."]


async def test_a_form_from_before_a_restart_is_answered_as_out_of_date(dc: DiscordDriver) -> None:
    said = await dc.submit_old_form("Priya", "0123456789abcdef0123456789abcdef")
    assert said == ["This form is out of date; please start again with the command."]


@pytest.mark.parametrize("number", ["999999999999", "99999999999999999999"])
async def test_numbers_past_any_id_are_not_found_on_every_store(
    dc: DiscordDriver, number: str
) -> None:
    await an_offer_waiting_for_priya(dc)
    for name, command, args in [
        ("Priya", "why", number),
        ("Priya", "submit", f"{number} done"),
        ("Mel", "cancel", number),
        ("Kate", "funded", number),
        ("Kate", "paid", number),
        ("Kate", "verify", number),
    ]:
        said = " ".join(await dc.command(name, command, args))
        assert "There is no" in said or "Please give the" in said, (command, said)
    pressed = " ".join(await dc.forge("Priya", f"oa:{number[:12]}"))
    assert "There is no offer" in pressed


async def test_discord_help_speaks_discord_and_the_profile_takes_preferences(
    dc: DiscordDriver,
) -> None:
    shown = "\n".join(await dc.command("Priya", "help"))  # one or more messages of 2,000
    assert "/available when:2h" in shown and "/submit item:12 work:" in shown
    assert "reply to a message" not in shown and "step by step" not in shown
    await dc.onboard("Priya", ["Proofreading", "Design"], "expert")
    said = await dc.command("Priya", "profile", "prefer design")
    assert any("preferred work" in text for text in said), said


async def test_timezones_autocomplete_from_the_whole_iana_list() -> None:
    offered = [choice.value for choice in await zone_choices(None, "kolk")]  # type: ignore[arg-type]
    assert offered == ["Asia/Kolkata"]
    assert len(await zone_choices(None, "america")) == 25  # type: ignore[arg-type]
    assert (await zone_choices(None, ""))[0].value == "Europe/London"  # type: ignore[arg-type]


async def test_where_offers_arrive_is_said_once_not_on_every_available(dc: DiscordDriver) -> None:
    await dc.onboard("Priya", ["Proofreading"], "expert")
    for _ in range(3):
        await dc.command("Priya", "available", "2h", where="server")
    told = [text for text in dc.dms("Priya") if "You'll get offers here" in text]
    assert len(told) == 1
