"""Each person's updates applied in the order the platform numbered them, whichever process
received them (several `parentbrain run` behind one webhook, on PostgreSQL).

An update takes a ticket (its person and number, committed at once), waits a moment for an
earlier update of theirs that may be arriving at another process, then takes the person's
transaction-level advisory lock and goes only when its ticket is the lowest of the person's
waiting tickets. The lock is held while the update is handled, and its ticket is removed in
the transaction that releases it. A ticket older than `STALE` (its process died) no longer
holds anyone up. Through a failover every waiting update tries again on one short beat and
then waits longer than that beat before looking, so the order holds then too. One process, or SQLite, needs none of this: the
in-process turns (bots/turns.py) keep the order there.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncTransaction

from core.bus import connection_lost
from core.db import make_engine
from core.models import UpdateTicket

log = logging.getLogger("parentbrain.person_order")

# A ticket older than this no longer holds anyone up: its update went on without removing it
# (its process died, or lost the store at that moment). An update still being handled holds
# the person's lock anyway, so the next one waits for it regardless.
STALE = timedelta(seconds=5)
POLL = 0.01
BEAT = 0.25  # how often a waiting update tries again while the store is unreachable
WAIT_OUT_FAILOVER = 40.0  # seconds, as the bus waits (core/bus.py RETRY_PAUSES)


def lock_key(person: str) -> int:
    """A signed 64-bit key for pg_advisory_xact_lock, the same in every process."""
    digest = hashlib.blake2b(person.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PersonOrder:
    """The turns, on connections of their own: a turn holds one while its update is
    handled, so it must never wait for the connections the handling needs."""

    def __init__(self, url: str, *, connections: int = 16, settle: float = 0.05) -> None:
        # At most `connections` people's updates are being handled at once in this process;
        # the rest wait for a connection here, holding none of the store's.
        self.engine = make_engine(url, pool_size=connections, max_overflow=0)
        self.settle = settle  # how long an update waits for an earlier one on its way

    async def close(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def turn(self, person: str, number: int) -> AsyncIterator[None]:
        """Wait until this person's earlier waiting updates are handled, then hold their
        turn while this one is. If the store can't be reached even after a failover's
        length, the update goes without the order rather than not at all."""
        held = await self._take(person, number)
        try:
            yield
        finally:
            if held is not None:
                await self._give_back(held, person, number)

    async def _take(
        self, person: str, number: int
    ) -> tuple[AsyncConnection, AsyncTransaction] | None:
        # Mid-failover every process's waiting updates try again on the same short beat, and
        # once the store is back each waits longer than that beat before looking, so all the
        # person's tickets are in by then and the order holds across the failover too.
        settle = self.settle
        for _ in range(int(WAIT_OUT_FAILOVER / BEAT)):
            try:
                return await self._queue_and_wait(person, number, settle)
            except Exception as err:
                if not connection_lost(err):
                    log.warning("update %s of %s went without its turn: %r", number, person, err)
                    return None
                settle = BEAT * 4
                await asyncio.sleep(BEAT)
        log.warning(
            "update %s of %s went without its turn: the store is unreachable", number, person
        )
        return None

    async def _queue_and_wait(
        self, person: str, number: int, settle: float
    ) -> tuple[AsyncConnection, AsyncTransaction]:
        async with self.engine.begin() as conn:
            await conn.execute(
                pg_insert(UpdateTicket)
                .values(person=person, number=number, arrived_at=datetime.now(UTC))
                .on_conflict_do_nothing()  # taken before a failover cut us off
            )
        await asyncio.sleep(settle)
        while True:
            conn = await self.engine.connect()
            transaction = await conn.begin()
            try:
                await conn.execute(select(func.pg_advisory_xact_lock(lock_key(person))))
                first = await conn.scalar(
                    select(func.min(UpdateTicket.number)).where(
                        UpdateTicket.person == person,
                        UpdateTicket.arrived_at > datetime.now(UTC) - STALE,
                    )
                )
            except BaseException:
                await conn.close()
                raise
            if first is None or first >= number:
                return conn, transaction
            await transaction.rollback()  # someone earlier is waiting: let them go first
            await conn.close()
            await asyncio.sleep(POLL)

    async def _give_back(
        self, held: tuple[AsyncConnection, AsyncTransaction], person: str, number: int
    ) -> None:
        conn, transaction = held
        try:
            await conn.execute(
                delete(UpdateTicket).where(
                    (UpdateTicket.person == person)
                    & (
                        (UpdateTicket.number == number)
                        | (UpdateTicket.arrived_at <= datetime.now(UTC) - STALE)
                    )
                )
            )
            await transaction.commit()
        except Exception:  # the store was lost meanwhile: remove it on a fresh connection
            await self._remove_later(person, number)
        finally:
            await conn.close()

    async def _remove_later(self, person: str, number: int) -> None:
        for _ in range(int(WAIT_OUT_FAILOVER / BEAT)):
            try:
                async with self.engine.begin() as conn:
                    await conn.execute(
                        delete(UpdateTicket).where(
                            (UpdateTicket.person == person) & (UpdateTicket.number == number)
                        )
                    )
                return
            except Exception as err:
                if not connection_lost(err):
                    break
                await asyncio.sleep(BEAT)
        log.warning("the ticket of update %s of %s is left to go stale", number, person)
