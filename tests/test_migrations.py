"""The Alembic history builds exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

import migrations
from core.db import ensure_seed_skills, make_engine, make_sessionmaker
from core.models import Base, SkillRow
from core.skills import SEED_SKILLS


async def test_upgrade_matches_the_models_and_seeds_the_skills(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        await migrations.upgrade(engine)
        await migrations.upgrade(engine)  # a second run is a no-op
        assert await migrations.current(engine) == "0003"
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
