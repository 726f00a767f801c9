"""Family time: the week against a hand-checked record, the Sunday note across a restart and
summer time, the calendar parsed back with stable UIDs, and a household's invitation and its
"one of us at a time", raced on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import icalendar
import pytest
from sqlalchemy import event, select

from bots.app import ParentBrain, bootstrap
from core import commands as c
from core import tokens
from core.actors import Actor
from core.errors import DomainError, NotAllowed, StaleAction
from core.family.calendar import calendar_of
from core.family.notes import send_week_notes
from core.family.week import parents_week
from core.models import FamilySettings, Offer, WorkItem
from core.states import OfferStatus, WorkStatus
from tests.world import World


async def test_the_week_agrees_with_a_hand_checked_record(world: World) -> None:
    await world.town()
    # Monday 2 March 2026, 09:00 in London (GMT). Priya is free 09:00-11:00 ...
    priya = await world.parent("Priya", window="2h")
    bloom = await world.business("Bloom")
    work_id = await world.funded(bloom, deadline="friday 17:00")
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    world.clock.advance(minutes=90)  # ... works from 09:00, delivers at 10:30 ...
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="Done"))
    await world.app.handle(c.ApproveDelivery(actor=bloom, work_id=work_id))
    later = await world.funded(bloom, title="Proofread a leaflet", deadline="thursday 12:00")
    world.clock.advance(days=1)  # ... and on Tuesday looks back.
    async with world.app.uow() as uow:
        week = await parents_week(uow, priya.member_id)
    monday = next(d for d in week.days if d.day.isoformat() == "2026-03-02")
    assert (monday.free_hours, monday.work_hours) == (2.0, 1.5)
    assert week.free_hours == 2.0 and week.work_hours == 1.5
    assert week.jobs_done == 1 and [str(m) for m in week.earned] == ["£21.25"]
    assert len(week.days) == 14 and sum(d.past for d in week.days) == 7
    assert all(d.free_hours == 0 for d in week.days if not d.past)  # no regular hours set
    assert [d.work_id for d in week.due] == []  # the job was delivered and approved
    assert later  # posted, not this parent's: not due for her

    await world.app.handle(c.AddWeeklyWindow(actor=priya, spec="weekdays 20:00-22:00"))
    async with world.app.uow() as uow:
        week = await parents_week(uow, priya.member_id)
    coming = [d for d in week.days if not d.past and d.day.weekday() < 5]
    assert all(d.free_hours == 2.0 for d in coming[1:])  # planned, from tomorrow


async def test_the_sunday_note_comes_once_across_a_restart_and_summer_time(
    world: World, app: ParentBrain
) -> None:
    await world.town()
    priya = await world.parent("Priya")
    await world.app.handle(c.SetWeekNote(actor=priya, on=True))
    # Sunday 29 March 2026: the clocks go forward in London at 01:00 GMT.
    world.clock.set(datetime(2026, 3, 29, 16, 30, tzinfo=UTC))  # 17:30 BST: not yet
    async with app.uow() as uow:
        assert await send_week_notes(uow, app.settings) == []
    world.clock.set(datetime(2026, 3, 29, 17, 1, tzinfo=UTC))  # 18:01 BST (17:01 in GMT!)
    report = await app.sweep()
    assert report.week_notes == [priya.member_id]
    assert (await app.sweep()).week_notes == []
    again = await bootstrap(app.settings, clock=world.clock, engine=app.engine, schema="none")
    assert (await again.sweep()).week_notes == []  # a restart sends nothing twice
    await again.lms.close()  # type: ignore[attr-defined]
    notes = [n.text for n in await world.inbox("Priya") if n.text.startswith("Your week")]
    assert len(notes) == 1 and "(/week off stops these notes.)" in notes[0]
    world.clock.set(datetime(2026, 4, 5, 17, 1, tzinfo=UTC))
    assert (await app.sweep()).week_notes == [priya.member_id]  # the next Sunday
    async with app.uow() as uow:
        mine = await uow.session.get_one(FamilySettings, priya.member_id)
        assert mine.week_note_sent_for == "2026-W14"


async def test_the_calendar_parses_back_with_stable_uids_and_resets(world: World) -> None:
    await world.town()
    priya = await world.parent("Priya")
    await world.app.handle(c.AddWeeklyWindow(actor=priya, spec="weekdays 20:00-22:00"))
    bloom = await world.business("Bloom")
    work_id = await world.funded(bloom)
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    said = await world.app.handle(c.ResetCalendar(actor=priya))
    token = said.split("/cal/")[1].split(".ics")[0]
    assert "Google Calendar" in said
    async with world.app.uow() as uow:
        first = await calendar_of(uow, token)
    world.clock.advance(hours=1)
    async with world.app.uow() as uow:
        second = await calendar_of(uow, token)
    assert first is not None and second is not None
    parsed = icalendar.Calendar.from_ical(first)
    assert str(parsed["PRODID"]) == "-//Parent Brain//Family calendar//EN"
    events = {str(e["UID"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {f"hours-1-{priya.member_id}@parentbrain", f"job-{work_id}@parentbrain"}
    assert all("DTSTAMP" in e for e in events.values())
    hours = events[f"hours-1-{priya.member_id}@parentbrain"]
    assert hours["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR"]
    assert (
        hours["DTSTART"].dt.tzinfo is not None
        and str(hours["DTSTART"].params["TZID"]) == "Europe/London"
    )
    assert parsed.walk("VTIMEZONE"), "times name their timezone, defined in the file"
    again = {str(e["UID"]) for e in icalendar.Calendar.from_ical(second).walk("VEVENT")}
    assert again == set(events)  # the same events on the next refresh, not new ones

    await world.app.handle(c.ResetCalendar(actor=priya, reset=True))
    async with world.app.uow() as uow:
        assert await calendar_of(uow, token) is None  # the old address is gone at once
        assert await calendar_of(uow, "never-made") is None


async def _household(world: World, one: Actor, other: Actor) -> None:
    said = await world.app.handle(
        c.InviteToHousehold(actor=one, who=world.address(other_name(world, other)))
    )
    assert "Invitation sent" in said
    invite = [n for n in await world.inbox(other_name(world, other)) if n.actions][-1]
    join = next(a.token for a in invite.actions if a.label == "Join")
    assert "are a household now" in await world.app.handle(tokens.read(join, other))


def other_name(world: World, actor: Actor) -> str:
    return next(name for name, a in world.people.items() if a.member_id == actor.member_id)


async def test_an_invitation_is_the_invited_persons_once(world: World) -> None:
    await world.town()
    ann, ben, eve = [await world.parent(n) for n in ("Ann", "Ben", "Eve")]
    await world.app.handle(c.InviteToHousehold(actor=ann, who="te-ben"))
    invite = [n for n in await world.inbox("Ben") if n.actions][-1]
    join = next(a.token for a in invite.actions if a.label == "Join")
    with pytest.raises(NotAllowed, match="for someone else"):
        await world.app.handle(tokens.read(join, eve))
    world.clock.advance(days=3)
    with pytest.raises(StaleAction, match="expired"):
        await world.app.handle(tokens.read(join, ben))
    await _household(world, ann, ben)
    with pytest.raises(StaleAction, match="answered that invitation already"):
        await world.app.handle(
            tokens.read(join.replace(join.split(":")[1], str(int(join.split(":")[1]) + 1)), ben)
        )
    with pytest.raises(DomainError, match="in a household already"):
        await world.app.handle(c.InviteToHousehold(actor=eve, who="te-ann"))
    with pytest.raises(DomainError, match="Invite your partner"):
        await world.app.handle(c.InviteToHousehold(actor=eve, who="te-eve"))

    assert "• Ben: not available now; no job in progress" in await _view(world, ann)
    await world.app.handle(c.GoAvailable(actor=ben, window="2h"))
    seen = await _view(world, ann)
    assert "• Ben: available until 11:00 their time" in seen
    assert "earned" not in seen  # Ben hasn't chosen to share it
    await world.app.handle(c.ChooseForHousehold(actor=ben, choice="earnings on"))
    assert "earned nothing yet" in await _view(world, ann)
    assert "You've left the household" in await world.app.handle(c.LeaveHousehold(actor=ben))
    assert "Ben left the household" in await world.last_text("Ann")
    assert "not in a household" in await _view(world, ann)


async def _view(world: World, actor: Actor) -> str:
    from core.family.words import my_household

    async with world.app.uow() as uow:
        return await my_household(uow, actor)


async def test_one_of_us_at_a_time_holds_in_routing_and_in_a_race(world: World) -> None:
    await world.town()
    ann, ben = await world.parent("Ann"), await world.parent("Ben")
    await _household(world, ann, ben)
    assert "One job at a time" in await world.app.handle(
        c.ChooseForHousehold(actor=ann, choice="one")
    )
    bloom = await world.business("Bloom")
    first = await world.funded(bloom, title="Proofread a flyer")
    second = await world.funded(bloom, title="Proofread a menu")
    offered = {
        o.work_id: o
        for o in (await world.offers(first)) + (await world.offers(second))
        if o.status == OfferStatus.PENDING
    }
    assert set(offered) == {first, second}
    actors = {ann.member_id: ann, ben.member_id: ben}
    assert {o.member_id for o in offered.values()} == set(actors)  # one each

    results = await asyncio.gather(
        *(
            world.app.handle(c.AcceptOffer(actor=actors[o.member_id], offer_id=o.id))
            for o in offered.values()
        ),
        return_exceptions=True,
    )
    wins = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(wins) == 1 and len(refused) == 1, results
    assert "takes one job at a time" in refused[0].message
    async with world.app.uow() as uow:
        busy = (
            await uow.session.scalars(
                select(WorkItem.assignee_member_id).where(WorkItem.status == WorkStatus.ASSIGNED)
            )
        ).all()
    assert len(busy) == 1

    # While one of them works, routing offers nothing new to the other.
    third = await world.funded(bloom, title="Proofread a poster")
    async with world.app.uow() as uow:
        asked = (
            await uow.session.scalars(select(Offer.member_id).where(Offer.work_id == third))
        ).all()
    assert not set(asked) & set(actors), "the other partner is not offered it"


async def test_the_suggestion_reads_the_communitys_offers_and_a_partners_other_community_stays_private(
    world: World,
) -> None:
    await world.town()
    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    bloom = await world.business("Bloom")
    for day in range(3):  # three weekday mornings of proofreading work
        world.clock.set(datetime(2026, 3, 2 + day, 9, 0, tzinfo=UTC))
        await world.funded(bloom, title=f"Proofread {day}", deadline="tomorrow 17:00")
    for day in range(2):  # Priya is free on weekday evenings
        world.clock.set(datetime(2026, 3, 2 + day, 19, 0, tzinfo=UTC))
        await world.app.handle(c.GoAvailable(actor=priya, window="2h"))
    world.clock.set(datetime(2026, 3, 6, 12, 0, tzinfo=UTC))
    async with world.app.uow() as uow:
        week = await parents_week(uow, priya.member_id)
    assert week.suggestion == (
        "Most proofreading offers here arrive on weekday mornings; you're usually free on "
        "weekday evenings."
    )

    # Sam, in Priya's household, also works in a community Priya isn't part of.
    valley = await world.community("Valley", group=-2002)
    sam = await world.join("Sam", community=valley)
    await world.app.handle(c.SetSkills(actor=sam, skills="proofreading:expert"))
    await world.app.handle(c.GoAvailable(actor=sam, window="3h"))
    await _household(world, priya, sam)
    shop = await world.join("Vince", community=valley)
    await world.app.handle(
        c.RegisterBusiness(actor=shop, name="Valley Print", contact="v@p.example")
    )
    shop = await world.join("Vince", community=valley)
    secret = await world.post(shop, title="Valley secret")
    await world.app.handle(
        c.ConfirmFunding(actor=await world.moderator("Vera", community=valley), work_id=secret)
    )
    await world.app.handle(
        c.AcceptOffer(actor=sam, offer_id=await world.pending_offer(secret, sam))
    )
    seen = await _view(world, priya)
    assert "• Sam:" in seen and "Valley secret" not in seen

    await world.app.handle(c.ForgetMe(actor=priya, confirm="yes"))
    async with world.app.uow() as uow:
        assert await uow.session.get(FamilySettings, priya.member_id) is None
    assert "not in a household" in await _view(world, sam)


async def test_a_partner_hears_of_an_offer_only_if_the_household_chose_to(world: World) -> None:
    await world.town()
    ann, ben = await world.parent("Ann"), await world.parent("Ben", window=None)  # type: ignore[arg-type]
    await _household(world, ann, ben)
    bloom = await world.business("Bloom")
    flyer = await world.funded(bloom, title="Proofread a flyer")
    assert not any("went to Ann" in n.text for n in await world.inbox("Ben"))
    await world.app.handle(
        c.DeclineOffer(actor=ann, offer_id=await world.pending_offer(flyer, ann))
    )
    assert "the others hear of it" in await world.app.handle(
        c.ChooseForHousehold(actor=ben, choice="offers on")
    )
    await world.funded(bloom, title="Proofread a menu")
    assert 'An offer for "Proofread a menu" went to Ann.' in [
        n.text for n in await world.inbox("Ben")
    ]


async def test_an_offer_and_the_partners_notice_of_it_are_made_together(world: World) -> None:
    """The partner's notice is written with the offer, in the routing decision's one
    transaction: it can't be lost between them, and parents without a household cost the
    decision one read rather than a transaction of its own."""
    await world.town()
    ann = await world.parent("Ann", window=None)  # type: ignore[arg-type]
    ben = await world.parent("Ben", window=None)  # type: ignore[arg-type]
    await _household(world, ann, ben)
    await world.app.handle(c.ChooseForHousehold(actor=ben, choice="offers on"))
    bloom = await world.business("Bloom")
    menu = await world.funded(bloom, title="Proofread a menu")
    assert await world.offers(menu) == []  # nobody was free
    await world.app.handle(c.GoAvailable(actor=ann, window="tonight"))
    world.clock.advance(hours=10)  # 19:00: Ann is free, and the next sweep would route it
    transactions: list[object] = []

    def began(connection: object) -> None:
        transactions.append(connection)

    engine = world.app.engine.sync_engine
    event.listen(engine, "begin", began)
    try:
        await world.app.handle(c.RouteWork(work_id=menu))
    finally:
        event.remove(engine, "begin", began)
    assert [o.member_id for o in await world.offers(menu)] == [ann.member_id]
    assert 'An offer for "Proofread a menu" went to Ann.' in [
        n.text for n in await world.inbox("Ben")
    ]
    assert len(transactions) == 1
