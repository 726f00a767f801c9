"""Pending offers are read from their own indexes, however many offers the store holds: the
capacity count routing makes for each candidate, and the time-out sweep every 15 seconds.

A plan is what a parent feels here. The bench's 100,000-member community (`bench.live --only
route`) found PostgreSQL's generic plan for the capacity count walking every pending offer in
the community, once per candidate, through the sweep's old (status, expires_at) index: each
decision slowed as offers piled up. These tests pin which index each read takes.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bench.routing import NOW, build
from core.db import make_engine
from core.models import OFFER_PENDING, Member, Offer
from core.states import OfferStatus
from core.sweeps import timed_out_offers

PARENTS = ITEMS = 300


async def plan(conn: AsyncConnection, statement: Any) -> str:
    """The plan the database would use, generic on PostgreSQL (as for a statement prepared
    once and run many times)."""
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    positional = tuple(values[name] for name in compiled.positiontup or ())
    sqlite = conn.dialect.name == "sqlite"
    if not sqlite:
        await conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
    rows = await conn.exec_driver_sql(
        ("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + str(compiled), positional
    )
    return "\n".join(str(row[-1]) for row in rows)


async def offers_answered_then_pending(url: str) -> AsyncEngine:
    """Offers answered days ago, the statistics gathered, then one pending for each parent:
    as after a quiet night, before autovacuum looks again."""
    await build(url, PARENTS, ITEMS, random.Random(7))
    answered = [
        {
            "work_id": work_id,
            "member_id": (work_id + step) % PARENTS + 1,
            "status": OfferStatus.DECLINED,
            "round": 1,
            "why": "",
            "made_at": NOW - timedelta(days=3),
            "expires_at": NOW - timedelta(days=3) + timedelta(minutes=10),
        }
        for work_id in range(1, ITEMS + 1)
        for step in range(1, 6)
    ]
    pending = [
        offer
        | {"member_id": offer["work_id"], "status": OfferStatus.PENDING, "made_at": NOW}
        | {"expires_at": NOW + timedelta(minutes=10)}
        for offer in answered[::5]
    ]
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(insert(Offer), answered)
        await conn.execute(text("ANALYZE"))
        await conn.execute(insert(Offer), pending)
    return engine


async def test_capacity_is_counted_from_each_candidates_own_offers(database_url: str) -> None:
    engine = await offers_answered_then_pending(database_url)
    asked = select(func.count()).where(Offer.member_id == Member.id, OFFER_PENDING)
    candidates = select(Member.id).where(
        Member.id.in_(range(1, 51)), asked.scalar_subquery() < Member.max_jobs
    )
    async with engine.connect() as conn:
        read = await plan(conn, candidates)
    await engine.dispose()
    assert "ix_offers_pending_member" in read or "ix_offers_member_id" in read, read
    assert "expires" not in read, read


async def test_the_time_out_sweep_reads_only_pending_offers(database_url: str) -> None:
    engine = await offers_answered_then_pending(database_url)
    async with engine.connect() as conn:
        read = await plan(conn, timed_out_offers(NOW + timedelta(minutes=11)))
    await engine.dispose()
    assert "ix_offers_pending_expires" in read, read
    assert "SCAN offers" not in read and "Seq Scan" not in read, read
