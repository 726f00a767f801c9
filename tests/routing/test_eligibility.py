"""Each eligibility rule, as the parent it excludes would notice: no offer arrives."""

from __future__ import annotations

import pytest

from core import commands as c
from core.models import Membership, Rating
from core.states import OfferStatus
from tests.world import World

# Eligibility is one statement both routers share; each rule is checked through both.
BOTH_ROUTERS = pytest.mark.parametrize("router_name", ["simple", "learning"])


async def offered_names(world: World, work_id: int) -> set[str]:
    ids = {o.member_id for o in await world.offers(work_id)}
    return {name for name, actor in world.people.items() if actor.member_id in ids}


@BOTH_ROUTERS
async def test_required_level_is_respected(world: World) -> None:
    await world.parent("Novice", skills="proofreading:beginner")
    await world.parent("Expert", skills="proofreading:expert")
    work_id = await world.funded(await world.business(), skills="proofreading:expert", urgent=True)
    assert await offered_names(world, work_id) == {"Expert"}


@BOTH_ROUTERS
async def test_every_required_skill_is_needed(world: World) -> None:
    await world.parent("Writer", skills="content creation")
    await world.parent("Both", skills="content creation, design")
    work_id = await world.funded(
        await world.business(), skills="content creation, design", urgent=True
    )
    assert await offered_names(world, work_id) == {"Both"}


@BOTH_ROUTERS
async def test_rate_floor_above_the_items_hourly_pay_excludes(world: World) -> None:
    dear = await world.parent("Dear")
    await world.app.handle(
        c.UpdateProfile(actor=dear, rate_floor="£40")
    )  # £21.25 for 45m = £28.33/h
    await world.parent("Fair")
    work_id = await world.funded(await world.business(), urgent=True)
    assert await offered_names(world, work_id) == {"Fair"}


@BOTH_ROUTERS
async def test_quiet_hours_in_the_members_own_time(world: World) -> None:
    sleepy = await world.parent("Sleepy")
    await world.app.handle(c.UpdateProfile(actor=sleepy, quiet_hours="08:00-10:00"))  # now is 09:00
    await world.parent("Awake")
    work_id = await world.funded(await world.business(), urgent=True)
    assert await offered_names(world, work_id) == {"Awake"}


@BOTH_ROUTERS
async def test_banned_members_and_the_business_itself_are_never_offered(world: World) -> None:
    banned = await world.parent("Banned")
    async with world.app.uow() as uow:
        place = await uow.session.get_one(Membership, (await world.town(), banned.member_id))
        place.banned_until = world.clock.now().replace(year=2027)
        await uow.commit()
    owner = await world.parent("Owner")
    await world.app.handle(
        c.RegisterBusiness(actor=owner, name="Owner Co", contact="o@example.com")
    )
    await world.parent("Ok")
    work_id = await world.funded(owner, urgent=True)
    assert await offered_names(world, work_id) == {"Ok"}


@BOTH_ROUTERS
async def test_enough_time_left_in_the_availability_for_the_estimate(world: World) -> None:
    await world.parent("Brief", window="30m")
    await world.parent("Free")
    work_id = await world.funded(await world.business(), estimate="45m", urgent=True)
    assert await offered_names(world, work_id) == {"Free"}


@BOTH_ROUTERS
async def test_a_parent_at_capacity_is_not_offered_more(world: World) -> None:
    busy = await world.parent("Busy")
    shop = await world.business()
    first = await world.funded(shop)
    await world.app.handle(
        c.AcceptOffer(actor=busy, offer_id=await world.pending_offer(first, busy))
    )
    await world.parent("Free")
    second = await world.funded(shop, title="Another", urgent=True)
    assert await offered_names(world, second) == {"Free"}


async def test_better_rated_parents_are_asked_first_and_newcomers_sit_in_between(
    world: World,
) -> None:
    for name in ("Poor", "New", "Star"):
        await world.parent(name)
    shop = await world.business()
    earlier = {
        name: await world.post(shop, title=f"An earlier job for {name}")
        for name in ("Poor", "Star")
    }
    async with world.app.uow() as uow:
        for name, stars in (("Poor", 2), ("Star", 5)):
            past = earlier[name]
            uow.session.add(
                Rating(
                    work_id=past,
                    rater_member_id=shop.member_id,
                    ratee_member_id=world.people[name].member_id,
                    stars=stars,
                    visible=True,
                    created_at=world.clock.now(),
                )
            )
        await uow.commit()
    work_id = await world.funded(shop)
    first = await world.offers(work_id)
    assert [o.member_id for o in first] == [world.people["Star"].member_id]
    assert "rated 5.0 from 1 job" in first[0].why
    await world.app.handle(c.DeclineOffer(actor=world.people["Star"], offer_id=first[0].id))
    second = [o for o in await world.offers(work_id) if o.status == OfferStatus.PENDING]
    assert [o.member_id for o in second] == [world.people["New"].member_id]
    assert "new here" in second[0].why


@BOTH_ROUTERS
async def test_availability_for_some_skills_keeps_out_work_needing_others(world: World) -> None:
    """Priya has both skills on her profile but said she is free for design only: work that
    needs design and proofreading isn't offered to her; design alone is."""
    await world.parent("Priya", skills="design:expert, proofreading:expert", window=None)  # type: ignore[arg-type]
    await world.app.handle(c.GoAvailable(actor=world.people["Priya"], window="2h", skills="design"))
    shop = await world.business()
    both = await world.funded(shop, skills="design:expert, proofreading")
    assert await offered_names(world, both) == set()
    design = await world.funded(shop, skills="design")
    assert await offered_names(world, design) == {"Priya"}


@pytest.mark.parametrize("router_name", ["learning"])
async def test_the_offer_says_it_is_work_the_parent_said_they_like(world: World) -> None:
    priya = await world.parent("Priya")
    await world.app.handle(c.UpdateProfile(actor=priya, preferred="proofreading"))
    await world.funded(await world.business())
    assert "it's work you said you like" in await world.last_text("Priya")
