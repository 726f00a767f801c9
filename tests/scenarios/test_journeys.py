"""What parents, businesses and moderators can do, written once and run on every platform."""

from __future__ import annotations

import json

import pytest

from tests.scenarios.driver import Driver

MENU = {
    "title": "Proofread our spring menu",
    "description": "Two pages. Spelling and consistent prices.",
    "skills": "proofreading",
    "budget": "£25",
    "estimate": "45m",
    "deadline": "tomorrow 17:00",
}


def said(texts: list[str], *fragments: str) -> bool:
    return any(all(f in t for f in fragments) for t in texts)


async def business_with_funded_item(driver: Driver, **overrides: str) -> int:
    await driver.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    posted = await driver.post("Mel", **(MENU | overrides))
    assert said(posted, "the parent receives £21.25 and the platform fee is £3.75"), posted
    driver.make_moderator("Kate")
    funded = await driver.command("Kate", "funded", "1 bank ref 0302")
    assert said(funded, "Funding of £25.00 recorded"), funded
    return 1


async def test_a_parent_is_offered_work_delivers_it_and_is_paid(driver: Driver) -> None:
    welcome = await driver.onboard("Priya", ["Proofreading", "Design"], "expert")
    assert said(welcome, "/available")
    in_group = await driver.command("Priya", "available", "2h", where="group")
    assert said(in_group + driver.dms("Priya"), "You're available until 11:00")

    await business_with_funded_item(driver)
    assert said(driver.dms("Mel"), "Payment of £25.00 received")
    assert said(
        driver.dms("Priya"),
        "New paid work",
        "You receive £21.25",
        "Why you: expert in proofreading",
    )

    taken = await driver.press("Priya", "Accept")
    assert said(taken, "is yours")
    assert said(driver.dms("Mel"), "Priya is working on")

    asked = await driver.press("Priya", "Submit work")
    assert said(asked, "Send your work now")
    sent = await driver.reply("Priya", "Fixed 12 typos: https://docs.example/menu-v2")
    assert said(sent, "Sent your work")
    assert said(driver.dms("Mel"), "Delivery for", "https://docs.example/menu-v2")

    await driver.press("Mel", "Approve")
    assert said(driver.dms("Priya"), "£21.25 is owed to you")
    await driver.press("Mel", "★★★★★")
    await driver.press("Priya", "★★★★")
    assert said(driver.dms("Priya"), "rated you ★★★★★")
    assert said(driver.dms("Mel"), "rated you ★★★★")

    owed = await driver.command("Kate", "owed")
    assert said(owed, "Payout #1: £21.25 to Priya")
    await driver.command("Kate", "paid", "1 transfer 0302-1")
    assert said(driver.dms("Priya"), "You've been paid £21.25")
    assert said(await driver.command("Priya", "earnings"), "Paid to you: £21.25")


async def test_a_decline_and_a_time_out_move_the_offer_along(driver: Driver) -> None:
    for name in ("Priya", "Tom", "Aisha"):
        await driver.onboard(name, ["Proofreading"], "expert")
        await driver.command(name, "available", "3h")
    await business_with_funded_item(driver)

    assert said(driver.dms("Priya"), "New paid work")
    await driver.press("Priya", "Decline")
    assert said(driver.dms("Priya"), "You passed on")
    assert said(driver.dms("Tom"), "New paid work")
    await driver.tick(11)
    assert said(driver.dms("Tom"), "this offer timed out")
    assert said(driver.dms("Aisha"), "New paid work")
    assert said(await driver.command("Aisha", "offers"), "you receive £21.25")


@pytest.mark.parametrize("router_name", ["learning"])
async def test_a_second_parent_is_asked_when_the_first_may_not_answer_now(
    driver: Driver,
) -> None:
    """Both let an offer lapse at this hour, so the next is offered with a head start of three
    minutes, then to the other as well, and the first to accept takes it."""
    parents = ("Priya", "Tom")
    for name in parents:
        await driver.onboard(name, ["Proofreading"], "expert")
        await driver.command(name, "available", "3h")
    await business_with_funded_item(driver)
    await driver.tick(11)  # the first asked lets it time out, and the other is asked
    await driver.tick(11)  # who lets it time out too
    await driver.post("Mel", **(MENU | {"title": "Proofread our summer menu"}))
    assert said(await driver.command("Kate", "funded", "2 bank ref 0303"), "Funding of £25.00")

    first = next(n for n in parents if said(driver.dms(n), "summer menu", "You have a head start"))
    second = "Tom" if first == "Priya" else "Priya"
    assert said(driver.dms(first), "summer menu", "accepted in 3 minutes")
    assert not said(driver.dms(second), "summer menu")
    await driver.tick(3)
    assert said(driver.dms(second), "summer menu", "Another parent was asked a few minutes ago")
    assert said(await driver.press(second, "Accept"), "is yours")
    assert said(driver.dms(first), "another parent took this one")


async def test_changes_and_disputes_go_to_the_other_side(driver: Driver) -> None:
    await driver.onboard("Priya", ["Proofreading"], "expert")
    await driver.command("Priya", "available", "3h")
    await business_with_funded_item(driver)
    await driver.press("Priya", "Accept")
    await driver.command("Priya", "submit", "1 first version")

    await driver.press("Mel", "Request changes")
    await driver.reply("Mel", "Please check the prices too")
    assert said(driver.dms("Priya"), "asked for changes", "Please check the prices too")
    await driver.command("Priya", "submit", "1 second version")
    await driver.press("Mel", "Dispute")
    answered = await driver.reply("Mel", "Half the menu is missing")
    assert said(answered, "moderators have your dispute")
    assert said(driver.dms("Priya"), "in dispute", "Half the menu is missing")


async def test_bad_input_gets_one_sentence_and_changes_nothing(driver: Driver) -> None:
    await driver.onboard("Priya", ["Proofreading"], "expert")
    assert said(await driver.command("Priya", "available", "soon"), "Try /available 2h")
    assert said(await driver.command("Priya", "available", "30h"), "use /schedule")
    assert said(await driver.command("Priya", "why", "abc"), "offer number")
    assert said(await driver.command("Priya", "profile", "skills desing"), 'Did you mean "design"')
    assert said(await driver.command("Priya", "funded", "1"), "Only the community's moderators")
    assert said(await driver.command("Priya", "cancel", "1"), "Register your business first")

    await driver.command("Priya", "available", "2h")
    await business_with_funded_item(driver)
    await driver.onboard("Tom", ["Proofreading"], "beginner")
    assert said(await driver.forge("Tom", "oa:1"), "sent to someone else")
    assert said(await driver.forge("Priya", "zz:1"), "no longer valid")
    assert said(await driver.forge("Priya", "oa:999"), "no longer open")
    await driver.press("Priya", "Accept")
    assert said(await driver.forge("Priya", "oa:1"), "already accepted")
    assert said(await driver.command("Tom", "submit", "1 my version"), "isn't assigned to you")
    assert said(await driver.command("Tom", "submit", "1 " + "x" * 4500), "doesn't look right")
    assert said(await driver.forge("Tom", "wa:1"), "Register your business first")
    await driver.command("Rex", "business", "Rival Ltd, rex@rival.example")
    assert said(await driver.forge("Rex", "wa:1"), "belongs to another business")
    assert said(await driver.forge("Rex", "wc:1"), "What should the parent change?")
    assert said(await driver.reply("Rex", "redo it"), "belongs to another business")


async def test_someone_who_cannot_be_messaged_is_told_how_and_offers_flow_once_they_can(
    driver: Driver,
) -> None:
    await driver.onboard("Priya", ["Proofreading"], "expert")
    driver.cannot_dm("Priya")
    told = await driver.command("Priya", "available", "until 15:00", where="group")
    assert said(told, "I can't", "message")
    assert not said(driver.dms("Priya"), "You're available")

    driver.can_dm("Priya")
    again = await driver.command("Priya", "available", "until 15:00", where="group")
    assert said(again + driver.dms("Priya"), "You're available until 15:00")
    await business_with_funded_item(driver)
    assert said(driver.dms("Priya"), "New paid work")


async def test_an_offer_the_bot_cannot_deliver_goes_to_the_next_parent_at_once(
    driver: Driver,
) -> None:
    for name in ("Priya", "Tom"):
        await driver.onboard(name, ["Proofreading"], "expert")
        await driver.command(name, "available", "3h")
    driver.cannot_dm("Priya")  # she has closed her DMs (or blocked the bot) since
    await business_with_funded_item(driver)  # the offer goes to her first ...
    assert said(driver.dms("Tom"), "New paid work")  # ... and on to Tom, without the time-out
    assert not said(driver.dms("Priya"), "New paid work")


async def test_moderators_decide_disputes_and_suspend_members(driver: Driver) -> None:
    await driver.onboard("Priya", ["Proofreading"], "expert")
    await driver.command("Priya", "available", "3h")
    await business_with_funded_item(driver)
    await driver.press("Priya", "Accept")
    await driver.command("Priya", "submit", "1 half of it")
    await driver.press("Mel", "Dispute")
    await driver.reply("Mel", "Only half done")

    assert said(
        await driver.command("Priya", "resolve", "1 pay"), "Only the community's moderators"
    )
    assert said(await driver.command("Kate", "disputes"), "#1", "half of it", "/resolve 1 split")
    assert said(await driver.command("Kate", "resolve", "1 halve"), "pay, refund or split")
    decided = await driver.command("Kate", "resolve", "1 split £15")
    assert said(decided, "£12.75 to the parent, £10.00 back to the business")
    assert said(driver.dms("Priya"), "you receive £12.75")
    assert said(driver.dms("Mel"), "the parent receives £12.75", "£10.00 for", "refunded to you")
    assert said(driver.moderators(), "Refund owed for item #1", "/refunded 1")
    assert said(driver.moderators(), "Payout #1 owed: £12.75 to Priya for item #1")

    assert said(
        await driver.command("Kate", "ban", "@priya 7d ignoring deadlines"),
        "Suspended Priya for 7d",
    )
    assert said(driver.dms("Priya"), "suspended your account for 7d")
    assert said(await driver.command("Priya", "available", "2h"), "suspended until")
    assert said(await driver.command("Kate", "unban", "@priya"), "Lifted")
    assert said(await driver.command("Priya", "available", "2h"), "You're available")


async def test_moderators_review_posts_and_settle_disputes_from_their_channel(
    driver: Driver,
) -> None:
    driver.brain.settings.moderate_posts = "first"  # type: ignore[attr-defined]  # a new business's first post waits
    driver.make_moderator("Kate")
    await driver.onboard("Priya", ["Proofreading"], "expert")
    await driver.command("Priya", "available", "3h")
    await driver.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    assert said(driver.moderators(), "New business #1: Bloom Bakery")  # type: ignore[attr-defined]

    posted = await driver.post("Mel", **MENU)
    assert said(posted, "goes to a moderator first")
    assert said(
        driver.moderators(), "New post to review from Bloom Bakery", "Proofread our spring menu"
    )  # type: ignore[attr-defined]
    assert said(await driver.press("Priya", "Approve post"), "Only the community's moderators")
    assert said(await driver.press("Kate", "Approve post"), "Approved #1")
    assert said(driver.dms("Mel"), "A moderator approved", "To open it to parents")
    await driver.command("Kate", "funded", "1")

    await driver.press("Priya", "Accept")
    await driver.command("Priya", "submit", "1 half of it")
    await driver.press("Mel", "Dispute")
    await driver.reply("Mel", "Only half is done")
    assert said(driver.moderators(), "Dispute on", "Only half is done", "half of it")  # type: ignore[attr-defined]
    assert said(await driver.press("Kate", "Refund the business"), "Decided for the business")
    assert said(driver.dms("Mel"), "£25.00", "is being refunded")
    assert said(driver.dms("Priya"), "decided", "for the business")

    await driver.command("Rex", "business", "Rex Ltd, rex@rex.example")
    assert said(await driver.press("Priya", "Verify business"), "Only the community's moderators")
    assert said(await driver.press("Kate", "Verify business"), "Verified Rex Ltd")
    assert said(driver.dms("Rex"), "now verified")
    driver.brain.settings.moderate_posts = "all"  # type: ignore[attr-defined]  # verified, yet still reviewed
    await driver.post("Rex", **(MENU | {"title": "Send 500 cold emails"}))
    await driver.press("Kate", "Reject post")
    assert said(await driver.reply("Kate", "Bulk cold emailing breaks our rules"), "Rejected #2")
    assert said(driver.dms("Rex"), "didn't approve", "Bulk cold emailing breaks our rules")

    await driver.command("Zed", "business", "Zed Loans, zed@loans.example")
    assert said(await driver.press("Priya", "Reject business"), "Only the community's moderators")
    await driver.press("Kate", "Reject business")
    assert said(
        await driver.reply("Kate", "Payday loans aren't allowed here"), "Rejected Zed Loans"
    )
    assert said(driver.dms("Zed"), "didn't approve Zed Loans", "Payday loans aren't allowed here")
    assert said(await driver.command("Zed", "cancel", "1"), "didn't approve Zed Loans")


async def test_people_block_report_and_see_or_erase_their_own_data(driver: Driver) -> None:
    driver.make_moderator("Kate")
    await driver.onboard("Priya", ["Proofreading"], "expert")
    await driver.command("Priya", "available", "3h")
    await business_with_funded_item(driver)
    await driver.press("Priya", "Decline")

    assert said(await driver.command("Priya", "block", "1"), "won't be matched with Bloom Bakery")
    await driver.post("Mel", **(MENU | {"title": "Proofread the summer menu"}))
    await driver.command("Kate", "funded", "2")
    assert not said(driver.dms("Priya"), "summer menu")  # free, skilled, and kept apart
    assert said(await driver.command("Priya", "unblock", "1"), "matched with you again")
    assert said(await driver.command("Priya", "block", "x"), "item number")

    reported = await driver.command("Priya", "report", "asked me to pay a deposit by transfer")
    assert said(reported, "moderators have your report")
    assert said(driver.moderators(), "Report from Priya", "pay a deposit by transfer")
    audit = await driver.command("Kate", "audit")
    assert said(audit, "Priya (member", "reported")  # in plain words, with names
    assert said(audit, "Kate (member", "confirmed a payment arrived · item #1")
    assert said(audit, "the ledger recorded money paid in for")
    assert said(await driver.command("Priya", "audit"), "Only the community's moderators")

    assert said(await driver.command("Priya", "mydata"), "everything Parent Brain stores")
    [(name, content)] = [f for f in driver.files("Priya") if f[0].endswith(".json")]
    assert name.startswith("parentbrain-my-data-")
    assert json.loads(content)["members"][0]["display_name"] == "Priya"
    assert said(await driver.command("Priya", "forgetme"), "/forgetme yes")
    assert said(await driver.command("Priya", "forgetme", "yes"), "personal details are erased")
    # The report stays, its reporter unnamed.
    assert said(await driver.command("Kate", "audit"), "Former member", "reported")


async def test_a_parent_takes_a_skill_check_with_buttons_and_is_verified(driver: Driver) -> None:
    await driver.onboard("Priya", ["Proofreading"], "intermediate")
    listing = await driver.command("Priya", "learn")
    assert said(listing, "Proofreading: 4 questions, pass with 3", "/quiz proofreading")

    first = await driver.command("Priya", "quiz", "proofreading")
    assert said(first, "Question 1 of 4", "Which sentence is correct?")
    assert said(await driver.press("Priya", "It's raining again."), "Question 2 of 4")
    await driver.press("Priya", "accommodate")
    await driver.press("Priya", "effect")
    passed = await driver.press("Priya", "the days of the week, like monday")
    assert said(passed, "4 of 4 right: you passed", "proofreading is now verified")
    assert said(await driver.forge("Priya", "q1:101"), "already answered")
    assert said(await driver.command("Priya", "quiz", "design"), "no skill check for design")


async def test_a_parent_asks_the_community_with_or_without_their_name(driver: Driver) -> None:
    await driver.onboard("Priya", ["Proofreading"], "expert")
    asked = await driver.command("Priya", "ask", "how do you invoice a business?")
    assert said(asked, "Posted your question in the community's help channel")
    assert said(driver.help_channel(), "Priya asks: how do you invoice a business?")

    quiet = await driver.command("Priya", "ask", "anonymously is £15 an hour fair for editing?")
    assert said(quiet, "without your name")
    assert said(driver.help_channel(), "A parent (anonymous) asks: is £15 an hour fair")
    assert not said(driver.help_channel(), "Priya asks: is £15")
    assert said(await driver.command("Priya", "ask", "hi"), "The question doesn't look right")


async def test_offline_money_leaves_nothing_to_memory(driver: Driver) -> None:
    await driver.onboard("Priya", ["Proofreading"], "expert")
    await driver.command("Priya", "available", "3h")
    await business_with_funded_item(driver)
    await driver.tick(0)
    assert said(driver.moderators(), "Item #1", "awaits a bank transfer of £25.00", "/funded 1")

    await driver.press("Priya", "Accept")
    await driver.press("Priya", "Submit work")
    await driver.reply("Priya", "Fixed 12 typos: https://docs.example/menu-v2")
    await driver.press("Mel", "Approve")
    await driver.tick(0)
    assert said(driver.dms("Priya"), "£21.25 is owed to you", "/payoutdetails")
    assert said(
        driver.moderators(),
        "Payout #1 owed: £21.25 to Priya for item #1",
        "haven't given their bank details",
    )

    asked = await driver.command("Priya", "payoutdetails")
    assert asked, "the person is asked for their details"
    saved = await driver.reply("Priya", "Priya Shah 12-34-56 12345678")
    assert said(saved, "Saved: the moderators will pay you to Priya Shah")
    assert [t for t in driver.dms("Priya") if "12345678" in t] == []  # masked on her screen
    await driver.tick(0)
    assert said(
        driver.moderators(),
        "Priya gave their bank details for payout #1",
        "Pay to: Priya Shah, sort code 12-34-56, account 12345678",
    )
    assert not said(driver.dms("Mel"), "12345678")
    owed = await driver.command("Kate", "owed")
    assert said(owed, "Payout #1: £21.25 to Priya", "Pay to: Priya Shah")
    await driver.command("Kate", "paid", "1 transfer 0302-1")
    assert said(driver.dms("Priya"), "You've been paid £21.25")

    await driver.post("Mel", **(MENU | {"title": "Second flyer", "budget": "£10"}))
    await driver.command("Kate", "funded", "2")
    cancelled = await driver.command("Mel", "cancel", "2")
    assert said(cancelled, "Cancelled")
    await driver.tick(0)
    assert said(driver.dms("Mel"), "£10.00 for", "is being refunded to you", "bank transfer")
    assert said(
        driver.moderators(), "Refund owed for item #2", "£10.00 back to Bloom", "/refunded 2"
    )
    assert said(await driver.command("Kate", "owed"), "Refund for item #2: £10.00 back to Bloom")
    assert said(await driver.command("Mel", "statement"), "£10.00 to be refunded")

    done = await driver.command("Kate", "refunded", "2 BT-9")
    assert said(done, "Recorded the £10.00 refund to Bloom Bakery")
    assert said(await driver.command("Kate", "refunded", "2"), "already confirmed")
    assert said(driver.dms("Mel"), "have sent back £10.00")
    assert said(await driver.command("Kate", "owed"), "No payouts or refunds are owed")


async def test_a_business_told_nobody_has_the_level_can_widen_it_with_a_button(
    driver: Driver,
) -> None:
    await driver.onboard("Priya", ["Proofreading"], "beginner")
    await driver.command("Priya", "available", "3h")
    await driver.command("Mel", "business", "Bloom Bakery, mel@bloom.example")
    posted = await driver.post("Mel", **(MENU | {"skills": "proofreading:expert"}))
    assert said(posted, "nobody in this community lists proofreading (expert)")
    driver.make_moderator("Kate")
    await driver.command("Kate", "funded", "1")
    await driver.tick(0)
    assert not said(driver.dms("Priya"), "New paid work")  # a beginner: not yet
    widened = await driver.press("Mel", "Ask any level")
    assert said(widened, "Any level will do")
    await driver.tick(1)  # the next sweep offers it
    assert said(driver.dms("Priya"), "New paid work")
    assert said(await driver.press("Mel", "Cancel it"), "Cancelled")
