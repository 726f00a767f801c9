"""A post written one answer at a time: the steps, the checks and the time-out live in core."""

from __future__ import annotations

import pytest

from core import commands as c
from core.errors import DomainError
from core.states import WorkStatus
from tests.world import World

ANSWERS = ["Proofread a flyer", "One page.", "proofreading", "£25", "45m", "tomorrow 17:00"]


async def test_each_answer_is_checked_and_the_last_one_posts(world: World) -> None:
    shop = await world.business()
    asked = await world.app.handle(c.StartPostDialog(actor=shop))
    assert asked.text.startswith("Let's post some work. What's a short title?")
    for answer in ANSWERS[:3]:
        reply = await world.app.handle(c.AnswerDialog(actor=shop, text=answer))
    assert reply.text.startswith("Got it: proofreading")
    wrong = await world.app.handle(c.AnswerDialog(actor=shop, text="lots"))
    assert "What's the budget?" in wrong.text and not wrong.over  # asked again
    for answer in ANSWERS[3:]:
        reply = await world.app.handle(c.AnswerDialog(actor=shop, text=answer))
    assert [a.label for a in reply.actions] == ["Normal", "Urgent"]
    assert (
        "Answer normal or urgent"
        in (await world.app.handle(c.AnswerDialog(actor=shop, text="maybe"))).text
    )
    posted = await world.app.handle(c.AnswerDialog(actor=shop, text="urgent"))
    assert posted.over and posted.text.startswith('Posted #1 "Proofread a flyer"')
    item = await world.item(1)
    assert item.urgent and item.status == WorkStatus.AWAITING_PAYMENT
    assert await world.app.handle(c.AnswerDialog(actor=shop, text="more words")) is None


async def test_a_post_left_waiting_is_put_aside_once(world: World) -> None:
    shop = await world.business()
    await world.app.handle(c.StartPostDialog(actor=shop))
    await world.app.handle(c.AnswerDialog(actor=shop, text=ANSWERS[0]))
    world.clock.advance(minutes=16)
    aside = await world.app.handle(c.AnswerDialog(actor=shop, text=ANSWERS[1]))
    assert aside.over and "put it aside and nothing was posted" in aside.text
    assert await world.app.handle(c.AnswerDialog(actor=shop, text=ANSWERS[1])) is None


async def test_a_refused_post_keeps_the_draft_and_changes_nothing(world: World) -> None:
    shop = await world.business()
    await world.app.handle(c.StartPostDialog(actor=shop))
    for answer in ANSWERS:
        await world.app.handle(c.AnswerDialog(actor=shop, text=answer))
    # Meanwhile the moderators turn the business down.
    await world.app.handle(
        c.RejectBusiness(actor=await world.moderator(), business_id=1, reason="not local")
    )
    with pytest.raises(DomainError, match="Nothing was posted; type /post to start again"):
        await world.app.handle(c.AnswerDialog(actor=shop, text="normal"))
    stopped = await world.app.handle(c.StopDialog(actor=shop))
    assert stopped is not None and stopped.text == "Stopped. Nothing was posted."


async def test_someone_who_may_not_post_is_told_before_the_first_question(world: World) -> None:
    priya = await world.parent("Priya")
    with pytest.raises(DomainError, match="Register your business first"):
        await world.app.handle(c.StartPostDialog(actor=priya))
