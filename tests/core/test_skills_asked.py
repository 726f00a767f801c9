"""An item's skills are read once per unit of work, and read again once they change."""

from __future__ import annotations

from sqlalchemy import select

from core.models import WorkSkill
from tests.world import World


async def test_skills_read_again_after_a_change_in_the_same_unit_of_work(world: World) -> None:
    work_id = await world.post(await world.business(), skills="proofreading:expert")
    async with world.app.uow() as uow:
        [(code, level, name)] = await uow.skills_asked(work_id)
        assert (code, level) == ("proofreading", 3) and name == "Proofreading"
        for skill in (await uow.session.scalars(select(WorkSkill))).all():
            skill.min_level = 1  # as /widen does
        assert (await uow.skills_asked(work_id))[0][1] == 3  # remembered, not read again
        uow.skills_changed(work_id)
        assert (await uow.skills_asked(work_id))[0][1] == 1
