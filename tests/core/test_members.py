"""Joining, linking a Telegram and a Discord account, and editing a profile."""

from __future__ import annotations

import pytest

from core import commands as c
from core.actors import Role
from core.errors import DomainError, NotAllowed
from tests.world import World


async def test_the_same_account_is_the_same_member(world: World) -> None:
    first = await world.join("Priya")
    again = await world.join("Priya")
    assert first.member_id == again.member_id
    assert first.roles == frozenset({Role.PARENT})


async def test_a_moderator_claim_comes_only_from_the_platform(world: World) -> None:
    plain = await world.join("Kate")
    assert not plain.is_moderator
    checked = await world.join("Kate", moderator=True)
    assert checked.is_moderator and checked.member_id == plain.member_id
    with pytest.raises(NotAllowed, match="moderators"):
        await world.app.handle(c.VerifyBusiness(actor=plain, business_id=1))


async def test_linking_two_platforms_with_a_one_time_code(world: World) -> None:
    priya = await world.parent("Priya")
    code = await world.app.handle(c.StartLink(actor=priya))
    assert len(code) == 6
    discord = await world.join("Priya", "discord")
    with pytest.raises(DomainError, match="isn't valid"):
        await world.app.handle(c.CompleteLink(actor=discord, code="WRONG1"))
    linked = await world.app.handle(c.CompleteLink(actor=discord, code=code.lower()))
    assert linked.member_id == priya.member_id and linked.platform == "discord"
    with pytest.raises(DomainError, match="isn't valid"):
        await world.app.handle(c.CompleteLink(actor=discord, code=code))  # used up
    again = await world.join("Priya", "discord")
    assert again.member_id == priya.member_id


async def test_link_codes_expire(world: World) -> None:
    priya = await world.parent("Priya")
    code = await world.app.handle(c.StartLink(actor=priya))
    world.clock.advance(minutes=16)
    with pytest.raises(DomainError, match="isn't valid"):
        await world.app.handle(
            c.CompleteLink(actor=await world.join("Priya", "discord"), code=code)
        )


async def test_profile_updates_and_their_bad_input(world: World) -> None:
    priya = await world.parent("Priya")
    reply = await world.app.handle(
        c.UpdateProfile(
            actor=priya, timezone="UK", rate_floor="£15", quiet_hours="21:00-07:00", max_jobs=2
        )
    )
    assert "timezone Europe/London" in reply and "£15.00 an hour" in reply and "up to 2" in reply
    member = await world.member(priya)
    assert (member.rate_floor_minor, member.quiet_start, member.quiet_end) == (
        1500,
        "21:00",
        "07:00",
    )
    for bad, says in [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"rate_floor": "lots"}, "couldn't read"),
        ({"quiet_hours": "late"}, "quiet hours"),
        ({}, "Nothing to change"),
    ]:
        with pytest.raises(DomainError, match=says):
            await world.app.handle(c.UpdateProfile(actor=priya, **bad))
    assert (await world.member(priya)).timezone == "Europe/London"


async def test_skills_with_levels_and_near_misses(world: World) -> None:
    priya = await world.join("Priya")
    reply = await world.app.handle(
        c.SetSkills(actor=priya, skills="proofreading:expert, bookkeeping")
    )
    assert "proofreading (expert), accountancy (intermediate)" in reply
    with pytest.raises(DomainError, match='Did you mean "proofreading"'):
        await world.app.handle(c.SetSkills(actor=priya, skills="proofreeding"))


async def test_a_new_skill_is_usable_at_once_and_only_moderators_add_them(world: World) -> None:
    priya = await world.join("Priya")
    with pytest.raises(NotAllowed):
        await world.app.handle(c.AddSkill(actor=priya, name="Bid writing"))
    await world.app.handle(
        c.AddSkill(actor=await world.moderator(), name="Bid writing", aliases=["grants"])
    )
    assert "bid writing (expert)" in await world.app.handle(
        c.SetSkills(actor=priya, skills="grants:expert")
    )
