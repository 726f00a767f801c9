"""Many communities in one deployment: each runs itself, and only its members take part."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core import commands as c
from core import owed, views
from core.actors import Actor
from core.audit import audit_view
from core.errors import DomainError, NotAllowed
from core.models import Base
from core.skill_checks import learn
from core.states import OfferStatus, WorkStatus
from tests.world import World

VALLEY_GROUP = -2002


async def two_towns(world: World) -> tuple[int, int]:
    return await world.town(), await world.community("Valley", VALLEY_GROUP)


async def _row_counts(world: World) -> dict[str, int]:
    async with world.app.uow() as uow:
        return {
            table.name: int(await uow.session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def moderator_attempts(actor: Actor, work_id: int, business_id: int) -> list[c.Command]:
    return [
        c.VerifyBusiness(actor=actor, business_id=business_id),
        c.RejectBusiness(actor=actor, business_id=business_id, reason="not from here"),
        c.ApprovePost(actor=actor, work_id=work_id),
        c.RejectPost(actor=actor, work_id=work_id, reason="not suitable"),
        c.BanMember(actor=actor, platform="telegram", who="te-priya", reason="spite"),
        c.ConfirmFunding(actor=actor, work_id=work_id, reference="fake"),
        c.CancelWork(actor=actor, work_id=work_id),
        c.ResolveDispute(actor=actor, work_id=work_id, outcome="refund"),
        c.SetCommunityChat(
            actor=actor, purpose="moderators", platform="telegram", chat=-77, community_id=1
        ),
    ]


async def test_another_communitys_moderator_is_refused_everything_and_nothing_changes(
    world: World,
) -> None:
    _, valley = await two_towns(world)
    await world.parent("Priya")
    shop = await world.business()
    work_id = await world.post(shop)
    business_id = (await world.item(work_id)).business_id
    outsider = await world.moderator("Vera", community=valley)
    before = await _row_counts(world)

    for command in moderator_attempts(outsider, work_id, business_id):
        with pytest.raises(DomainError) as refused:
            await world.app.handle(command)
        assert refused.value.message.endswith(".")  # one sentence, said to the person

    assert await _row_counts(world) == before
    assert (await world.item(work_id)).status == WorkStatus.AWAITING_PAYMENT
    # Their own views show their own community only.
    async with world.app.uow() as uow:
        assert "Members: 2," in await views.stats(uow, outsider)  # Valley's founder and Vera
        assert "Report" not in await audit_view(uow, outsider)


async def test_the_towns_own_moderator_may_do_what_the_outsider_may_not(world: World) -> None:
    await two_towns(world)
    work_id = await world.post(await world.business())
    answer = await world.app.handle(
        c.ConfirmFunding(actor=await world.moderator(), work_id=work_id, reference="BACS 1")
    )
    assert "Funding of £25.00 recorded" in answer


async def test_work_is_offered_only_to_its_own_communitys_parents(world: World) -> None:
    town, valley = await two_towns(world)
    valley_parent = await world.join("Vic", community=valley)
    await world.app.handle(c.SetSkills(actor=valley_parent, skills="proofreading:expert"))
    await world.app.handle(c.GoAvailable(actor=valley_parent, window="3h"))
    work_id = await world.funded(await world.business())
    assert await world.offers(work_id) == []  # Vic is free and skilled, but not in Town
    assert (await world.item(work_id)).community_id == town

    # Vic joins Town too: the same person, one record, now offered Town's work.
    await world.join("Vic", community=town)
    await world.app.handle(c.GoAvailable(actor=valley_parent, window="3h"))
    await world.pending_offer(work_id, valley_parent)


async def test_leaving_the_group_withdraws_offers_and_the_next_parent_is_asked(
    world: World,
) -> None:
    town = await world.town()
    priya = await world.parent("Priya")
    tom = await world.parent("Tom")
    work_id = await world.funded(await world.business())
    offer_id = await world.pending_offer(work_id, priya)

    await world.app.handle(
        c.LeaveCommunity(platform="telegram", external_id=world.address("Priya"), community_id=town)
    )

    assert [o.status for o in await world.offers(work_id) if o.id == offer_id] == [
        OfferStatus.RESCINDED
    ]
    await world.pending_offer(work_id, tom)
    assert "withdrawn because you left the community" in await world.last_text("Priya")
    with pytest.raises(DomainError, match=r"no longer open|Only members"):
        await world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer_id))
    with pytest.raises(NotAllowed, match="Offers come through your community"):
        await world.app.handle(c.GoAvailable(actor=priya))


async def test_the_platform_saying_someone_is_gone_counts_like_leaving(world: World) -> None:
    town = await world.town()
    priya = await world.parent("Priya")
    work_id = await world.funded(await world.business())
    offer_id = await world.pending_offer(work_id, priya)
    await world.app.handle(
        c.RegisterAccount(
            platform="telegram",
            external_id=world.address("Priya"),
            display_name="Priya",
            community_id=town,
            platform_says_member=False,  # kicked, as getChatMember now says
        )
    )
    with pytest.raises(DomainError):
        await world.app.handle(c.AcceptOffer(actor=priya, offer_id=offer_id))
    assert (await world.item(work_id)).assignee_member_id is None


async def test_setup_is_for_administrators_and_happens_once(world: World) -> None:
    await world.town()
    someone = await world.join("Sam")
    before = await _row_counts(world)
    with pytest.raises(NotAllowed, match="Only an administrator of this group"):
        await world.app.handle(
            c.SetUpCommunity(actor=someone, platform="telegram", chat=-3003, title="Hill")
        )
    with pytest.raises(DomainError, match="already set up as Town"):
        await world.app.handle(
            c.SetUpCommunity(
                actor=someone,
                platform="telegram",
                chat=-1001,
                title="Town again",
                platform_says_admin=True,
            )
        )
    assert await _row_counts(world) == before


async def test_each_community_sets_its_own_fee_and_currency(world: World) -> None:
    town, valley = await two_towns(world)
    vera = await world.moderator("Vera", community=valley)
    assert "fee: 15%" in await world.app.handle(c.ChangeCommunitySetting(actor=vera))
    assert "fee: 10%" in await world.app.handle(
        c.ChangeCommunitySetting(actor=vera, name="fee", value="10%")
    )
    await world.app.handle(c.ChangeCommunitySetting(actor=vera, name="currency", value="eur"))
    with pytest.raises(DomainError, match="There is no setting called"):
        await world.app.handle(c.ChangeCommunitySetting(actor=vera, name="colour", value="red"))
    with pytest.raises(DomainError, match="between 0% and 50%"):
        await world.app.handle(c.ChangeCommunitySetting(actor=vera, name="fee", value="90%"))
    with pytest.raises(DomainError, match=r"isn't a valid language: .* en or es"):
        await world.app.handle(c.ChangeCommunitySetting(actor=vera, name="language", value="fr"))
    with pytest.raises(DomainError, match="isn't a valid timezone"):
        await world.app.handle(
            c.ChangeCommunitySetting(actor=vera, name="timezone", value="Mars/Base")
        )

    owner = await world.join("Vale", community=valley)
    await world.app.handle(
        c.RegisterBusiness(actor=owner, name="Vale Co", contact="v@vale.example")
    )
    with pytest.raises(DomainError, match="pays in EUR"):
        await world.post(owner)
    valley_item = await world.item(await world.post(owner, budget="€30"))
    town_item = await world.item(await world.post(await world.business()))
    assert (valley_item.community_id, valley_item.fee_bps, valley_item.currency) == (
        valley,
        1000,
        "EUR",
    )
    assert (town_item.community_id, town_item.fee_bps, town_item.currency) == (town, 1500, "GBP")


async def test_a_business_stands_separately_in_each_community(world: World) -> None:
    _, valley = await two_towns(world)
    shop = await world.business()  # registered in Town
    await world.app.handle(
        c.RejectBusiness(actor=await world.moderator(), business_id=1, reason="no loans here")
    )
    with pytest.raises(DomainError, match="didn't approve"):
        await world.post(shop)

    in_valley = await world.join("Bloom", community=valley)
    with pytest.raises(DomainError, match="isn't registered in this community"):
        await world.post(in_valley)
    await world.app.handle(
        c.RegisterBusiness(actor=in_valley, name="Bloom Ltd", contact="bloom@example.com")
    )
    work_id = await world.post(in_valley)
    assert (await world.item(work_id)).community_id == valley


async def test_a_ban_reaches_only_the_community_that_made_it(world: World) -> None:
    _, valley = await two_towns(world)
    priya = await world.parent("Priya")
    await world.join("Priya", community=valley)
    await world.app.handle(c.GoAvailable(actor=priya, window="3h"))
    await world.app.handle(
        c.BanMember(actor=await world.moderator(), platform="telegram", who="te-priya")
    )
    town_item = await world.funded(await world.business())
    assert await world.offers(town_item) == []

    owner = await world.join("Vale", community=valley)
    await world.app.handle(
        c.RegisterBusiness(actor=owner, name="Vale Co", contact="v@vale.example")
    )
    valley_item = await world.post(owner)
    await world.app.handle(
        c.ConfirmFunding(actor=await world.moderator("Vera", community=valley), work_id=valley_item)
    )
    await world.pending_offer(valley_item, priya)


async def test_a_parent_outside_every_community_is_told_how_to_join(world: World) -> None:
    stranger = await world.app.handle(
        c.RegisterAccount(platform="telegram", external_id="dm-only", display_name="Dee")
    )
    await world.app.handle(c.SetSkills(actor=stranger, skills="proofreading"))
    with pytest.raises(NotAllowed, match="type /start in its Telegram group"):
        await world.app.handle(c.GoAvailable(actor=stranger))
    with pytest.raises(DomainError, match="from your community's group"):
        await world.app.handle(
            c.RegisterBusiness(actor=stranger, name="Dee Co", contact="dee@example.com")
        )


async def test_payouts_owed_are_listed_by_community(world: World) -> None:
    _, valley = await two_towns(world)
    priya = await world.parent("Priya")
    shop = await world.business()
    await world.job_done(priya, shop, await world.funded(shop))

    vic = await world.join("Vic", community=valley)
    await world.app.handle(c.SetSkills(actor=vic, skills="proofreading:expert"))
    await world.app.handle(c.GoAvailable(actor=vic, window="3h"))
    owner = await world.join("Vale", community=valley)
    await world.app.handle(
        c.RegisterBusiness(actor=owner, name="Vale Co", contact="v@vale.example")
    )
    vera = await world.moderator("Vera", community=valley)
    valley_item = await world.post(owner)
    await world.app.handle(c.ConfirmFunding(actor=vera, work_id=valley_item))
    await world.job_done(vic, owner, valley_item)

    async with world.app.uow() as uow:
        valleys = await owed.money_owed(uow, vera)
        everyones = await owed.money_owed(uow, Actor.system())
    assert "to Vic" in valleys and "Priya" not in valleys
    assert everyones.splitlines()[0] == "Town:" and "Valley:" in everyones.splitlines()
    assert "to Priya" in everyones and "to Vic" in everyones


async def test_a_community_may_switch_skill_checks_off_for_itself_only(world: World) -> None:
    town, valley = await two_towns(world)
    vera = await world.moderator("Vera", community=valley)
    said = await world.app.handle(
        c.ChangeCommunitySetting(actor=vera, name="skill_checks", value="off")
    )
    assert "skill_checks: off" in said
    vic = await world.join("Vic", community=valley)
    await world.app.handle(c.SetSkills(actor=vic, skills="proofreading"))
    with pytest.raises(DomainError, match="doesn't run skill checks"):
        await world.app.handle(c.StartQuiz(actor=vic, skill="proofreading"))
    async with world.app.uow() as uow:
        assert "doesn't run skill checks" in await learn(uow, world.app.settings, "", valley)
        assert "Skill checks" in await learn(uow, world.app.settings, "", town)
    priya = await world.parent("Priya")  # in Town, where checks run
    started = await world.app.handle(c.StartQuiz(actor=priya, skill="proofreading"))
    assert "Question 1" in started[0]
