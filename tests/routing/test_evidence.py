"""What routing reads of a parent's record: each fact counted once, for the skills asked."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from core.models import Delivery, Member, MemberSkill, Payout, Rating
from routing.evidence import evidence_of, pseudo_counts
from routing.rhythm import Rhythm
from tests.world import World


async def test_a_parents_record_is_read_whole_and_for_the_skills_asked(world: World) -> None:
    shop = await world.business()
    ann = await world.parent("Ann", skills="proofreading:expert, design:beginner")
    ben = await world.parent("Ben", skills="proofreading:intermediate")
    proofread = await world.post(shop)
    both = await world.post(shop, skills="proofreading, design")
    elsewhere = await world.post(shop, skills="accountancy")  # Ann never declared it
    now = world.clock.now()
    async with world.app.uow() as uow:
        session = uow.session
        # The shop rates half a star strictly: its ratings count half a star higher.
        await session.execute(
            update(Member).where(Member.id == shop.member_id).values(rating_offset=-0.5)
        )
        await session.execute(
            update(MemberSkill)
            .where(MemberSkill.member_id == ann.member_id, MemberSkill.skill_code == "proofreading")
            .values(years=4, verified_at=now)
        )
        for work_id, stars in ((proofread, 5), (both, 3), (elsewhere, 4)):
            session.add(
                Rating(
                    work_id=work_id,
                    rater_member_id=shop.member_id,
                    ratee_member_id=ann.member_id,
                    stars=stars,
                    created_at=now,
                )
            )
        for work_id, on_time in ((proofread, True), (both, True), (elsewhere, False)):
            session.add(
                Delivery(
                    work_id=work_id,
                    member_id=ann.member_id,
                    body="done",
                    submitted_at=now,
                    auto_approve_at=now,
                    on_time=on_time,
                )
            )
        for work_id, amount, days_ago in ((proofread, 2125, 3), (both, 5000, 45)):
            session.add(
                Payout(
                    work_id=work_id,
                    member_id=ann.member_id,
                    amount_minor=amount,
                    currency="GBP",
                    created_at=now - timedelta(days=days_ago),
                )
            )
        await uow.commit()

    async with world.app.uow() as uow:
        found = await evidence_of(
            uow,
            {ann.member_id: ["design"], ben.member_id: None},
            ["proofreading"],
            now - timedelta(days=30),
            {ann.member_id: Rhythm(), ben.member_id: Rhythm()},
        )

    record = found[ann.member_id]
    assert record.prefers is False  # she likes design; this item is proofreading
    assert (record.levels, record.years, record.verified) == (
        {"proofreading": 3},
        {"proofreading": 4},
        {"proofreading"},
    )
    # Every rating once, net of the shop's strictness: 5.5 + 3.5 + 4.5 stars.
    assert (record.all_good, record.all_bad) == pseudo_counts(3, 13.5)
    # Proofreading was rated twice (alone, and with design).
    assert (record.good["proofreading"], record.bad["proofreading"]) == pseudo_counts(2, 9.0)
    assert record.ratings == 2
    # By the level she declared in each rated skill; undeclared accountancy counts as beginner.
    assert record.by_level == {3: (2, (9.0 - 2) / 4), 1: (2, (3.5 + 4.5 - 2) / 4)}
    assert (record.on_time, record.late) == (2, 1)
    assert record.recent_earnings == 2125  # the older payout is outside the 30 days

    newcomer = found[ben.member_id]
    assert (newcomer.levels, newcomer.years, newcomer.verified) == (
        {"proofreading": 2},
        {"proofreading": 0},
        set(),
    )
    assert (newcomer.all_good, newcomer.all_bad, newcomer.ratings) == (0.0, 0.0, 0)
    assert newcomer.good == {} and newcomer.by_level == {}
    assert (newcomer.on_time, newcomer.late, newcomer.recent_earnings) == (0, 0, 0)


async def test_a_parent_who_likes_the_skill_asked_is_marked_so(world: World) -> None:
    ann = await world.parent("Ann", skills="design:expert")
    async with world.app.uow() as uow:
        found = await evidence_of(
            uow,
            {ann.member_id: ["design"]},
            ["design"],
            world.clock.now(),
            {ann.member_id: Rhythm()},
        )
    assert found[ann.member_id].prefers is True
