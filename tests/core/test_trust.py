"""Blocks keep a business and a parent apart; reports reach the moderators; all is audited."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from core import audit
from core import commands as c
from core.config import Settings
from core.errors import DomainError, NotAllowed, NotFound
from core.states import WorkStatus
from tests.world import World


@pytest.mark.parametrize("router_name", ["simple", "learning"])
async def test_a_business_blocks_the_parent_who_did_an_item(world: World) -> None:
    priya = await world.parent("Priya")
    shop = await world.business()
    first = await world.funded(shop)
    await world.job_done(priya, shop, first)
    tom = await world.parent("Tom")

    reply = await world.app.handle(c.BlockOtherSide(actor=shop, work_id=first))
    assert f"/unblock {first}" in reply

    second = await world.funded(shop, title="Another flyer")
    [offer] = await world.offers(second)
    assert offer.member_id == tom.member_id  # Priya is free, first in order, and kept apart

    assert "matched with you again" in await world.app.handle(
        c.BlockOtherSide(actor=shop, work_id=first, undo=True)
    )
    await world.app.handle(c.DeclineOffer(actor=tom, offer_id=offer.id))
    await world.pending_offer(second, priya)


async def test_a_parent_blocks_a_business_they_were_offered(world: World) -> None:
    priya = await world.parent("Priya")
    tom = await world.parent("Tom")
    shop = await world.business()
    first = await world.funded(shop)
    await world.app.handle(
        c.DeclineOffer(actor=priya, offer_id=await world.pending_offer(first, priya))
    )

    reply = await world.app.handle(c.BlockOtherSide(actor=priya, work_id=first))
    assert "Bloom Ltd" in reply
    assert "already blocked" in await world.app.handle(c.BlockOtherSide(actor=priya, work_id=first))
    await world.app.handle(
        c.DeclineOffer(actor=tom, offer_id=await world.pending_offer(first, tom))
    )
    second = await world.funded(shop, title="Another flyer")
    assert [o.member_id for o in await world.offers(second)] == [tom.member_id]


async def test_only_the_two_sides_of_an_item_can_block(world: World) -> None:
    await world.parent("Priya")
    stranger = await world.join("Sam")
    shop = await world.business()
    work_id = await world.funded(shop)

    with pytest.raises(NotAllowed, match="posted or were offered"):
        await world.app.handle(c.BlockOtherSide(actor=stranger, work_id=work_id))
    with pytest.raises(NotFound, match="nobody to block"):
        await world.app.handle(c.BlockOtherSide(actor=shop, work_id=work_id))
    with pytest.raises(NotFound, match="no item #999"):
        await world.app.handle(c.BlockOtherSide(actor=shop, work_id=999))


async def test_a_report_reaches_the_moderators_and_the_audit_log(
    world: World, settings: Settings
) -> None:
    moderators = await world.moderators_chat()
    priya = await world.parent("Priya")

    reply = await world.app.handle(
        c.ReportMessage(actor=priya, reason="asked me to pay outside", quoted="pay me by PayPal")
    )

    assert "moderators have your report" in reply
    await world.app.outbox.drain()
    [alert] = [n.text for n in world.messenger().to(moderators)]
    assert "Report from Priya" in alert and "pay me by PayPal" in alert
    async with world.app.uow() as uow:
        lines = await audit.audit_lines(uow)
    assert [line.action for line in lines] == ["Report", "SetUpCommunity"]  # newest first


async def test_moderator_actions_and_money_movements_are_in_the_audit(world: World) -> None:
    await world.parent("Priya")
    shop = await world.business()
    work_id = await world.funded(shop)
    mod = await world.moderator()
    await world.app.handle(c.BanMember(actor=mod, platform="telegram", who="te-priya"))

    async with world.app.uow() as uow:
        text = await audit.audit_view(uow, mod)
        lines = await audit.audit_lines(uow)
    assert lines[0].action == "BanMember"  # newest first
    assert {"ConfirmFunding", "fund"} <= {line.action for line in lines}
    assert f"item #{work_id} £25.00" in text
    # In plain words, with names: "Kate (member 4) confirmed a payment arrived · item #1, ..."
    assert f"Kate (member {mod.member_id}) confirmed a payment arrived · item #{work_id}" in text
    assert f"Kate (member {mod.member_id}) suspended a member · platform: telegram" in text
    assert "the ledger recorded money paid in for" in text
    assert "ConfirmFunding" not in text and "{" not in text
    exported = audit.as_csv(lines).splitlines()
    assert exported[0] == "at_utc,who,action,detail" and len(exported) == 1 + len(lines)
    async with world.app.uow() as uow:
        with pytest.raises(NotAllowed, match="moderators"):
            await audit.audit_view(uow, shop)
    assert (await world.item(work_id)).status == WorkStatus.OPEN  # Priya's offer rescinded


async def test_asking_without_a_help_channel_says_so_and_a_suspended_member_cannot(
    world: World, settings: Settings
) -> None:
    priya = await world.parent("Priya")
    with pytest.raises(DomainError, match="no help channel"):
        await world.app.handle(c.AskCommunity(actor=priya, question="Any tips?"))
    settings.discord_token = SecretStr("token")
    settings.discord_help_channel_id = 5
    await world.app.handle(
        c.BanMember(actor=await world.moderator(), platform="telegram", who="te-priya")
    )
    with pytest.raises(DomainError, match="suspended"):
        await world.app.handle(c.AskCommunity(actor=priya, question="Any tips?"))


async def test_undoing_a_block_that_isnt_there_and_an_empty_report_change_nothing(
    world: World,
) -> None:
    priya = await world.parent("Priya")
    first = await world.funded(await world.business())
    assert "wasn't blocked" in await world.app.handle(
        c.BlockOtherSide(actor=priya, work_id=first, undo=True)
    )
    with pytest.raises(ValidationError):
        await world.app.handle(c.ReportMessage(actor=priya, reason=" "))
    async with world.app.uow() as uow:
        assert await audit.audit_lines(uow) != [] and not any(
            line.action == "Report" for line in await audit.audit_lines(uow)
        )
