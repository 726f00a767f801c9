"""Odd input through the bus, on every store: ids no row can have and control characters get
a sentence, never a database error, and change nothing."""

from __future__ import annotations

import pytest

from core import commands as c
from core.errors import DomainError, NotFound
from core.tokens import read
from tests.world import World

HUGE_IDS = [999_999_999_999, 10**20, 2**31]


@pytest.mark.parametrize("number", HUGE_IDS)
async def test_ids_past_what_the_store_holds_are_not_found(world: World, number: int) -> None:
    shop = await world.business()
    priya = await world.parent("Priya")
    kate = await world.moderator()
    before = await world.outbox_count()
    for build in (
        lambda: c.SubmitDelivery(actor=priya, work_id=number, body="done"),
        lambda: c.AcceptOffer(actor=priya, offer_id=number),
        lambda: c.CancelWork(actor=shop, work_id=number),
        lambda: c.ConfirmFunding(actor=kate, work_id=number),
        lambda: c.ConfirmPayout(actor=kate, payout_id=number),
        lambda: c.VerifyBusiness(actor=kate, business_id=number),
    ):
        with pytest.raises(NotFound, match=f"#{number}"):
            await world.app.handle(build())
    with pytest.raises(DomainError):
        read(f"oa:{number}"[:15], priya)  # a forged button: at most 12 digits are read
    assert await world.outbox_count() == before


async def test_a_nul_in_a_link_code_or_ban_target_gets_a_sentence(world: World) -> None:
    priya = await world.parent("Priya")
    kate = await world.moderator()
    with pytest.raises(DomainError):
        await world.app.handle(c.CompleteLink(actor=priya, code="AB\x00CD"))
    with pytest.raises(DomainError):
        await world.app.handle(
            c.BanMember(actor=kate, platform="telegram", who="@pri\x00ya", reason="spam")
        )
