"""Telegram-only behaviour: limits, blocked users, long texts, edits, admins, webhooks, crashes."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bots.app import ParentBrain
from bots.telegram.app import TelegramAdapter
from bots.telegram.catalogue import publish_menus, publish_moderator_menus
from bots.telegram.messenger import TelegramMessenger
from core import commands as c
from core.answers import SORRY
from core.clock import ManualClock
from core.models import Member, OutboxNotice, WorkItem
from core.notices import Action, Notice
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.telegram_driver import GROUP, MOD_CHAT, TelegramDriver


@pytest.fixture
async def tg(app: ParentBrain, clock: ManualClock) -> AsyncIterator[TelegramDriver]:
    driver = TelegramDriver(app, clock, FakeTelegram())
    await driver.start()
    yield driver
    await driver.stop()


async def queue_for(tg: TelegramDriver, names: list[str], text: str = "Hello") -> None:
    for name in names:
        actor = await tg.brain.handle(
            c.RegisterAccount(platform="telegram", external_id=str(tg.uid(name)), display_name=name)
        )
        async with tg.brain.uow() as uow:
            await uow.notify(Notice(to=actor.member_id, text=f"{text} {name}"))
            await uow.commit()


async def test_a_429_storm_is_waited_out_and_nothing_is_lost(tg: TelegramDriver) -> None:
    tg.fake.enforce_limits = True
    names = [f"P{i}" for i in range(45)]
    await queue_for(tg, names)
    for _ in range(20):
        await tg.brain.outbox.dispatch_once()
        async with tg.brain.uow() as uow:
            left = (
                await uow.session.scalars(
                    select(OutboxNotice.id).where(OutboxNotice.status != "sent")
                )
            ).all()
        if not left:
            break
        await asyncio.sleep(1.05)  # the fake counts real seconds
        tg.clock.advance(seconds=2)  # the outbox's retry_after is kept on the store's clock
    assert tg.fake.http_429 > 0  # the storm really happened
    for name in names:
        assert tg.dms(name) == [f"Hello {name}"]  # exactly once each


async def test_a_user_who_blocked_the_bot_is_marked_unreachable(tg: TelegramDriver) -> None:
    await tg.onboard("Priya", ["Proofreading"], "expert")
    tg.fake.blocked.add(tg.uid("Priya"))
    await queue_for(tg, ["Priya"], "Are you there")
    report = await tg.brain.outbox.dispatch_once()
    assert report.unreachable and report.sent == 0
    async with tg.brain.uow() as uow:
        assert (
            await uow.session.scalar(select(Member.reachable).where(Member.display_name == "Priya"))
        ) is False


async def test_long_texts_are_split_and_buttons_stay_on_the_last_piece(tg: TelegramDriver) -> None:
    messenger = tg.brain.messengers["telegram"]
    long_text = "\n".join(f"line {i} " + "x" * 90 for i in range(120))
    await messenger.deliver(
        str(tg.uid("Ann")),
        Notice(to=1, text=long_text, actions=[Action(label="Accept", token="oa:1")]),
        None,
    )
    pieces = tg.fake.chats[tg.uid("Ann")]
    assert len(pieces) == 3 and all(len(p.text) <= 4096 for p in pieces)
    assert [p.buttons for p in pieces] == [[], [], [("Accept", "oa:1")]]
    assert "".join(p.text for p in pieces).replace("\n", "") == long_text.replace("\n", "")


async def test_an_edit_of_a_vanished_message_sends_a_new_one(tg: TelegramDriver) -> None:
    messenger = tg.brain.messengers["telegram"]
    ref = await messenger.deliver(str(tg.uid("Ann")), Notice(to=1, text="Offer"), None)
    assert (
        await messenger.deliver(str(tg.uid("Ann")), Notice(to=1, text="Offer, edited"), ref) == ref
    )
    tg.fake.chats[tg.uid("Ann")].clear()
    new_ref = await messenger.deliver(str(tg.uid("Ann")), Notice(to=1, text="Offer, again"), ref)
    assert new_ref != ref and tg.dms("Ann") == ["Offer, again"]


async def test_moderators_are_the_community_chats_admins_asked_once(tg: TelegramDriver) -> None:
    assert "Only the community's moderators" in " ".join(await tg.command("Kate", "stats"))
    tg.make_moderator("Kate")
    tg.application.bot_data.pop("chat statuses", None)  # forgotten, as after 5 minutes
    assert "Members:" in " ".join(await tg.command("Kate", "stats"))
    asked = sum(1 for method, _ in tg.fake.calls if method == "getChatMember")
    await tg.command("Kate", "stats")
    assert sum(1 for method, _ in tg.fake.calls if method == "getChatMember") == asked


async def test_commands_in_the_group_answer_briefly_there(tg: TelegramDriver) -> None:
    await tg.onboard("Priya", ["Proofreading"], "expert")
    await tg.command("Priya", "status", where="group")
    assert tg.group() == ["Priya: done, I've sent you the details by DM."]
    assert "You're not available" in tg.dms("Priya")[-1]
    await tg.command("Priya", "post", where="group")
    assert "Type /post here" in tg.dms("Priya")[-1]
    assert GROUP not in (
        int(p.get("chat_id", 0)) for m, p in tg.fake.calls if m == "editMessageText"
    )


async def test_a_crash_inside_a_handler_tells_the_user_one_sentence(tg: TelegramDriver) -> None:
    async def broken(cmd: c.GoUnavailable, uow: object) -> str:
        raise RuntimeError("database on fire")

    tg.brain.bus.command_handlers[c.GoUnavailable] = broken
    with pytest.raises(AssertionError, match="database on fire"):
        await tg.command("Priya", "unavailable")
    apology = tg.dms("Priya")[-1]
    assert apology.startswith(SORRY) and re.search(r"\(Error [0-9a-f]{8},", apology), apology
    assert all("Traceback" not in t and "fire" not in t for t in tg.dms("Priya"))


async def test_webhook_mode_accepts_only_telegrams_secret(app: ParentBrain) -> None:
    from bots.run import web_app

    fake = FakeTelegram()
    await fake.start()
    app.settings = app.settings.model_copy(
        update={
            "telegram_token": SecretStr("123:TEST"),
            "telegram_webhook_url": "https://example.org/telegram/webhook",
        }
    )
    adapter = TelegramAdapter(app.settings, app, base_url=fake.url)
    await adapter.start()
    runner = aiohttp.web.AppRunner(web_app(app, {"telegram": adapter}))
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 77, "type": "private"},
            "from": {"id": 77, "is_bot": False, "first_name": "Ann"},
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    try:
        assert any(
            m == "setWebhook" and p["secret_token"] == adapter.webhook_secret for m, p in fake.calls
        )
        # A second process behind the same webhook expects the very same secret.
        assert TelegramAdapter(app.settings, app, base_url=fake.url).webhook_secret == (
            adapter.webhook_secret
        )
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/telegram/webhook"
            async with http.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            ) as r:
                assert r.status == 403
            async with http.post(
                url,
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": adapter.webhook_secret},
            ) as r:
                assert r.status == 200
        for _ in range(50):
            if fake.texts(77):
                break
            await asyncio.sleep(0.05)
        assert "/available" in fake.texts(77)[0]
    finally:
        await adapter.stop()
        await runner.cleanup()
        await fake.stop()


async def test_the_outbox_paces_one_message_a_second_per_chat(tg: TelegramDriver) -> None:
    paced = TelegramMessenger(tg.application.bot, per_chat_interval=0.2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for n in range(3):
        await paced.deliver(str(tg.uid("Ann")), Notice(to=1, text=f"m{n}"), None)
    assert loop.time() - started >= 0.4  # three messages to one chat: two waits
    assert tg.dms("Ann") == ["m0", "m1", "m2"]


async def test_the_post_dialog_asks_again_when_an_answer_is_wrong(tg: TelegramDriver) -> None:
    await tg.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    await tg.command("Mel", "post")
    await tg.reply("Mel", "Logo")
    await tg.reply("Mel", "A simple logo")
    assert 'Did you mean "design"' in " ".join(await tg.reply("Mel", "desing"))
    await tg.reply("Mel", "design")
    assert "need a moderator" in " ".join(await tg.reply("Mel", "£9000000"))
    await tg.reply("Mel", "£40")
    await tg.reply("Mel", "2h")
    await tg.reply("Mel", "friday")
    done = " ".join(await tg.press("Mel", "Normal"))
    assert 'Posted #1 "Logo"' in done and "£34.00" in done


async def test_a_deep_link_finishes_the_command_typed_in_the_group(tg: TelegramDriver) -> None:
    await tg.onboard("Priya", ["Proofreading"], "expert")
    tg.cannot_dm("Priya")
    told = " ".join(await tg.command("Priya", "available", "until 15:00", where="group"))
    assert "press Start" in told and "t.me/" in told
    tg.can_dm("Priya")
    done = " ".join(await tg.press_start_link("Priya", "/available until 15:00"))
    assert "You're available until 15:00" in done


async def test_onboarding_asks_experience_timezone_rate_and_quiet_hours(tg: TelegramDriver) -> None:
    await tg.command("Priya", "start")
    await tg.press("Priya", "Proofreading")
    await tg.press("Priya", "Done")
    await tg.press("Priya", "Expert")
    assert "Type a number" in " ".join(await tg.reply("Priya", "lots"))  # asked again, nothing lost
    await tg.reply("Priya", "7")
    assert "timezone" in " ".join(await tg.reply("Priya", "Mars/Olympus"))
    await tg.reply("Priya", "Europe/Dublin")
    await tg.reply("Priya", "£18")
    done = " ".join(await tg.reply("Priya", "21:00-07:00"))
    assert "All set" in done
    profile = " ".join(await tg.command("Priya", "profile"))
    assert "proofreading (expert)" in profile and "£18.00" in profile
    assert "Europe/Dublin" in profile and "21:00-07:00" in profile


async def test_new_commands_typed_without_their_words_say_what_to_type(tg: TelegramDriver) -> None:
    await tg.onboard("Priya", ["Proofreading"], "expert")
    assert any("/report asked me to pay" in t for t in await tg.command("Priya", "report"))
    assert any("/quiz proofreading" in t for t in await tg.command("Priya", "quiz"))
    assert any("/ask how do you invoice" in t for t in await tg.command("Priya", "ask"))
    assert any("item number" in t for t in await tg.command("Priya", "unblock"))
    assert any("Did you mean" in t for t in await tg.command("Priya", "learn", "proofreadin"))


async def test_a_post_finished_after_its_prompt_was_deleted_still_says_it_was_posted(
    tg: TelegramDriver,
) -> None:
    await tg.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    await tg.command("Mel", "post")
    for answer in ("Proofread menu", "Two pages.", "proofreading", "£25", "45m", "tomorrow 17:00"):
        await tg.reply("Mel", answer)
    tg.fake.chats[tg.uid("Mel")].clear()  # she cleared the chat, buttons and all
    said = await tg.forge("Mel", "post:normal")  # the press reaches us all the same
    assert any('Posted #1 "Proofread menu"' in text for text in said), said
    assert SORRY not in said


async def test_a_mistyped_command_gets_an_answer_with_the_closest_ones(tg: TelegramDriver) -> None:
    said = await tg.command("Priya", "avilable", "2h")
    assert said == [
        "There's no /avilable here. Did you mean /available or /unavailable? "
        "/help lists everything."
    ]
    assert await tg.command("Priya", "nosuchthing") == [
        "There's no /nosuchthing here. Type /help to see what you can type."
    ]
    # In the group, only a command addressed to this bot: another bot's is none of ours.
    assert await tg.command("Priya", "nosuchthing", where="group") == []
    addressed = await tg.say("Priya", f"/nosuchthing@{tg.application.bot.username}", where="group")
    assert any("There's no /nosuchthing here" in text for text in addressed)


async def test_cancel_with_an_item_inside_a_post_cancels_that_item_and_keeps_the_draft(
    tg: TelegramDriver,
) -> None:
    await tg.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    await tg.post(
        "Mel",
        title="First flyer",
        description="One page.",
        skills="proofreading",
        budget="£25",
        estimate="45m",
        deadline="tomorrow 17:00",
    )
    await tg.command("Mel", "post")
    await tg.reply("Mel", "Second flyer")
    said = await tg.command("Mel", "cancel", "1")
    assert any('Cancelled "First flyer"' in text for text in said), said
    assert any("still open" in text for text in said)
    said = await tg.reply("Mel", "Two pages.")  # the draft goes on from where it was
    assert any("skills" in text.lower() for text in said), said


async def test_an_abandoned_post_is_put_aside_with_a_sentence_after_the_time_out(
    tg: TelegramDriver,
) -> None:
    await tg.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    await tg.command("Mel", "post")
    await tg.reply("Mel", "Proofread menu")
    tg.clock.advance(minutes=16)  # she went to the school gate
    said = await tg.reply("Mel", "Two pages.")
    assert said == [
        "Your post from earlier waited more than 15 minutes for an answer, so I put it aside "
        "and nothing was posted. Type /post to start again."
    ]
    again = await tg.command("Mel", "post")  # a fresh start, from the first question
    assert any("title" in text.lower() for text in again), again
    async with tg.brain.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(WorkItem)) == 0


async def test_command_menus_are_set_per_kind_of_chat_from_the_catalogue(
    tg: TelegramDriver,
) -> None:
    await publish_menus(tg.application.bot)
    await publish_moderator_menus(tg.application.bot, [MOD_CHAT])
    menus = {
        json.dumps(params.get("scope"), sort_keys=True): [c["command"] for c in params["commands"]]
        for method, params in tg.fake.calls
        if method == "setMyCommands" and not params.get("language_code")
    }
    private = menus[json.dumps({"type": "all_private_chats"})]
    assert private[:2] == ["available", "unavailable"] and "post" in private
    assert "funded" not in private
    assert menus[json.dumps({"type": "default"})] == private
    assert "funded" not in menus[json.dumps({"type": "all_group_chats"})]
    moderators = menus[json.dumps({"chat_id": MOD_CHAT, "type": "chat"}, sort_keys=True)]
    assert {"funded", "paid", "owed", "disputes", "resolve", "ban", "help"} <= set(moderators)


async def test_each_menu_is_also_set_in_every_shipped_language(tg: TelegramDriver) -> None:
    """A phone set to Spanish shows the Spanish menu: each scope is set again with
    language_code "es", the descriptions from the Spanish catalogue."""
    await publish_menus(tg.application.bot)
    await publish_moderator_menus(tg.application.bot, [MOD_CHAT])
    spanish = {
        json.dumps(params.get("scope"), sort_keys=True): {
            c["command"]: c["description"] for c in params["commands"]
        }
        for method, params in tg.fake.calls
        if method == "setMyCommands" and params.get("language_code") == "es"
    }
    private = spanish[json.dumps({"type": "all_private_chats"})]
    assert private["unavailable"] == "deja de recibir ofertas"
    assert private["profile"].startswith("mira o cambia tus habilidades")
    assert spanish[json.dumps({"type": "default"})] == private
    assert "all_group_chats" in "".join(spanish)
    moderators = spanish[json.dumps({"chat_id": MOD_CHAT, "type": "chat"}, sort_keys=True)]
    assert (
        moderators["owed"]
        == "pagos pendientes a las familias y reembolsos pendientes a las empresas"
    )


async def test_a_private_command_typed_in_the_group_is_not_used(tg: TelegramDriver) -> None:
    """/lmstoken carries a secret: from a group it is refused, with a word to replace it."""
    await tg.onboard("Kate", ["Design"], "expert")
    said = await tg.command("Kate", "lmstoken", "a-secret-token", where="group")
    assert any("works in a private chat with me, so I didn't use that" in t for t in said)
    assert any("delete the message here" in t for t in said)


async def test_an_update_delivered_twice_is_applied_once(tg: TelegramDriver) -> None:
    """Telegram sends a webhook update again when it heard no answer: the second is
    recognised by its update_id, recorded with the first's effects, and changes nothing."""
    from sqlalchemy import func, select
    from telegram import Update

    from core.models import Availability

    await tg.onboard("Priya", ["Proofreading"], "expert")
    await tg.belongs("Priya")
    sent = tg.message_update("Priya", "/available 2h")
    update = Update.de_json(sent, tg.application.bot)
    processor = tg.application.update_processor
    for _ in range(2):
        await processor.process_update(update, tg.application.process_update(update))
    await tg.brain.outbox.drain()
    texts = [m.text for m in tg.fake.chats[tg.uid("Priya")]]
    assert sum("You're available" in t for t in texts) == 1
    assert any("That's done already." in t for t in texts)
    async with tg.brain.uow() as uow:
        live = await uow.session.scalar(select(func.count()).where(Availability.ended_at.is_(None)))
    assert live == 1


async def test_answers_posted_in_the_group_are_in_the_communitys_language(
    tg: TelegramDriver,
) -> None:
    """Everyone in a group reads what is posted there, so it is in the community's language;
    what goes to one person by DM is in theirs."""
    tg.make_moderator("Kate")
    await tg.command("Kate", "settings", "language es", where="group")
    shown = await tg.command("Kate", "settings", where="group")
    assert any(t.startswith("Ajustes de") for t in shown), shown
    await tg.onboard("Priya", ["Proofreading"], "expert")
    await tg.belongs("Priya")
    status = await tg.command("Priya", "status", where="group")  # details by DM
    assert any("You're not available right now" in t for t in status), status
