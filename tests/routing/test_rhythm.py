"""Offers go first to good parents likely to answer soon, learned from how each answers at
each hour of their week (core/rhythm.py, routing/rhythm.py)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from bots.app import ParentBrain
from core import commands as c
from core import views
from core.actors import Actor
from core.models import AnswerRhythm, WorkItem
from routing.learning import LearningRouter
from routing.rhythm import Answers, Rhythm, near, rhythms
from tests.world import World

MONDAY_EVENING = datetime(2026, 3, 2, 20, 30, tzinfo=UTC)  # London is on UTC in March
MONDAY_AFTERNOON = datetime(2026, 3, 2, 15, 10, tzinfo=UTC)
WEEKDAYS = range(5)


async def test_every_answer_counts_at_the_hour_it_reached_the_parent_where_they_live(
    world: World,
) -> None:
    ann = await world.parent("Ann")
    await world.app.handle(c.UpdateProfile(actor=ann, timezone="America/New_York"))
    shop = await world.business()
    # Monday 09:00 in UTC is 04:00 in New York: hour 4 of Ann's week.
    declined = await world.funded(shop, title="First")
    world.clock.advance(seconds=30)
    await world.app.handle(
        c.DeclineOffer(actor=ann, offer_id=await world.pending_offer(declined, ann))
    )
    timed_out = await world.funded(shop, title="Second")
    world.clock.advance(minutes=11)
    await world.app.sweep()
    accepted = await world.funded(shop, title="Third")
    offer_id = await world.pending_offer(accepted, ann)
    world.clock.advance(minutes=2)
    await world.app.handle(c.AcceptOffer(actor=ann, offer_id=offer_id))
    assert (await world.item(timed_out)).assignee_member_id is None
    async with world.app.uow() as uow:
        rows = (await uow.session.execute(select(*AnswerRhythm.__table__.c))).all()
    assert [tuple(row) for row in rows] == [(ann.member_id, 4, 1, 1, 1, 30 + 120)]


async def answering(app: ParentBrain, parent: Actor, hour: int, **counts: int) -> None:
    """Their record: these answers at `hour` o'clock on every weekday."""
    async with app.uow() as uow:
        for day in WEEKDAYS:
            uow.session.add(
                AnswerRhythm(
                    member_id=parent.member_id,
                    hour_of_week=day * 24 + hour,
                    accepted=counts.get("accepted", 0),
                    declined=0,
                    expired=counts.get("expired", 0),
                    answer_seconds=counts.get("seconds", 0),
                )
            )
        await uow.commit()


async def first_offered(app: ParentBrain, work_id: int, at: datetime, n: int = 200) -> Counter[int]:
    router, picked = LearningRouter(random.Random(7)), Counter[int]()
    async with app.uow() as uow:
        item = await uow.session.get_one(WorkItem, work_id)
        for _ in range(n):
            [first] = await router.candidates(uow, item, at, 1)
            picked[first.member_id] += 1
    return picked


async def test_work_goes_first_to_whoever_answers_at_this_hour(world: World) -> None:
    evenings = await world.parent("Evenings", "proofreading:expert", "14h")
    afternoons = await world.parent("Afternoons", "proofreading:expert", "14h")
    # Evenings answers within a minute after 20:00 and lets offers time out at 15:00 (the
    # school run); Afternoons the other way round.
    await answering(world.app, evenings, 20, accepted=2, seconds=60)
    await answering(world.app, evenings, 15, expired=2)
    await answering(world.app, afternoons, 15, accepted=2, seconds=60)
    await answering(world.app, afternoons, 20, expired=2)
    work_id = await world.post(await world.business())
    at_night = await first_offered(world.app, work_id, MONDAY_EVENING)
    assert at_night[evenings.member_id] > 150
    after_school = await first_offered(world.app, work_id, MONDAY_AFTERNOON)
    assert after_school[afternoons.member_id] > 150


async def test_why_says_when_they_usually_answer_quickly(world: World) -> None:
    world.clock.set(MONDAY_EVENING)
    learning = await world.routed_by(LearningRouter(random.Random(6)))
    brain = learning.app
    priya = await learning.parent("Priya")
    await answering(brain, priya, 20, accepted=2, seconds=60)
    work_id = await learning.funded(await learning.business())
    offer_id = await learning.pending_offer(work_id, priya)
    assert (
        "you usually answer quickly on weekday evenings" in (await learning.inbox("Priya"))[-1].text
    )
    async with brain.uow() as uow:
        said = await views.why(uow, priya, offer_id)
    assert said.startswith(f"Why you got offer #{offer_id}: expert in proofreading")
    assert "you usually answer quickly on weekday evenings" in said


def test_one_time_out_does_not_bury_a_good_record() -> None:
    steady = Rhythm(Answers(accepted=8, seconds=8 * 90))
    once_late = Rhythm(Answers(accepted=8, expired=1, seconds=8 * 90), Answers(expired=1))
    never_answers = Rhythm(Answers(expired=6), Answers(expired=3))
    assert steady.soon() > once_late.soon() > 0.5 > never_answers.soon()
    assert Rhythm().soon() > never_answers.soon()  # a newcomer starts at the usual record


def test_the_hours_that_speak_for_an_hour_are_nearby_and_on_days_like_it() -> None:
    monday_eight_pm = 20
    weights = near(monday_eight_pm)
    assert weights[20] == 1.0 and weights[19] == weights[21] == 0.5
    assert weights[4 * 24 + 20] == 0.5 and weights[4 * 24 + 21] == 0.25  # Friday
    assert near(23)[0] == 0.5  # the hour after 23:00 that day, not the next morning
    assert 5 * 24 + 20 not in weights  # Saturday is not like a Monday
    sunday_noon = 6 * 24 + 12
    assert set(near(sunday_noon)) == {day * 24 + hour for day in (5, 6) for hour in (11, 12, 13)}


async def test_the_store_weighs_each_hour_as_near_says(world: World) -> None:
    """The sums are taken in SQL; each hour of the week holds a different count, so any
    hour weighed wrongly shows."""
    parent = await world.parent("Ann")
    async with world.app.uow() as uow:
        for hour in range(7 * 24):
            uow.session.add(
                AnswerRhythm(
                    member_id=parent.member_id,
                    hour_of_week=hour,
                    accepted=hour + 1,
                    declined=0,
                    expired=0,
                    answer_seconds=0,
                )
            )
        await uow.commit()
    async with world.app.uow() as uow:
        for moment in (MONDAY_EVENING, MONDAY_AFTERNOON, datetime(2026, 3, 8, 23, 30, tzinfo=UTC)):
            rhythm = (await rhythms(uow, {parent.member_id: None}, moment))[parent.member_id]
            expected = sum((hour + 1) * weight for hour, weight in near(rhythm.hour).items())
            assert rhythm.near.accepted == expected
            assert rhythm.overall.accepted == sum(range(1, 7 * 24 + 1))


async def test_a_second_parent_is_asked_when_both_are_on_the_school_run(world: World) -> None:
    """At 15:00 both let offers lapse: whoever is asked first, the other is asked three minutes
    on (core/spares.py); at 20:30 both answer promptly, and nobody is asked twice over."""
    world.clock.set(MONDAY_AFTERNOON)
    learning = await world.routed_by(LearningRouter(random.Random(6)))
    ann = await learning.parent("Ann", "proofreading:expert", "14h")
    ben = await learning.parent("Ben", "proofreading:expert", "14h")
    for parent in (ann, ben):
        await answering(learning.app, parent, 15, expired=2)
        await answering(learning.app, parent, 20, accepted=2, seconds=60)
    shop = await learning.business()
    after_school = await learning.funded(shop)
    learning.clock.advance(minutes=3)
    assert (await learning.app.sweep()).spares_asked == 1
    assert {o.member_id for o in await learning.offers(after_school)} == {
        ann.member_id,
        ben.member_id,
    }

    learning.clock.set(MONDAY_EVENING)
    await learning.app.sweep()  # the afternoon's offers time out; the item waits for a reply
    evening = await learning.funded(shop, title="Evening flyer")
    learning.clock.advance(minutes=3)
    assert (await learning.app.sweep()).spares_asked == 0
    assert len(await learning.offers(evening)) == 1
