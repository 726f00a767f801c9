"""A unit of work reads each row once, and leaves nothing behind for the garbage collector."""

from __future__ import annotations

import gc
from typing import Any

from sqlalchemy import event

from core import commands as c
from core.models import Member
from core.uow import UnitOfWork
from tests.world import World


async def test_a_row_loaded_once_is_not_read_again_in_the_same_unit_of_work(
    world: World,
) -> None:
    priya = await world.parent("Priya")
    reads: list[str] = []

    def counted(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    event.listen(world.app.engine.sync_engine, "before_cursor_execute", counted)
    try:
        async with world.app.uow() as uow:
            name = (await uow.session.get_one(Member, priya.member_id)).display_name
            # Nothing holds the member now, and a later step looks them up again.
            assert (await uow.session.get_one(Member, priya.member_id)).display_name == name
    finally:
        event.remove(world.app.engine.sync_engine, "before_cursor_execute", counted)
    assert len(reads) == 1


async def test_a_command_leaves_no_cycle_for_the_collector(world: World) -> None:
    """Whatever a command loaded is freed as it ends: a full collection that found units of
    work to free would pause somebody else's command while it did."""
    priya = await world.parent("Priya", window=None)  # type: ignore[arg-type]
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        said = await world.app.handle(c.GoAvailable(actor=priya, window="2h"))
        gc.collect()
        left = [found for found in gc.garbage if isinstance(found, UnitOfWork)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert "You're available" in said
    assert left == []
