"""Steps the credential tests share: a passed skill check, and jobs done and rated."""

from __future__ import annotations

from typing import Any

from core import commands as c
from core import tokens
from core.actors import Actor
from core.models import IssuedCredential
from tests.world import World

RIGHT = (2, 1, 2, 1)  # the shipped proofreading check's answers


async def pass_check(world: World, actor: Actor) -> str:
    _, actions = await world.app.handle(c.StartQuiz(actor=actor, skill="proofreading"))
    text = ""
    for option in RIGHT:
        text, actions = await world.app.handle(tokens.read(actions[option - 1].token, actor))
    return text


async def jobs_done(world: World, parent: Actor, shop: Actor, count: int, stars: int = 5) -> None:
    """`count` items posted, done, approved and rated by both sides (so the ratings show)."""
    for n in range(count):
        work_id = await world.funded(shop, title=f"Proofread flyer {n + 1}")
        await world.job_done(parent, shop, work_id)
        await world.app.handle(c.RateWork(actor=shop, work_id=work_id, stars=stars))
        await world.app.handle(c.RateWork(actor=parent, work_id=work_id, stars=5))


async def issued(world: World, actor: Actor) -> list[IssuedCredential]:
    from sqlalchemy import select

    async with world.app.uow() as uow:
        rows = list(
            (
                await uow.session.scalars(
                    select(IssuedCredential)
                    .where(IssuedCredential.member_id == actor.member_id)
                    .order_by(IssuedCredential.issued_at, IssuedCredential.achievement)
                )
            ).all()
        )
        await uow.commit()
    return rows


async def published(world: World) -> dict[str, Any]:
    """The key set as the web publishes it: public keys only."""
    from core.credentials import keys

    async with world.app.uow() as uow:
        key_set = await keys.key_set(uow, world.app.settings)
        await uow.commit()
    return key_set


async def status_lists(world: World, community_id: int) -> dict[str, str]:
    from core.credentials.issuing import signed_status_list, status_list_url

    async with world.app.uow() as uow:
        signed = await signed_status_list(uow, world.app.settings, community_id)
        await uow.commit()
    return {status_list_url(world.app.settings, community_id): signed}
