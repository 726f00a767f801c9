"""Skill checks: written in YAML, taken with buttons, passed for a badge routing counts."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from core import commands as c
from core import skill_checks, tokens
from core.config import Settings
from core.errors import DomainError, NotAllowed, StaleAction
from core.models import MemberSkill, WorkItem
from core.notices import Action
from routing.belief import prior
from routing.learning import LearningRouter
from tests.routing.test_learning import decisions
from tests.world import World

RIGHT = {0: 2, 1: 1, 2: 2, 3: 1}  # the shipped proofreading check's answers


async def _answer(world: World, actor: c.Actor, actions: list[Action], option: int) -> object:
    command = tokens.read(actions[option - 1].token, actor)
    return await world.app.handle(command)


async def _verified(world: World, actor: c.Actor) -> bool:
    async with world.app.uow() as uow:
        row = await uow.session.get_one(
            MemberSkill, {"member_id": actor.member_id, "skill_code": "proofreading"}
        )
        return row.verified_at is not None


async def test_passing_the_check_verifies_the_skill(world: World) -> None:
    priya = await world.parent("Priya")
    listing = await world.app.handle(c.StartQuiz(actor=priya, skill="proof reading"))
    text, actions = listing
    assert "Question 1 of 4" in text and [a.label for a in actions][1] == "It's raining again."

    for n in range(4):
        reply = await _answer(world, priya, actions, RIGHT[n])
        text, actions = reply  # type: ignore[misc]
    assert "4 of 4 right: you passed" in text and actions == []
    assert await _verified(world, priya)
    assert (
        "already verified"
        in (await world.app.handle(c.StartQuiz(actor=priya, skill="proofreading")))[0]
    )


async def test_failing_waits_before_a_retry_and_points_to_the_course(
    world: World, settings: Settings
) -> None:
    priya = await world.parent("Priya")
    _, actions = await world.app.handle(c.StartQuiz(actor=priya, skill="proofreading"))
    for _ in range(4):
        text, actions = await _answer(world, priya, actions, 3 if len(actions) > 2 else 1)  # type: ignore[misc]
    assert "right; 3 pass" in text and "grammarly" in text and "try again in 24 hours" in text
    assert not await _verified(world, priya)

    with pytest.raises(DomainError, match="again from"):
        await world.app.handle(c.StartQuiz(actor=priya, skill="proofreading"))
    world.clock.advance(hours=25)
    text, _ = await world.app.handle(c.StartQuiz(actor=priya, skill="proofreading"))
    assert "Question 1 of 4" in text


async def test_stale_foreign_and_unknown_answers_change_nothing(world: World) -> None:
    priya = await world.parent("Priya")
    tom = await world.parent("Tom")
    _, actions = await world.app.handle(c.StartQuiz(actor=priya, skill="proofreading"))
    with pytest.raises(NotAllowed, match="someone else"):
        await _answer(world, tom, actions, 2)
    await _answer(world, priya, actions, 2)
    with pytest.raises(StaleAction, match="already answered"):
        await _answer(world, priya, actions, 1)
    with pytest.raises(DomainError, match="no skill check for design"):
        await world.app.handle(c.StartQuiz(actor=priya, skill="design"))
    with pytest.raises(DomainError, match="to your profile first"):
        await world.app.handle(c.StartQuiz(actor=priya, skill="content creation"))


async def test_learn_lists_the_checks_and_a_broken_file_says_where(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    async with world.app.uow() as uow:
        listing = await skill_checks.learn(uow, settings)
    assert "Proofreading: 4 questions, pass with 3. Type /quiz proofreading" in listing
    broken = tmp_path / "checks.yaml"
    broken.write_text(
        "proofreading:\n  pass_mark: 5\n  questions:\n    - ask: Why?\n      options: [a, b]\n      answer: 3\n"
    )
    with pytest.raises(skill_checks.SkillChecksFileError, match=r"checks\.yaml"):
        skill_checks.load_checks(broken)


async def test_a_verified_badge_raises_the_prior_and_wins_more_offers(world: World) -> None:
    a, b = prior(2, 0, verified=True)
    a0, b0 = prior(2, 0)
    assert a / (a + b) > a0 / (a0 + b0)

    checked = await world.parent("Checked")
    await world.parent("Unchecked")
    async with world.app.uow() as uow:
        row = await uow.session.get_one(
            MemberSkill, {"member_id": checked.member_id, "skill_code": "proofreading"}
        )
        row.verified_at = world.clock.now()
        await uow.commit()
    work_id = await world.post(await world.business())
    picked = await decisions(world.app, work_id, LearningRouter(random.Random(2)), 200)
    assert picked[checked.member_id] > 110
    async with world.app.uow() as uow:
        item = await uow.session.get_one(WorkItem, work_id)
        chosen = await LearningRouter(random.Random(2)).candidates(uow, item, uow.now(), 2)
    assert "expert in proofreading (verified)" in {found.why.split(";")[0] for found in chosen}


async def test_a_low_rating_points_the_parent_to_the_checks(world: World) -> None:
    priya = await world.parent("Priya")
    shop = await world.business()
    work_id = await world.funded(shop)
    await world.job_done(priya, shop, work_id)
    await world.app.handle(c.RateWork(actor=shop, work_id=work_id, stars=2))
    await world.app.handle(c.RateWork(actor=priya, work_id=work_id, stars=2))
    assert "type /learn" in await world.last_text("Priya")
    assert "/learn" not in await world.last_text("Bloom")
