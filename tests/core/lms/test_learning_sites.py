"""A community's Moodle site, through the real client against a fake Moodle that answers as
Moodle does: connecting (a wrong token, a sealed right one), mapping courses, a parent proving
their account with a code, and completions imported once, whatever breaks elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bots.app import ParentBrain, bootstrap
from core import commands as c
from core.actors import Actor
from core.errors import DomainError, NotAllowed
from core.lms.linking import CODE_LIFE
from core.models import CourseCompletion, IssuedCredential, LearningSite, MemberSkill
from core.skill_checks import learn
from tests.fakes.moodle_api import FakeMoodle
from tests.world import World


async def ask(world: World, actor: Actor, what: str, details: str = "") -> str:
    """/lms (or /lmstoken) as every front end carries it out: the catalogue's runner."""
    from core.catalogue.runners import lms, lms_token

    if what == "token":
        return str(await lms_token(world.app, actor, {"token": details}))
    return str(await lms(world.app, actor, {"what": what, "details": details}))


@pytest.fixture
async def moodle() -> AsyncIterator[FakeMoodle]:
    site = FakeMoodle()
    site.courses[7] = "Editing for the web"
    site.courses[8] = "Typography basics"
    await site.start()
    yield site
    await site.stop()


async def connected(world: World, site: FakeMoodle, community: int | None = None) -> Actor:
    kate = await world.join(f"Kate{community or ''}", moderator=True, community=community)
    await world.app.handle(c.ConnectLearningSite(actor=kate, url=site.url + "/login/index.php"))
    said = await ask(world, kate, "token", site.token)
    assert said.startswith(f"Connected to {site.name}")
    return kate


async def linked(world: World, site: FakeMoodle, name: str, user_id: int) -> Actor:
    parent = await world.parent(name)
    site.add_user(user_id, name.lower(), f"{name.lower()}@example.com", name)
    await ask(world, parent, "link", f"{name.lower()}@example.com")
    said = await world.app.handle(
        c.ConfirmLearningCode(actor=parent, code=site.code_sent_to(user_id))
    )
    assert said.startswith("Linked")
    return parent


async def test_a_wrong_token_is_one_sentence_and_a_right_one_is_kept_sealed(
    world: World, moodle: FakeMoodle
) -> None:
    await world.town()
    kate = await world.moderator("Kate")
    asked = await world.app.handle(c.ConnectLearningSite(actor=kate, url=moodle.url))
    assert "private message" in asked and "Never paste a token in a group" in asked
    assert "/lmstoken" in await world.last_text("Kate")
    with pytest.raises(DomainError, match="didn't accept that token"):
        await ask(world, kate, "token", "wrong")
    moodle.functions.remove("core_message_send_instant_messages")
    with pytest.raises(DomainError, match="core_message_send_instant_messages"):
        await ask(world, kate, "token", moodle.token)
    moodle.functions.append("core_message_send_instant_messages")
    said = await ask(world, kate, "token", moodle.token)
    assert said.startswith("Connected to Town Learning")

    async with world.app.uow() as uow:
        site = await uow.session.get_one(LearningSite, await world.town())
        assert site.sealed_token and moodle.token not in site.sealed_token
    await world.app.outbox.drain()
    sent = "".join(d.notice.text for d in world.messenger().sent)
    assert moodle.token not in sent

    priya = await world.parent("Priya")
    with pytest.raises(NotAllowed):
        await world.app.handle(c.ConnectLearningSite(actor=priya, url=moodle.url))
    with pytest.raises(DomainError, match="No site is waiting for a token"):
        await ask(world, priya, "token", "x")
    with pytest.raises(DomainError, match="isn't a web address"):
        await world.app.handle(c.ConnectLearningSite(actor=kate, url="moodle please"))


async def test_courses_map_to_skills_and_learn_lists_them(world: World, moodle: FakeMoodle) -> None:
    await world.town()
    kate = await connected(world, moodle)
    listed = await ask(world, kate, "courses")
    assert "• 7: Editing for the web (not mapped)" in listed and "Town Learning" in listed
    assert "• 1:" not in listed  # the site's front page isn't a course
    said = await ask(world, kate, "map", "7 proofreading expert")
    assert 'Editing for the web" counts for proofreading at expert level' in said
    with pytest.raises(DomainError, match="no course 99"):
        await ask(world, kate, "map", "99 proofreading")
    with pytest.raises(DomainError, match="beginner, intermediate or expert"):
        await ask(world, kate, "map", "7 design guru")
    async with world.app.uow() as uow:
        listing = await learn(uow, world.app.settings, "", await world.town())
    assert (
        f"• Proofreading: Editing for the web (expert) {moodle.url}/course/view.php?id=7" in listing
    )
    assert "→ proofreading (expert)" in await ask(world, kate, "courses")


async def test_a_parent_proves_their_account_with_a_code(world: World, moodle: FakeMoodle) -> None:
    await world.town()
    await connected(world, moodle)
    priya = await world.parent("Priya")
    moodle.add_user(41, "priya", "priya@example.com", "Priya Shah")
    with pytest.raises(DomainError, match="no account with that username or email"):
        await ask(world, priya, "link", "nobody@example.com")
    said = await ask(world, priya, "link", "Priya@example.com")
    assert "sent a code to your messages on Town Learning" in said
    code = moodle.code_sent_to(41)
    with pytest.raises(DomainError, match="a moment ago"):
        await ask(world, priya, "link", "priya")

    wrong = "000000" if code != "000000" else "111111"
    assert "4 tries left" in await world.app.handle(c.ConfirmLearningCode(actor=priya, code=wrong))
    for _ in range(3):
        await world.app.handle(c.ConfirmLearningCode(actor=priya, code=wrong))
    assert "last try" in await world.app.handle(c.ConfirmLearningCode(actor=priya, code=wrong))
    with pytest.raises(DomainError, match="No code is waiting"):
        await world.app.handle(c.ConfirmLearningCode(actor=priya, code=code))  # spent

    world.clock.advance(minutes=2)
    await ask(world, priya, "link", "priya")
    world.clock.advance(seconds=CODE_LIFE.total_seconds())
    expired = await world.app.handle(
        c.ConfirmLearningCode(actor=priya, code=moodle.code_sent_to(41))
    )
    assert "expired" in expired

    await ask(world, priya, "link", "priya")
    linked_said = await world.app.handle(
        c.ConfirmLearningCode(actor=priya, code=moodle.code_sent_to(41))
    )
    assert linked_said.startswith("Linked: priya on Town Learning is yours here")

    # Someone typing Priya's email gets nowhere: the account is hers.
    eve = await world.parent("Eve")
    with pytest.raises(DomainError, match="linked to someone else"):
        await ask(world, eve, "link", "priya@example.com")


async def test_a_completion_is_imported_once_across_syncs_and_a_restart(
    world: World, moodle: FakeMoodle, app: ParentBrain
) -> None:
    await world.town()
    kate = await connected(world, moodle)
    await ask(world, kate, "map", "7 proofreading expert")
    await ask(world, kate, "map", "8 design")
    priya = await linked(world, moodle, "Priya", 41)
    moodle.users[41].enrolled |= {7, 8}
    assert (await app.sync_learning()).completions == 0  # enrolled, nothing finished yet

    moodle.users[41].completed.add(7)
    world.clock.advance(minutes=16)
    assert (await app.sync_learning()).completions == 1
    world.clock.advance(minutes=16)
    assert (await app.sync_learning()).completions == 0
    # A restart: a new process on the same store reads the site again and records nothing.
    again = await bootstrap(app.settings, clock=world.clock, engine=app.engine, schema="none")
    assert (await again.sync_learning(everything=True)).completions == 0
    await again.lms.close()  # type: ignore[attr-defined]  # the store is the test's to close

    async with world.app.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(CourseCompletion)) == 1
        owned = await uow.session.get_one(MemberSkill, (priya.member_id, "proofreading"))
        assert owned.verified_at is not None and owned.level == 3
        names = (await uow.session.scalars(select(IssuedCredential.name))).all()
    assert names == ["Proofreading: Editing for the web"]
    inbox = [n.text for n in await world.inbox("Priya")]
    assert sum('Well done on finishing "Editing for the web"' in t for t in inbox) == 1
    assert any("issued you a credential: Proofreading: Editing for the web" in t for t in inbox)

    # Unmapped, a course counts no more; what was recorded stays.
    await world.app.handle(c.UnmapCourse(actor=kate, course_id=8))
    moodle.users[41].completed.add(8)
    assert "0 new completions" in await ask(world, kate, "sync")
    assert "Courses that count: Editing for the web." in await _lms(world, priya)


async def _lms(world: World, actor: Actor) -> str:
    from core.catalogue.runners import lms

    return str(await lms(world.app, actor, {"what": "", "details": ""}))


async def test_a_broken_site_never_delays_another_community(
    world: World, moodle: FakeMoodle, app: ParentBrain
) -> None:
    town = await world.town()
    moderators = await world.moderators_chat()
    valley = await world.community("Valley", group=-2002)
    other = FakeMoodle("Valley Learning", token="valley-token")
    other.courses[3] = "Proofreading in practice"
    await other.start()
    try:
        kate = await connected(world, moodle)
        vera = await connected(world, other, valley)
        await ask(world, kate, "map", "7 proofreading")
        await ask(world, vera, "map", "3 proofreading")
        await linked(world, moodle, "Priya", 41)
        omar = await world.join("Omar", community=valley)
        other.add_user(5, "omar", "omar@example.com", "Omar")
        await ask(world, omar, "link", "omar")
        await world.app.handle(c.ConfirmLearningCode(actor=omar, code=other.code_sent_to(5)))
        moodle.users[41].enrolled.add(7)
        other.users[5].enrolled.add(3)
        other.users[5].completed.add(3)

        moodle.down = True
        report = await app.sync_learning()
        assert report.completions == 1  # Valley's, though Town's site is down
        async with world.app.uow() as uow:
            site = await uow.session.get_one(LearningSite, town)
            assert site.last_sync_error and "couldn't be reached" in site.last_sync_error
        with pytest.raises(DomainError, match="couldn't be reached"):
            await ask(world, kate, "sync")

        # A slow site is cut off at its own limit while the other is read.
        moodle.down, moodle.slow = False, 1.0
        world.app.settings.lms_timeout_seconds = 0.1
        world.clock.advance(minutes=16)
        other.users[5].completed.clear()
        report = await app.sync_learning(everything=True)
        assert report.failed == [town]
        moodle.slow = 0
        world.app.settings.lms_timeout_seconds = 10

        moodle.no_criteria.add(7)
        world.clock.advance(minutes=16)
        await app.sync_learning()
        await world.app.outbox.drain()
        said = "\n".join(n.text for n in world.messenger().to(moderators))
        assert "no completion criteria set" in said
        assert said.count("couldn't be reached") == 1  # told once, not at every read
    finally:
        await other.stop()


async def test_the_operators_site_and_forgetme(
    world: World, moodle: FakeMoodle, app: ParentBrain
) -> None:
    town = await world.town()
    app.settings.lms_url, app.settings.lms_token = moodle.url, SecretStr(moodle.token)
    from core.lms.connecting import adopt_configured_site

    async with app.uow() as uow:
        await adopt_configured_site(uow, app.settings, town)
        await uow.commit()
    kate = await world.moderator("Kate")
    assert "Connected to" in await _lms(world, kate)
    await ask(world, kate, "map", "7 proofreading")
    priya = await linked(world, moodle, "Priya", 41)
    moodle.users[41].enrolled.add(7)
    moodle.users[41].completed.add(7)
    assert (await app.sync_learning()).completions == 1

    await world.app.handle(c.ForgetMe(actor=priya, confirm="yes"))
    async with app.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(CourseCompletion)) == 0
    assert "no account" not in await world.app.handle(c.DisconnectLearningSite(actor=kate))
    assert "isn't connected" in await world.app.handle(c.DisconnectLearningSite(actor=kate))
