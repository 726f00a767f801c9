"""Projects: posted in milestones, offered whole to one parent, funded and paid milestone by
milestone, approved in order, cancelled or handed on, with the ledger clean at every step."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core import commands as c
from core.actors import Actor
from core.audit import audit_view
from core.credentials.record import work_record
from core.errors import DomainError, NotAllowed, StaleAction
from core.handlers.common import active_jobs
from core.models import Payout, Project, Refund, WorkItem
from core.projects.reading import show_project
from core.states import WorkStatus
from core.stats import stats
from payments import ledger
from tests.world import World

PLAN = (
    "Home page copy | £120 | 2026-03-06 17:00\n"
    "About and team pages | £150 | 2026-03-13 17:00\n"
    "Blog launch post | £90 | 2026-03-20 17:00"
)


async def post_project(world: World, shop: Actor, **overrides: Any) -> Any:
    fields = {
        "title": "Rewrite our website copy",
        "description": "Five pages, friendly and short.",
        "skills": "copywriting",
        "estimate": "2h",
        "milestones": PLAN,
    } | overrides
    return await world.app.handle(c.PostProject(actor=shop, **fields))


async def milestones(world: World, project_id: int) -> list[WorkItem]:
    async with world.app.uow() as uow:
        rows = (
            await uow.session.scalars(
                select(WorkItem)
                .where(WorkItem.project_id == project_id)
                .order_by(WorkItem.milestone_no)
            )
        ).all()
        await uow.commit()
        return list(rows)


async def project(world: World, project_id: int) -> Project:
    async with world.app.uow() as uow:
        found = await uow.session.get_one(Project, project_id)
        await uow.commit()
        return found


async def ledger_is_clean(world: World) -> None:
    async with world.app.uow() as uow:
        assert await ledger.check(uow.session) == []


async def told(world: World, name: str, *fragments: str) -> bool:
    return any(all(f in n.text for f in fragments) for n in await world.inbox(name))


async def fund(world: World, work_id: int) -> None:
    await world.app.handle(c.ConfirmFunding(actor=await world.moderator(), work_id=work_id))


async def taken(world: World) -> tuple[Actor, Actor, int, list[int]]:
    """Priya has taken on Bloom's project with milestone 1 funded."""
    priya = await world.parent("Priya", skills="copywriting:expert")
    shop = await world.business()
    posted = await post_project(world, shop)
    ids = [m.id for m in await milestones(world, posted.project_id)]
    await fund(world, ids[0])
    offer = await world.pending_offer(ids[0], priya)
    await world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer))
    return priya, shop, posted.project_id, ids


async def test_a_project_is_posted_with_its_total_and_each_milestone_awaits_its_own_payment(
    world: World,
) -> None:
    shop = await world.business()
    posted = await post_project(world, shop)
    assert "3 milestones, £360.00 in all" in posted.message
    assert "the parent receives £306.00 and the platform fee is £54.00" in posted.message
    assert "fund milestone 1" in posted.message
    parts = await milestones(world, posted.project_id)
    assert [m.milestone_no for m in parts] == [1, 2, 3]
    assert [m.budget_minor for m in parts] == [12000, 15000, 9000]
    assert {m.status for m in parts} == {WorkStatus.AWAITING_PAYMENT}
    assert all(m.checkout_url for m in parts)


@pytest.mark.parametrize(
    ("milestones_typed", "says"),
    [
        ("Home page copy | £120 | 2026-03-06 17:00", "2 to 10 milestones"),
        ("Home page | £120\nAbout | £150 | 2026-03-13", "Milestone 1 needs what is delivered"),
        ("Home page | £0.50 | 2026-03-06\nAbout | £150 | 2026-03-13", "Milestone 1: The smallest"),
        ("Home page | £120 | 2026-03-13\nAbout | £150 | 2026-03-06", "due before milestone 1"),
        ("Home page | £120 | 2026-03-02 09:30\nAbout | £150 | 2026-03-13", "Milestone 1 is due"),
        ("\n".join(f"Part {n} | £20 | 2026-03-2{n % 10}" for n in range(11)), "2 to 10"),
    ],
)
async def test_each_milestone_is_checked_as_a_post_and_nothing_is_kept_on_a_mistake(
    world: World, milestones_typed: str, says: str
) -> None:
    shop = await world.business()
    with pytest.raises(DomainError, match=says):
        await post_project(world, shop, milestones=milestones_typed)
    async with world.app.uow() as uow:
        assert (await uow.session.scalars(select(Project))).all() == []
        assert (await uow.session.scalars(select(WorkItem))).all() == []


async def test_the_project_is_offered_whole_and_one_parent_takes_all_of_it(world: World) -> None:
    priya = await world.parent("Priya", skills="copywriting:expert")
    shop = await world.business()
    posted = await post_project(world, shop)
    ids = [m.id for m in await milestones(world, posted.project_id)]
    await fund(world, ids[1])  # milestone 2 first: held, nobody is offered anything yet
    assert await world.offers(ids[1]) == []
    assert await told(world, "Bloom", "held until the project's parent reaches it")
    await fund(world, ids[0])
    offer = await world.pending_offer(ids[0], priya)
    text = await world.last_text("Priya")
    assert "New paid project" in text and "3 milestones" in text
    assert "You receive £306.00 in all" in text
    assert "1. Home page copy: £102.00 for you" in text and "(funded)" in text
    assert "3. Blog launch post" in text and "(not funded yet)" in text

    said = await world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer))
    assert "is yours" in said
    parts = await milestones(world, posted.project_id)
    assert [m.status for m in parts] == [
        WorkStatus.ASSIGNED,
        WorkStatus.ASSIGNED,
        WorkStatus.AWAITING_PAYMENT,
    ]
    assert {m.assignee_member_id for m in parts} == {priya.member_id}
    assert await told(world, "Priya", "Milestone 3 is not funded yet")
    assert (await project(world, posted.project_id)).status == "under_way"
    async with world.app.uow() as uow:
        assert await active_jobs(uow, priya.member_id) == 1  # the project holds one slot

    await fund(world, ids[2])  # funded later: it goes straight to Priya
    assert (await world.item(ids[2])).status == WorkStatus.ASSIGNED
    assert await told(world, "Priya", "Milestone 3 of", "is funded")
    await ledger_is_clean(world)


async def test_milestones_are_approved_in_order_each_paying_its_own_share(world: World) -> None:
    priya, shop, project_id, ids = await taken(world)
    await fund(world, ids[1])
    for work_id in ids[:2]:
        await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, body="Done"))
    with pytest.raises(DomainError, match="Approve milestone 1"):
        await world.app.handle(c.ApproveDelivery(actor=shop, work_id=ids[1]))
    assert (await world.item(ids[1])).status == WorkStatus.SUBMITTED

    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=ids[0]))
    assert await told(world, "Bloom", "Milestone 2 is funded")
    with pytest.raises(StaleAction, match="once it is complete"):
        await world.app.handle(c.RateWork(actor=shop, work_id=ids[0], stars=5))
    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=ids[1]))
    assert await told(world, "Bloom", "Fund milestone 3 (£90.00)")
    async with world.app.uow() as uow:
        payouts = (await uow.session.scalars(select(Payout).order_by(Payout.id))).all()
        assert [(p.work_id, p.amount_minor) for p in payouts] == [(ids[0], 10200), (ids[1], 12750)]
        assert await ledger.balance(uow.session, ledger.escrow(ids[2]), "GBP") == 0

    await fund(world, ids[2])
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=ids[2], body="Live"))
    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=ids[2]))
    assert (await project(world, project_id)).status == "done"
    assert await told(world, "Priya", "the project is complete", "How was working")
    await world.app.handle(c.RateWork(actor=shop, work_id=ids[0], stars=5))  # kept on the last
    await world.app.handle(c.RateWork(actor=priya, work_id=ids[2], stars=4))
    assert await told(world, "Priya", "rated you ★★★★★")
    with pytest.raises(StaleAction, match="already rated"):
        await world.app.handle(c.RateWork(actor=shop, work_id=ids[1], stars=1))
    await ledger_is_clean(world)
    async with world.app.uow() as uow:  # one piece of work in her record, with its size
        record = await work_record(uow, priya.member_id)
    [job] = record.jobs
    assert job.milestones == 3 and job.stars == 5
    assert "a project of 3 milestones, content creation" in job.words
    assert [(line.skill, line.jobs) for line in record.skills] == [("Content creation", 1)]


async def test_cancelling_mid_way_refunds_funded_work_drops_the_rest_and_keeps_what_was_paid(
    world: World,
) -> None:
    priya, shop, project_id, ids = await taken(world)
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=ids[0], body="Done"))
    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=ids[0]))
    await fund(world, ids[1])  # funded and being worked on; milestone 3 never funded
    with pytest.raises(DomainError, match="/project"):
        await world.app.handle(c.CancelWork(actor=shop, work_id=ids[1]))
    said = await world.app.handle(c.CancelProject(actor=shop, project_id=project_id))
    assert "£150.00 for 1 funded milestone not yet delivered will be refunded" in said
    assert "1 unfunded milestone dropped" in said
    parts = await milestones(world, project_id)
    assert [m.status for m in parts] == [
        WorkStatus.APPROVED,
        WorkStatus.REFUNDED,
        WorkStatus.CANCELLED,
    ]
    assert await told(world, "Priya", "The business cancelled project")
    async with world.app.uow() as uow:
        refunds = (await uow.session.scalars(select(Refund))).all()
        assert [(r.work_id, r.amount_minor) for r in refunds] == [(ids[1], 15000)]
        assert await active_jobs(uow, priya.member_id) == 0
    with pytest.raises(StaleAction, match="nothing to cancel"):
        await world.app.handle(c.CancelProject(actor=shop, project_id=project_id))
    await ledger_is_clean(world)
    kate = await world.moderator()
    async with world.app.uow() as uow:  # the moderators see it in /stats and the audit
        assert "Projects: 0 looking for a parent, 0 under way, 0 done, 1 cancelled" in (
            await stats(uow, kate)
        )
        audit = await audit_view(uow, kate)
    assert "posted a project" in audit and "cancelled a project" in audit


async def test_a_dispute_on_one_milestone_is_split_and_the_others_carry_on(world: World) -> None:
    priya, shop, project_id, ids = await taken(world)
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=ids[0], body="Half of it"))
    await world.app.handle(c.OpenDispute(actor=shop, work_id=ids[0], reason="Half missing"))
    kate = await world.moderator()
    await world.app.handle(
        c.ResolveDispute(actor=kate, work_id=ids[0], outcome="split", parent_amount="£60")
    )
    await fund(world, ids[1])
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=ids[1], body="All of it"))
    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=ids[1]))  # 1 is settled
    async with world.app.uow() as uow:
        paid = dict((await uow.session.execute(select(Payout.work_id, Payout.amount_minor))).all())
        refunds = (await uow.session.scalars(select(Refund.work_id))).all()
    assert paid[ids[0]] == 5100 and paid[ids[1]] == 12750  # £60 of £120, less the fee
    assert list(refunds) == [ids[0]]
    assert (await project(world, project_id)).status == "under_way"
    await ledger_is_clean(world)


async def test_a_parent_who_leaves_mid_way_lets_the_business_offer_the_rest_again(
    world: World,
) -> None:
    priya, shop, project_id, ids = await taken(world)
    tom = await world.parent("Tom", skills="copywriting:expert")
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=ids[0], body="Done"))
    await fund(world, ids[1])
    kate = await world.moderator()
    await world.app.handle(
        c.BanMember(actor=kate, platform="telegram", who="te-priya", reason="spam")
    )
    asked = await world.inbox("Bloom")
    assert "Priya is no longer on your project" in asked[-1].text
    assert [a.token for a in asked[-1].actions] == [f"jr:{project_id}", f"jc:{project_id}"]
    with pytest.raises(NotAllowed):
        await world.app.handle(c.ReofferProject(actor=tom, project_id=project_id))

    said = await world.app.handle(c.ReofferProject(actor=shop, project_id=project_id))
    assert "being offered to other parents now" in said
    parts = await milestones(world, project_id)
    assert (
        parts[0].status == WorkStatus.SUBMITTED and parts[0].assignee_member_id == priya.member_id
    )
    assert (await project(world, project_id)).lead_work_id == ids[1]
    offer = await world.pending_offer(ids[1], tom)
    await world.app.handle(c.AcceptOffer(actor=tom, offer_id=offer))
    parts = await milestones(world, project_id)
    assert [m.assignee_member_id for m in parts[1:]] == [tom.member_id, tom.member_id]
    with pytest.raises(StaleAction, match="nothing to offer again"):
        await world.app.handle(c.ReofferProject(actor=shop, project_id=project_id))
    await ledger_is_clean(world)


async def test_only_the_business_and_its_parent_see_a_project(world: World) -> None:
    priya, shop, project_id, _ = await taken(world)
    rival = await world.business("Rex")

    async with world.app.uow() as uow:
        mine = await show_project(uow, shop, project_id)
        theirs = await show_project(uow, priya, project_id)
        with pytest.raises(NotAllowed):
            await show_project(uow, rival, project_id)
    assert "£120.00" in str(mine) and "To cancel" in str(mine) and "To fund it" in str(mine)
    assert "£102.00 for you" in str(theirs) and "To cancel" not in str(theirs)
    with pytest.raises(NotAllowed):
        await world.app.handle(c.CancelProject(actor=rival, project_id=project_id))


async def test_offline_the_moderators_hear_of_every_transfer_to_expect_in_one_message(
    world: World,
) -> None:
    chat = await world.moderators_chat()
    shop = await world.business()
    posted = await post_project(world, shop)
    ids = [m.id for m in await milestones(world, posted.project_id)]
    await world.app.outbox.drain()
    expecting = [n.text for n in world.messenger().to(chat) if "bank transfer" in n.text]
    assert len(expecting) == 1
    assert all(f"#{i}" in expecting[0] and f"PB-{i}" in expecting[0] for i in ids)
    assert "/funded" in expecting[0]


async def test_a_milestone_left_unfunded_past_its_date_is_dropped_in_those_words(
    world: World,
) -> None:
    _, _, project_id, ids = await taken(world)
    world.clock.advance(days=30)
    await world.app.sweep()
    parts = await milestones(world, project_id)
    assert parts[2].status in (WorkStatus.EXPIRED, WorkStatus.REFUNDED)
    assert await told(world, "Bloom", "wasn't funded by its date, so this milestone was dropped")
    assert (await world.item(ids[0])).status == WorkStatus.ASSIGNED  # Priya's work goes on
