"""Community rules on what posts and deliveries say: flagged, refused, or within budget."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import commands as c
from core.config import Settings
from core.content import banned_in, concerns
from core.errors import DomainError
from core.models import WorkItem
from core.states import WorkStatus
from tests.world import World


@pytest.mark.parametrize(
    "text",
    [
        "email me at bob@example.com",
        "call 07700 900123 after 3",
        "ring +44 7700 900123",
        "add me on WhatsApp",
        "pay me by PayPal",
        "I'd rather pay you directly",
        "send it by bank transfer, sort code below",
    ],
)
def test_ways_around_the_platform_are_noticed(text: str) -> None:
    assert concerns(text)


@pytest.mark.parametrize(
    "text",
    [
        "Proofread 2 pages by 17:00 on 12/03/2026",
        "deadline 2026-03-02 10:00, budget £250",
        "1,000,000 views, order 12345",
        "Design a logo in two colours",
    ],
)
def test_ordinary_work_is_not_flagged(text: str) -> None:
    assert not concerns(text)


def test_banned_words_match_whole_words_only() -> None:
    assert banned_in("A SCAM offer", ["scam"]) == ["scam"]
    assert banned_in("scampi recipes", ["scam"]) == []


async def test_a_post_with_contact_details_waits_for_a_moderator(
    world: World, settings: Settings
) -> None:
    moderators = await world.moderators_chat()
    shop = await world.business()
    posted = await world.app.handle(
        c.PostWork(
            actor=shop,
            title="Proofread a flyer",
            description="Questions? Email me at mel@bloom.example",
            skills="proofreading",
            budget="£25",
            estimate="45m",
            deadline="tomorrow 17:00",
        )
    )
    assert "goes to a moderator first because it seems to hold contact details" in posted.message
    assert posted.checkout == ""
    assert (await world.item(posted.work_id)).status == WorkStatus.DRAFT
    await world.app.outbox.drain()
    [review] = [n.text for n in world.messenger().to(moderators) if "New post" in n.text]
    assert "Flagged: it seems to hold contact details (mel@bloom.example)" in review


async def test_banned_words_and_budgets_outside_the_limits_are_refused(
    world: World, settings: Settings
) -> None:
    settings.banned_words = ["crypto"]
    settings.min_budget_minor = 1000
    shop = await world.business()
    with pytest.raises(DomainError, match='can\'t include "crypto"'):
        await world.post(shop, description="Write about crypto coins")
    with pytest.raises(DomainError, match=r"smallest budget here is £10\.00"):
        await world.post(shop, budget="£5")
    with pytest.raises(DomainError, match="crypto"):
        await world.app.handle(c.CheckPostField(actor=shop, field="title", value="Crypto blog"))
    async with world.app.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(WorkItem)) == 0


async def test_a_delivery_asking_for_payment_elsewhere_is_flagged_and_still_delivered(
    world: World, settings: Settings
) -> None:
    moderators = await world.moderators_chat()
    priya = await world.parent("Priya")
    work_id = await world.funded(await world.business())
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    await world.app.handle(
        c.SubmitDelivery(actor=priya, work_id=work_id, body="Done. Tip me on PayPal too!")
    )
    assert "Tip me on PayPal" in await world.last_text("Bloom")
    alerts = [n.text for n in world.messenger().to(moderators)]
    assert any("Flagged delivery" in a and "PayPal" in a for a in alerts)
