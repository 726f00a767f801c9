"""A second parent is asked a few minutes on when the first may well not take the work in
time, and the first to accept takes it (core/spares.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from core import commands as c
from core.errors import NotAllowed, StaleAction
from core.models import WorkItem
from core.ports import Candidate
from core.states import OfferStatus
from core.uow import UnitOfWork
from routing.simple import SimpleRouter
from tests.world import World

ASKED_TOO = "Another parent was asked a few minutes ago"
HEAD_START = "You have a head start: if nobody has accepted in 3 minutes"


class Believing(SimpleRouter):
    """The simple order, with a belief of how likely each parent is to take it in time."""

    def __init__(self, beliefs: dict[str, float]) -> None:
        super().__init__()
        self.beliefs = beliefs
        self.names: dict[int, str] = {}

    async def candidates(
        self, uow: UnitOfWork, work: WorkItem, now: datetime, limit: int
    ) -> list[Candidate]:
        chosen = await super().candidates(uow, work, now, limit)
        return [replace(c, takes_it=self.beliefs[self.names[c.member_id]]) for c in chosen]


async def believing(world: World, **beliefs: float) -> tuple[World, dict[str, int]]:
    """A world routed by Believing, with a parent for each belief, joined in that order."""
    router = Believing(beliefs)
    routed = await world.routed_by(router)
    for name in beliefs:
        router.names[(await routed.parent(name)).member_id] = name
    return routed, {name: member for member, name in router.names.items()}


async def pending(world: World, work_id: int) -> dict[int, OfferStatus]:
    return {o.member_id: o.status for o in await world.offers(work_id)}


async def test_a_second_parent_is_asked_when_the_first_may_not_answer_now(world: World) -> None:
    routed, ids = await believing(world, Ann=0.3, Ben=0.9)
    work_id = await routed.funded(await routed.business())
    assert list(await pending(routed, work_id)) == [ids["Ann"]]
    assert HEAD_START in await routed.last_text("Ann")

    routed.clock.advance(minutes=2)
    assert (await routed.app.sweep()).spares_asked == 0  # Ann's head start
    routed.clock.advance(minutes=1)
    assert (await routed.app.sweep()).spares_asked == 1

    offered = await routed.last_text("Ben")
    assert "New paid work" in offered and ASKED_TOO in offered
    assert "Please answer within 10 minutes" in offered  # a time-out of their own
    assert HEAD_START not in offered
    ben = routed.people["Ben"]
    await routed.app.handle(
        c.AcceptOffer(actor=ben, offer_id=await routed.pending_offer(work_id, ben))
    )
    assert await pending(routed, work_id) == {
        ids["Ann"]: OfferStatus.RESCINDED,
        ids["Ben"]: OfferStatus.ACCEPTED,
    }
    assert "another parent took this one" in await routed.last_text("Ann")
    routed.clock.advance(minutes=20)
    assert (await routed.app.sweep()).spares_asked == 0  # asked once, and the item is taken


async def test_whoever_was_asked_first_wins_by_answering_within_the_head_start(
    world: World,
) -> None:
    routed, ids = await believing(world, Ann=0.3, Ben=0.9)
    work_id = await routed.funded(await routed.business())
    routed.clock.advance(minutes=2, seconds=50)
    ann = routed.people["Ann"]
    await routed.app.handle(
        c.AcceptOffer(actor=ann, offer_id=await routed.pending_offer(work_id, ann))
    )
    routed.clock.advance(minutes=5)
    assert (await routed.app.sweep()).spares_asked == 0
    assert await pending(routed, work_id) == {ids["Ann"]: OfferStatus.ACCEPTED}
    assert await routed.inbox("Ben") == []


async def test_a_parent_likely_to_answer_gets_the_whole_time_out(world: World) -> None:
    routed, _ids = await believing(world, Ann=0.7, Ben=0.9)  # as likely as a newcomer
    await routed.funded(await routed.business())
    assert HEAD_START not in await routed.last_text("Ann")
    routed.clock.advance(minutes=5)
    assert (await routed.app.sweep()).spares_asked == 0
    assert await routed.inbox("Ben") == []
    routed.clock.advance(minutes=6)  # Ann's offer times out: Ben is next, as always
    await routed.app.sweep()
    offered = await routed.last_text("Ben")
    assert "New paid work" in offered and ASKED_TOO not in offered


async def test_when_the_first_declines_the_round_moves_on_as_usual(world: World) -> None:
    routed, _ids = await believing(world, Ann=0.3, Ben=0.9, Cat=0.9)
    work_id = await routed.funded(await routed.business())
    ann = routed.people["Ann"]
    await routed.app.handle(
        c.DeclineOffer(actor=ann, offer_id=await routed.pending_offer(work_id, ann))
    )
    assert ASKED_TOO not in await routed.last_text("Ben")  # Ben's is the next round's offer
    routed.clock.advance(minutes=5)
    assert (await routed.app.sweep()).spares_asked == 0  # Ben is likely to answer
    assert await routed.inbox("Cat") == []


async def test_a_router_without_a_belief_asks_as_many_as_the_settings_say(world: World) -> None:
    await world.parent("Ann")
    await world.parent("Ben")
    work_id = await world.funded(await world.business())
    world.clock.advance(minutes=5)
    assert (await world.app.sweep()).spares_asked == 0
    assert len(await world.offers(work_id)) == 1


async def test_nobody_else_fitting_leaves_the_first_offer_as_it_was(world: World) -> None:
    routed, ids = await believing(world, Ann=0.3)
    work_id = await routed.funded(await routed.business())
    routed.clock.advance(minutes=3)
    assert (await routed.app.sweep()).spares_asked == 0
    assert await pending(routed, work_id) == {ids["Ann"]: OfferStatus.PENDING}
    routed.clock.advance(minutes=7)
    await routed.app.sweep()
    assert "timed out" in await routed.last_text("Ann")


async def test_the_parent_who_lost_the_race_gets_one_sentence_and_changes_nothing(
    world: World,
) -> None:
    routed, ids = await believing(world, Ann=0.3, Ben=0.9)
    work_id = await routed.funded(await routed.business())
    ann, ben = routed.people["Ann"], routed.people["Ben"]
    first = await routed.pending_offer(work_id, ann)
    routed.clock.advance(minutes=3)
    await routed.app.sweep()
    await routed.app.handle(
        c.AcceptOffer(actor=ben, offer_id=await routed.pending_offer(work_id, ben))
    )

    with pytest.raises(StaleAction, match="someone else took it"):
        await routed.app.handle(c.AcceptOffer(actor=ann, offer_id=first))
    spare = max(o.id for o in await routed.offers(work_id))
    with pytest.raises(NotAllowed, match="sent to someone else"):  # Ben's button, Ann's hand
        await routed.app.handle(c.DeclineOffer(actor=ann, offer_id=spare))
    item = await routed.item(work_id)
    assert item.assignee_member_id == ids["Ben"] and item.spare_due_at is None
