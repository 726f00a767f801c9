"""Every moderator command, tried by a parent, a business, a suspended member and a stranger:
refused with a sentence that says who may do it, and nothing in the store changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import commands as c
from core import owed, views
from core.actors import Actor, Role
from core.audit import audit_view
from core.communities import membership
from core.errors import NotAllowed
from core.models import Base
from tests.world import World


def attempts(actor: Actor, work_id: int) -> list[c.Command]:
    return [
        c.VerifyBusiness(actor=actor, business_id=1),
        c.RejectBusiness(actor=actor, business_id=1, reason="not a real business"),
        c.AddSkill(actor=actor, name="Bid writing"),
        c.ApprovePost(actor=actor, work_id=work_id),
        c.RejectPost(actor=actor, work_id=work_id, reason="not suitable"),
        c.BanMember(actor=actor, platform="telegram", who="te-priya", reason="spite"),
        c.UnbanMember(actor=actor, platform="telegram", who="te-sam"),
        c.ConfirmFunding(actor=actor, work_id=work_id, reference="fake"),
        c.ConfirmPayout(actor=actor, payout_id=1, reference="fake"),
        c.ResolveDispute(actor=actor, work_id=work_id, outcome="refund"),
        c.SetUpCommunity(actor=actor, platform="telegram", chat=-1002, title="Elsewhere"),
        c.SetCommunityChat(
            actor=actor, purpose="moderators", platform="telegram", chat=-55, community_id=1
        ),
        c.ChangeCommunitySetting(actor=actor, name="fee", value="40%"),
    ]


def everyone_else(world: World, shop: Actor, suspended: Actor) -> dict[str, Actor]:
    return {
        "parent": world.people["Priya"],
        "business": shop,
        "suspended": suspended,
        "stranger": Actor(member_id=9999, platform="telegram", roles=frozenset({Role.PARENT})),
    }


def test_the_matrix_covers_every_moderator_command() -> None:
    tried = {type(command) for command in attempts(Actor.system(), 1)}
    assert tried == set(c.MODERATOR_COMMANDS)


async def _row_counts(world: World) -> dict[str, int]:
    async with world.app.uow() as uow:
        return {
            table.name: int(await uow.session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


@pytest.mark.parametrize("who", ["parent", "business", "suspended", "stranger"])
async def test_moderator_commands_are_refused_to_everyone_else(world: World, who: str) -> None:
    await world.parent("Priya")
    shop = await world.business()
    work_id = await world.post(shop)  # awaiting payment: fundable, reviewable
    suspended = await world.parent("Sam")
    await world.app.handle(
        c.BanMember(actor=await world.moderator(), platform="telegram", who="te-sam")
    )
    actor = everyone_else(world, shop, suspended)[who]
    before = await _row_counts(world)
    item = await world.item(work_id)

    for command in attempts(actor, work_id):
        with pytest.raises(NotAllowed, match=r"moderators|administrator"):
            await world.app.handle(command)

    assert await _row_counts(world) == before
    after = await world.item(work_id)
    assert (after.status, after.funded_at) == (item.status, item.funded_at)
    async with world.app.uow() as uow:
        place = await membership(uow, await world.town(), suspended.member_id)
        assert place is not None and place.banned_until is not None


@pytest.mark.parametrize("who", ["parent", "business", "suspended", "stranger"])
async def test_moderator_views_are_refused_to_everyone_else(world: World, who: str) -> None:
    await world.parent("Priya")
    shop = await world.business()
    suspended = await world.parent("Sam")
    actor = everyone_else(world, shop, suspended)[who]
    async with world.app.uow() as uow:
        for view in (views.stats, views.disputes, owed.money_owed, audit_view):
            with pytest.raises(NotAllowed, match="moderators"):
                await view(uow, actor)
