"""The Alembic history builds exactly the schema the models describe, on both backends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, insert, select, text

import migrations
from core.clock import ManualClock
from core.communities import adopt_configured_community, find_by_chat, sole_community
from core.config import Settings
from core.db import ensure_seed_skills, listen, make_engine, make_sessionmaker
from core.doorbell import NOTIFY_CHANNEL
from core.models import (
    AnswerRhythm,
    Availability,
    Base,
    Business,
    Community,
    CommunityBusiness,
    Member,
    Membership,
    MemberSkill,
    Offer,
    OpenSkill,
    OutboxNotice,
    Refund,
    SkillRow,
    WorkItem,
)
from core.skills import SEED_SKILLS
from core.uow import UnitOfWork
from payments import ledger
from tests.conftest import POSTGRES_URL


async def test_upgrade_matches_the_models_and_seeds_the_skills(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        await migrations.upgrade(engine)
        await migrations.upgrade(engine)  # a second run is a no-op
        assert await migrations.current(engine) == migrations.head()
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
                )
            )
        assert diff == []
        sessions = make_sessionmaker(engine)
        assert await ensure_seed_skills(sessions) == len(SEED_SKILLS)
        assert await ensure_seed_skills(sessions) == 0
        async with sessions() as session:
            codes = set((await session.scalars(select(SkillRow.code))).all())
        assert "parenting_advice" in codes and len(codes) == 19
    finally:
        await engine.dispose()


async def test_parents_available_before_the_upgrade_still_get_offers(database_url: str) -> None:
    """0004 adds routing's index of open skills; it must cover who was already available."""
    engine = make_engine(database_url)
    try:
        await migrations.upgrade(engine, "0003")
        sessions = make_sessionmaker(engine)
        await ensure_seed_skills(sessions)
        now = datetime.now(UTC)
        async with sessions() as session:
            # Only 0003's columns, in SQL: the models have grown since.
            ann = (
                await session.execute(
                    text(
                        "INSERT INTO members (display_name, roles, timezone, bio, "
                        "preferred_skills, rate_floor_minor, max_jobs, last_platform, "
                        "reachable, created_at) VALUES ('Ann', '[\"parent\"]', "
                        "'Europe/London', '', '[]', 0, 1, 'telegram', true, :c) RETURNING id"
                    ),
                    {"c": now},
                )
            ).scalar_one()
            await session.execute(
                insert(MemberSkill.__table__).values(
                    member_id=ann, skill_code="proofreading", level=3, years=0
                )
            )
            session.add(
                Availability(
                    member_id=ann, starts_at=now, until=now + timedelta(hours=2), skills=[]
                )
            )
            await session.commit()
        await migrations.upgrade(engine)
        async with sessions() as session:
            indexed = (await session.scalars(select(OpenSkill))).all()
        assert [(row.member_id, row.skill_code, row.level) for row in indexed] == [
            (ann, "proofreading", 3)
        ]
    finally:
        await engine.dispose()


async def test_a_single_community_database_becomes_community_one_and_keeps_working(
    database_url: str,
) -> None:
    """0007: every member, business, item and ban of a deployment from before communities
    lands in community #1, whose chats come from today's settings at start-up."""
    engine = make_engine(database_url)
    try:
        await migrations.upgrade(engine, "0006")
        sessions = make_sessionmaker(engine)
        await ensure_seed_skills(sessions)
        now = datetime.now(UTC)
        async with sessions() as session:
            people = {}
            for name, banned in (("Ann", None), ("Bob", now + timedelta(days=7))):
                people[name] = (
                    await session.execute(
                        text(
                            "INSERT INTO members (display_name, roles, timezone, bio, "
                            "preferred_skills, rate_floor_minor, max_jobs, last_platform, "
                            "reachable, banned_until, ban_reason, created_at) VALUES (:n, '[]', "
                            "'Europe/London', '', '[]', 0, 1, 'telegram', true, :b, :r, :c) "
                            "RETURNING id"
                        ),
                        {"n": name, "b": banned, "r": "spam" if banned else None, "c": now},
                    )
                ).scalar_one()
            shop = (
                await session.execute(
                    text(
                        "INSERT INTO businesses (owner_member_id, name, contact, verified, "
                        "rejected_reason, created_at) VALUES (:o, 'Bloom', 'b@x', true, NULL, :c) "
                        "RETURNING id"
                    ),
                    {"o": people["Bob"], "c": now},
                )
            ).scalar_one()
            await session.execute(
                text(
                    "INSERT INTO work_items (business_id, title, description, budget_minor, "
                    "currency, fee_bps, estimated_minutes, deadline, urgent, status, rounds, "
                    "created_at, routed_at) VALUES (:b, 'Flyer', 'One page', 2500, 'GBP', 1500, "
                    "30, :d, false, 'open', 0, :c, :c)"
                ),
                {"b": shop, "d": now + timedelta(days=1), "c": now},
            )
            await session.execute(
                insert(MemberSkill.__table__).values(
                    member_id=people["Ann"], skill_code="proofreading", level=3, years=0
                )
            )
            session.add(
                Availability(
                    member_id=people["Ann"],
                    starts_at=now,
                    until=now + timedelta(hours=2),
                    skills=[],
                )
            )
            await session.commit()

        await migrations.upgrade(engine)

        async with sessions() as session:
            [community] = (await session.scalars(select(Community))).all()
            places = {m.member_id: m for m in (await session.scalars(select(Membership))).all()}
            [standing] = (await session.scalars(select(CommunityBusiness))).all()
            [item] = (await session.scalars(select(WorkItem))).all()
            indexed = (await session.scalars(select(OpenSkill))).all()
        assert community.id == 1 and community.telegram_chat_id is None
        assert set(places) == set(people.values())
        assert all(m.community_id == 1 and m.active for m in places.values())
        assert places[people["Bob"]].ban_reason == "spam"
        assert (standing.community_id, standing.business_id, standing.verified) == (1, shop, True)
        assert item.community_id == 1
        assert [(r.community_id, r.member_id) for r in indexed] == [(1, people["Ann"])]

        # Start-up with today's settings gives community #1 its chats.
        settings = Settings(
            database_url=database_url,
            telegram_community_chat_id=-100777,
            telegram_moderator_chat_id=-100778,
        )
        uow = UnitOfWork(make_sessionmaker(engine), ManualClock(now))
        async with uow:
            assert await adopt_configured_community(uow, settings) == 1
            await uow.commit()
        async with uow:
            found = await find_by_chat(uow, "telegram", -100777)
            assert found is not None and found.id == 1
            sole = await sole_community(uow, "telegram")
            assert sole is not None and sole.id == 1
            # A new community after the upgrade gets a new number (the sequence moved on).
            uow.session.add(Community(title="Valley", settings={}, created_at=now))
            await uow.session.flush()
            assert (await uow.session.scalar(select(func.max(Community.id)))) == 2
    finally:
        await engine.dispose()


async def test_refunds_booked_as_done_by_hand_become_refunds_owed(database_url: str) -> None:
    """0008: before refunds could be owed, the offline gateway booked them as sent. They were
    never confirmed, so the upgrade makes them owed, in the refunds table and the ledger."""
    engine = make_engine(database_url)
    try:
        await migrations.upgrade(engine, "0007")
        sessions = make_sessionmaker(engine)
        now = datetime.now(UTC)
        async with sessions() as session:

            async def row(sql: str, **values: object) -> int:
                return int(
                    (await session.execute(text(sql + " RETURNING id"), values)).scalar_one()
                )

            town = await row(
                "INSERT INTO communities (title, settings, created_at) VALUES ('Town', '{}', :c)",
                c=now,
            )
            bob = await row(
                "INSERT INTO members (display_name, roles, timezone, bio, preferred_skills, "
                "rate_floor_minor, max_jobs, last_platform, reachable, created_at) VALUES "
                "('Bob', '[]', 'UTC', '', '[]', 0, 1, 'telegram', true, :c)",
                c=now,
            )
            shop = await row(
                "INSERT INTO businesses (owner_member_id, name, contact, created_at) "
                "VALUES (:o, 'Bloom', 'b@x', :c)",
                o=bob,
                c=now,
            )
            item = await row(
                "INSERT INTO work_items (community_id, business_id, title, description, "
                "budget_minor, currency, fee_bps, estimated_minutes, deadline, urgent, status, "
                "rounds, created_at, funded_at, routed_at) VALUES (:t, :b, 'Flyer', 'One', 2500, "
                "'GBP', 1500, 30, :c, false, 'refunded', 0, :c, :c, :c)",
                t=town,
                b=shop,
                c=now,
            )
            for key, kind, memo, legs in (
                (f"fund:{item}", "fund", "bank", [("cash", 2500), (f"escrow:work:{item}", -2500)]),
                (
                    f"refund:{item}",
                    "refund",
                    "refund by hand",
                    [(f"escrow:work:{item}", 2500), ("cash", -2500)],
                ),
            ):
                txn = await row(
                    "INSERT INTO ledger_transactions (key, kind, work_id, memo, created_at) "
                    "VALUES (:k, :kind, :w, :m, :c)",
                    k=key,
                    kind=kind,
                    w=item,
                    m=memo,
                    c=now,
                )
                for account, amount in legs:
                    await session.execute(
                        text(
                            "INSERT INTO ledger_entries (transaction_id, account, amount_minor, "
                            "currency) VALUES (:t, :a, :m, 'GBP')"
                        ),
                        {"t": txn, "a": account, "m": amount},
                    )
            await session.commit()

        await migrations.upgrade(engine)

        async with sessions() as session:
            [refund] = (await session.scalars(select(Refund))).all()
            assert (refund.work_id, refund.amount_minor, refund.status) == (item, 2500, "owed")
            assert await ledger.balance(session, ledger.CASH, "GBP") == 2500
            assert await ledger.balance(session, ledger.refund_owed(item), "GBP") == -2500
            assert await ledger.check(session) == []
    finally:
        await engine.dispose()


async def test_offers_answered_before_the_upgrade_count_in_each_parents_rhythm(
    database_url: str,
) -> None:
    """0017 counts the offers already answered by the local hour of the week they came at,
    so routing knows who answers when from the first decision after the upgrade."""
    engine = make_engine(database_url)
    try:
        await migrations.upgrade(engine, "0016")
        sessions = make_sessionmaker(engine)
        # Monday 20:10 in New York is Tuesday 01:10 in UTC.
        evening = datetime(2026, 3, 3, 1, 10, tzinfo=UTC)
        async with sessions() as session:
            town = Community(title="Town", settings={}, created_at=evening)
            shop_owner, ann = (
                Member(
                    display_name=name,
                    roles=[],
                    timezone=zone,
                    last_platform="telegram",
                    created_at=evening,
                )
                for name, zone in (("Bob", "UTC"), ("Ann", "America/New_York"))
            )
            session.add_all([town, shop_owner, ann])
            await session.flush()
            shop = Business(
                owner_member_id=shop_owner.id, name="Bloom", contact="b@x", created_at=evening
            )
            session.add(shop)
            await session.flush()
            answers = [("accepted", 90), ("declined", 30), ("expired", None), ("rescinded", 5)]
            for n, (status, seconds) in enumerate(answers):
                # Written as 0016 knew a work item (the model has columns added since).
                work_id = await session.scalar(
                    insert(WorkItem)
                    .values(
                        community_id=town.id,
                        business_id=shop.id,
                        title=f"Flyer {n}",
                        description="One",
                        budget_minor=2500,
                        currency="GBP",
                        fee_bps=1500,
                        estimated_minutes=30,
                        deadline=evening + timedelta(days=1),
                        created_at=evening,
                    )
                    .returning(WorkItem.id)
                )
                session.add(
                    Offer(
                        work_id=work_id,
                        member_id=ann.id,
                        status=status,
                        made_at=evening + timedelta(minutes=n),
                        expires_at=evening + timedelta(minutes=n + 10),
                        responded_at=evening
                        + timedelta(minutes=n, seconds=seconds if seconds else 600),
                    )
                )
            await session.commit()
            ann_id = ann.id
        await migrations.upgrade(engine)
        async with sessions() as session:
            rows = (await session.scalars(select(AnswerRhythm))).all()
        assert [
            (r.member_id, r.hour_of_week, r.accepted, r.declined, r.expired, r.answer_seconds)
            for r in rows
        ] == [(ann_id, 20, 1, 1, 1, 120)]  # Monday 20:00 where Ann lives; the rescinded one not
        if engine.dialect.name == "sqlite":  # 0022 keeps them in key order, a parent's together
            async with engine.connect() as conn:
                table = await conn.scalar(
                    text("SELECT sql FROM sqlite_master WHERE name = 'answer_rhythm'")
                )
            assert "WITHOUT ROWID" in table
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database_url", ["postgres"] if POSTGRES_URL else [], indirect=True)
async def test_a_notice_written_to_a_migrated_store_rings_every_listener_at_commit(
    database_url: str,
) -> None:
    """The outbox's trigger NOTIFYs as a notice's transaction commits, and not if it rolls
    back: the dispatchers of every process wake for it (core/doorbell.py)."""
    engine = make_engine(database_url)
    heard = asyncio.Event()
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    notice = insert(OutboxNotice).values(
        platform="telegram", address="1", text="hello", next_attempt_at=now, created_at=now
    )
    try:
        await migrations.upgrade(engine)
        listening = await listen(engine, NOTIFY_CHANNEL, heard.set)
        async with engine.connect() as conn:
            await conn.execute(notice)
            await conn.rollback()
        await asyncio.sleep(0.2)
        assert not heard.is_set()  # nothing was written, so nobody was woken
        async with engine.begin() as conn:
            await conn.execute(notice)
        async with asyncio.timeout(5):
            await heard.wait()
        await listening.close()
    finally:
        await engine.dispose()
