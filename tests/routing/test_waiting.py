"""A parent who becomes free is offered the open items that fit them, as many as they can
take and no more, found by one bounded query; and sweeps give every open item its turn."""

from __future__ import annotations

from collections import Counter

import pytest

from core import commands as c
from core import sweeps
from core.models import Block
from core.states import OfferStatus
from routing.waiting import open_items_for
from tests.world import World

BOTH_ROUTERS = pytest.mark.parametrize("router_name", ["simple", "learning"])


async def pending_for(world: World, name: str, items: list[int]) -> list[int]:
    member_id = world.people[name].member_id
    return [
        work_id
        for work_id in items
        for offer in await world.offers(work_id)
        if offer.member_id == member_id and offer.status == OfferStatus.PENDING
    ]


@BOTH_ROUTERS
async def test_a_newly_free_parent_gets_no_more_offers_than_they_can_take(world: World) -> None:
    shop = await world.business()
    items = [await world.funded(shop, title=f"Flyer {n}") for n in range(40)]  # nobody free
    await world.parent("Priya")  # one job at a time, by default
    assert len(await pending_for(world, "Priya", items)) == 1

    tom = await world.parent("Tom", window=None)
    await world.app.handle(c.UpdateProfile(actor=tom, max_jobs=3))
    await world.app.handle(c.GoAvailable(actor=tom, window="3h"))
    assert len(await pending_for(world, "Tom", items)) == 3
    first = sorted(
        await pending_for(world, "Priya", items) + await pending_for(world, "Tom", items)
    )
    assert first == items[:4]  # the soonest due (here: the first posted) went first


@BOTH_ROUTERS
async def test_an_offer_awaiting_an_answer_counts_against_capacity(world: World) -> None:
    await world.parent("Priya")
    shop = await world.business()
    first = await world.funded(shop, title="First")
    second = await world.funded(shop, title="Second")
    assert await pending_for(world, "Priya", [first, second]) == [first]
    assert (await world.item(second)).status == "open"  # waits for her answer, or someone else


async def test_the_waiting_query_keeps_every_rule_the_parent_would_notice(world: World) -> None:
    priya = await world.parent("Priya", skills="proofreading:intermediate", window=None)
    shop, other = await world.business(), await world.business("Acme")
    fits = await world.funded(shop, title="Fits")
    too_hard = await world.funded(shop, title="Expert only", skills="proofreading:expert")
    other_skill = await world.funded(shop, title="Design", skills="design")
    blocked = await world.funded(other, title="Blocked")
    async with world.app.uow() as uow:
        uow.session.add(
            Block(
                business_id=2, member_id=priya.member_id, blocked_by="member", created_at=uow.now()
            )
        )
        await uow.commit()
    await world.app.handle(c.GoAvailable(actor=priya, window="3h"))
    async with world.app.uow() as uow:
        found = await open_items_for(uow, priya.member_id, uow.now(), 10)
    assert fits not in found  # already offered to her, above
    assert {too_hard, other_skill, blocked}.isdisjoint(found)
    await world.app.handle(
        c.DeclineOffer(actor=priya, offer_id=await world.pending_offer(fits, priya))
    )
    async with world.app.uow() as uow:
        assert await open_items_for(uow, priya.member_id, uow.now(), 10) == []  # never twice


async def test_sweeps_take_the_open_items_waiting_longest_first(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweeps, "ROUTE_BATCH", 2)  # five open items, two looked at per sweep
    shop = await world.business()
    items = [await world.funded(shop, title=f"Flyer {n}") for n in range(5)]  # nobody free
    for _ in range(3):
        world.clock.advance(minutes=1)
        await world.app.sweep()
    tried = Counter([(await world.item(w)).routed_at for w in items])
    assert sorted(tried.values()) == [1, 2, 2]  # each item once in three sweeps, none twice
