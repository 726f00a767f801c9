"""The work record agrees with the store: jobs, punctuality and stars per skill, ratings only
once shown, businesses named only where they agreed, earnings only where the parent chose."""

from __future__ import annotations

from sqlalchemy import func, select

from core import commands as c
from core.catalogue.runners import record as record_runner
from core.credentials.record import work_record
from core.credentials.words import record_text
from core.errors import DomainError
from core.models import Delivery, Rating, WorkItem
from tests.core.credentials.helpers import jobs_done, pass_check
from tests.world import World


async def test_the_record_agrees_with_the_store(world: World) -> None:
    await world.town()
    priya = await world.parent("Priya")
    bloom = await world.business("Bloom")
    await jobs_done(world, priya, bloom, 3, stars=4)
    hidden = await world.funded(bloom, title="Proofread a leaflet")
    await world.job_done(priya, bloom, hidden)
    await world.app.handle(c.RateWork(actor=bloom, work_id=hidden, stars=1))  # not shown yet

    async with world.app.uow() as uow:
        record = await work_record(uow, priya.member_id)
        approved = await uow.session.scalar(
            select(func.count())
            .select_from(WorkItem)
            .where(
                WorkItem.assignee_member_id == priya.member_id,
                WorkItem.status.in_(("approved", "paid")),
            )
        )
        on_time = await uow.session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(
                Delivery.member_id == priya.member_id,
                Delivery.status == "approved",
                Delivery.on_time.is_(True),
            )
        )
        shown = (
            await uow.session.scalars(
                select(Rating.stars).where(
                    Rating.ratee_member_id == priya.member_id, Rating.visible.is_(True)
                )
            )
        ).all()
    [line] = record.skills
    assert line.skill == "Proofreading"
    assert line.jobs == approved == 4 and line.on_time == on_time
    assert sorted(line.stars) == sorted(shown) == [4, 4, 4]  # the hidden 1★ isn't counted
    assert len(record.jobs) == 4 and record.months_active == 1
    assert record.communities == ("Town",)
    assert all(job.done_for == "a business" for job in record.jobs)
    assert record.jobs[0].words.startswith("a business, proofreading, ")
    assert record.earnings is None and record.share_token is None

    text = record_text(record, world.app.settings)
    assert "• Proofreading: 4 jobs, all on time, 4.0★ from 3 ratings" in text
    assert "Bloom" not in text and "flyer" not in text.lower()
    assert "Earnings: private" in text and "/record share" in text


async def test_businesses_that_agree_are_named_and_earnings_show_when_chosen(
    world: World,
) -> None:
    await world.town()
    priya = await world.parent("Priya")
    bloom = await world.business("Bloom")
    await world.app.handle(c.NameBusinessInRecords(actor=bloom, named=True))
    await jobs_done(world, priya, bloom, 1)
    said = await world.app.handle(c.ShowEarningsOnRecord(actor=priya, show=True))
    assert "now shows what you've earned" in said

    async with world.app.uow() as uow:
        record = await work_record(uow, priya.member_id)
    assert record.jobs[0].done_for == "Bloom Ltd: Proofread flyer 1"
    assert record.earnings is not None and [str(m) for m in record.earnings] == ["£21.25"]
    assert "Earnings (shown): £21.25." in record_text(record, world.app.settings)

    await world.app.handle(c.ShowEarningsOnRecord(actor=priya, show=False))
    async with world.app.uow() as uow:
        assert (await work_record(uow, priya.member_id)).earnings is None


async def test_record_share_and_stop_and_a_clear_answer_to_anything_else(world: World) -> None:
    await world.town()
    priya = await world.parent("Priya")
    await pass_check(world, priya)
    empty = await world.parent("Omar")

    async def typed(actor: c.Actor, what: str) -> str:
        return str(await record_runner(world.app, actor, {"what": what}))

    assert "empty for now" in await typed(empty, "")
    shown = await typed(priya, "")
    assert "Proofreading: no jobs yet, verified ✓" in shown
    assert "Proofreading: skill check passed (Town," in shown

    shared = await typed(priya, "share")
    assert "shared at http://127.0.0.1:8080/web/r/" in shared
    address = shared.split("shared at ")[1].split()[0]
    assert address in await typed(priya, "share")  # asking again gives the same address
    assert f"Shared at {address}" in await typed(priya, "")
    assert "no longer shows your record" in await typed(priya, "Stop")
    assert "nothing to stop" in await typed(priya, "stop")
    try:
        await typed(priya, "publish everything")
    except DomainError as err:
        assert "/record share" in err.message
    else:
        raise AssertionError("an unknown choice must be refused")


async def test_only_a_business_can_choose_to_be_named(world: World) -> None:
    await world.town()
    priya = await world.parent("Priya")
    try:
        await world.app.handle(c.NameBusinessInRecords(actor=priya, named=True))
    except DomainError as err:
        assert "Register your business first" in err.message
    else:
        raise AssertionError("a parent has no business to name")
