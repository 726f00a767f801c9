"""The Alembic history builds exactly the schema the models describe, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, select

import migrations
from core.db import ensure_seed_skills, make_engine, make_sessionmaker
from core.models import Availability, Base, Member, MemberSkill, OpenSkill, SkillRow
from core.skills import SEED_SKILLS


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
            member = Member(
                display_name="Ann",
                roles=["parent"],
                timezone="Europe/London",
                bio="",
                preferred_skills=[],
                rate_floor_minor=0,
                max_jobs=1,
                last_platform="telegram",
                reachable=True,
                created_at=now,
            )
            session.add(member)
            await session.flush()
            # Only 0003's columns: the model has grown since.
            await session.execute(
                insert(MemberSkill.__table__).values(
                    member_id=member.id, skill_code="proofreading", level=3, years=0
                )
            )
            session.add(
                Availability(
                    member_id=member.id, starts_at=now, until=now + timedelta(hours=2), skills=[]
                )
            )
            await session.commit()
        await migrations.upgrade(engine)
        async with sessions() as session:
            indexed = (await session.scalars(select(OpenSkill))).all()
        assert [(row.member_id, row.skill_code, row.level) for row in indexed] == [
            (member.id, "proofreading", 3)
        ]
    finally:
        await engine.dispose()
