"""A list bound as one parameter finds the same rows an IN list would, on both databases,
and its SQL text stays the same whatever the list's length."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, event, insert, select

from core.db import make_engine
from core.sql_lists import among

metadata = MetaData()
skills = Table(
    "listed_skills",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(20), index=True),
)


async def test_a_bound_list_finds_the_rows_listed_and_only_them(database_url: str) -> None:
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(
            insert(skills), [{"id": n, "code": f"skill-{n % 7}"} for n in range(1, 101)]
        )
    by_id = select(skills.c.id).where(among(skills.c.id, "ids")).order_by(skills.c.id)
    by_code = select(skills.c.id).where(among(skills.c.code, "codes")).order_by(skills.c.id)
    sent: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("SELECT"):
            sent.append(statement)

    async with engine.connect() as conn:
        found = (await conn.execute(by_id, {"ids": [3, 50, 99, 1000]})).scalars().all()
        assert found == [3, 50, 99]  # 1000 is not there; nothing else is read
        assert (await conn.execute(by_id, {"ids": []})).scalars().all() == []
        coded = (await conn.execute(by_code, {"codes": ("skill-1", "nope")})).scalars().all()
        assert coded == [n for n in range(1, 101) if n % 7 == 1]
    # One SQL text for lists of four, none and two: prepared once, not per length.
    assert len(set(sent)) == 2 and sent[0] == sent[1]
    await engine.dispose()
