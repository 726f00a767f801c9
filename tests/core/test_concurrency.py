"""Races: two accepts at the same moment, two sweepers at once. Exactly one wins, nothing twice."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from core import commands as c
from core.errors import DomainError
from core.models import OutboxNotice, WorkItem
from core.states import OfferStatus, WorkStatus
from tests.world import World


async def test_two_parents_accepting_at_the_same_moment_yield_one_assignment(world: World) -> None:
    for name in ("Ann", "Ben", "Cat"):
        await world.parent(name)
    work_id = await world.funded(await world.business(), urgent=True)
    offers = [o for o in await world.offers(work_id) if o.status == OfferStatus.PENDING]
    actors = {a.member_id: a for a in world.people.values()}

    results = await asyncio.gather(
        *(
            world.app.handle(c.AcceptOffer(actor=actors[o.member_id], offer_id=o.id))
            for o in offers
        ),
        return_exceptions=True,
    )

    wins = [r for r in results if isinstance(r, str)]
    losses = [r for r in results if isinstance(r, DomainError)]
    assert len(wins) == 1 and len(losses) == len(offers) - 1, results
    item = await world.item(work_id)
    assert item.status == WorkStatus.ASSIGNED
    statuses = [o.status for o in await world.offers(work_id)]
    assert statuses.count(OfferStatus.ACCEPTED) == 1
    assert item.assignee_member_id == next(
        o.member_id for o in await world.offers(work_id) if o.status == OfferStatus.ACCEPTED
    )


async def test_the_same_button_pressed_twice_at_once_accepts_once(world: World) -> None:
    priya = await world.parent("Priya")
    work_id = await world.funded(await world.business())
    offer_id = await world.pending_offer(work_id, priya)

    results = await asyncio.gather(
        *(world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer_id)) for _ in range(4)),
        return_exceptions=True,
    )

    assert sum(isinstance(r, str) for r in results) == 1
    assert all(isinstance(r, (str, DomainError)) for r in results)
    async with world.app.uow() as uow:
        assigned_notices = await uow.session.scalar(
            select(func.count()).where(OutboxNotice.text.like("%is working on%"))
        )
    assert assigned_notices == 1


@pytest.mark.parametrize("router_name", ["simple", "learning"])
async def test_two_sweepers_in_parallel_handle_each_offer_once(world: World) -> None:
    for i in range(6):
        await world.parent(f"P{i}")
    shop = await world.business()
    items = [await world.funded(shop, title=f"Flyer {i}") for i in range(3)]
    world.clock.advance(minutes=11)

    reports = await asyncio.gather(world.app.sweep(), world.app.sweep())

    assert sum(r.offers_expired for r in reports) == 3
    async with world.app.uow() as uow:
        timed_out = await uow.session.scalar(
            select(func.count()).where(OutboxNotice.text.like("%timed out%"))
        )
        offered_again = await uow.session.scalar(
            select(func.count()).select_from(WorkItem).where(WorkItem.rounds == 2)
        )
    assert timed_out == 3
    assert offered_again == len(items)  # each item moved on exactly one round


@pytest.mark.parametrize("router_name", ["simple", "learning"])
async def test_a_restart_loses_no_deadline(world: World) -> None:
    """Offers made, process gone, clock past expiry: a new process's first sweep resolves each once."""
    from bots.app import bootstrap

    for i in range(4):
        await world.parent(f"P{i}")
    shop = await world.business()
    for i in range(2):
        await world.funded(shop, title=f"Flyer {i}")
    await world.app.close()
    world.clock.advance(minutes=30)

    reborn = await bootstrap(
        world.app.settings, clock=world.clock, messengers=world.app.messengers, schema="none"
    )
    try:
        first = await reborn.sweep()
        second = await reborn.sweep()
    finally:
        await reborn.close()
    assert first.offers_expired == 2 and second.offers_expired == 0
