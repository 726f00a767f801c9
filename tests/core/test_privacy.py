"""/mydata shows a person what is stored; /forgetme erases it and the ledger still balances."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from sqlalchemy import String, Text, select

from core import commands as c
from core.actors import Actor
from core.errors import DomainError
from core.files import FileRef
from core.models import Base, DeliveredFile, Member
from payments import ledger
from tests.world import World


async def _paid_job(world: World) -> tuple[Actor, Actor, int]:
    priya = await world.parent("Priya")
    shop = await world.business()
    work_id = await world.funded(shop)
    await world.job_done(priya, shop, work_id, body="Priya's draft")
    await world.app.handle(c.RateWork(actor=shop, work_id=work_id, stars=5, comment="Priya rocks"))
    return priya, shop, work_id


async def test_mydata_holds_everything_about_the_person(world: World) -> None:
    priya, _, work_id = await _paid_job(world)

    export = await world.app.handle(c.ExportMyData(actor=priya))
    exported = json.loads(export.content)
    assert export.filename.endswith(".json")
    assert export.summary.startswith("Here is everything Parent Brain stores about you")

    assert exported["members"][0]["display_name"] == "Priya"
    assert exported["accounts"][0]["external_id"] == "te-priya"
    assert exported["member_skills"][0]["skill_code"] == "proofreading"
    assert [o["work_id"] for o in exported["offers"]] == [work_id]
    assert exported["deliveries"][0]["body"] == "Priya's draft"
    assert exported["ratings"][0]["comment"] == "Priya rocks"
    assert exported["ledger_entries"]  # what she was paid, by number


async def _all_text(world: World) -> str:
    """Every string in every table, as one text to search."""
    found = []
    async with world.app.uow() as uow:
        for table in Base.metadata.sorted_tables:
            columns = [col for col in table.columns if isinstance(col.type, (String, Text))]
            if columns:
                for row in (await uow.session.execute(select(*columns))).all():
                    found.extend(str(v) for v in row if v is not None)
    return "\n".join(found)


async def test_forgetme_leaves_no_personal_data_and_the_ledger_balanced(world: World) -> None:
    priya, _, _ = await _paid_job(world)
    async with world.app.uow() as uow:
        before = await ledger.check(uow.session)
    assert "Priya" in await _all_text(world)

    # Money is still owed to her (offline payouts): she is told to wait.
    with pytest.raises(DomainError, match="still owe you"):
        await world.app.handle(c.ForgetMe(actor=priya, confirm="yes"))
    await world.app.handle(c.ConfirmPayout(actor=await world.moderator(), payout_id=1))
    warning = await world.app.handle(c.ForgetMe(actor=priya))
    assert "/forgetme yes" in warning and "Priya" in await _all_text(world)

    reply = await world.app.handle(c.ForgetMe(actor=priya, confirm="yes"))

    assert "erased" in reply
    remaining = await _all_text(world)
    for personal in ("Priya", "te-priya", "priya"):
        assert personal not in remaining
    async with world.app.uow() as uow:
        assert await ledger.check(uow.session) == before == []
        member = await uow.session.get_one(Member, priya.member_id)
        assert member.display_name == f"Former member {priya.member_id}"


async def test_forgetme_waits_for_work_under_way(world: World) -> None:
    priya = await world.parent("Priya")
    work_id = await world.funded(await world.business())
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    with pytest.raises(DomainError, match="work under way"):
        await world.app.handle(c.ForgetMe(actor=priya, confirm="yes"))
    assert (await world.member(priya)).display_name == "Priya"


async def test_a_business_learns_the_parents_name_only_once_they_accept_and_never_the_handle(
    world: World,
) -> None:
    priya = await world.app.handle(
        c.RegisterAccount(
            platform="telegram",
            external_id=world.address("Priya"),
            display_name="Priya",
            handle="priya_k",
            dm_open=True,
            community_id=await world.town(),
            platform_says_member=True,
        )
    )
    world.people["Priya"] = priya
    await world.app.handle(c.SetSkills(actor=priya, skills="proofreading:expert"))
    await world.app.handle(c.GoAvailable(actor=priya, window="3h"))
    shop = await world.business()
    work_id = await world.funded(shop)
    await world.pending_offer(work_id, priya)
    assert not any("Priya" in n.text for n in await world.inbox("Bloom"))

    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    told = [n.text for n in await world.inbox("Bloom")]
    assert any("Priya is working on" in text for text in told)
    assert not any("priya_k" in text for text in told)


async def test_a_suspended_business_cannot_post(world: World) -> None:
    shop = await world.business()
    await world.app.handle(
        c.BanMember(actor=await world.moderator(), platform="telegram", who="te-bloom")
    )
    with pytest.raises(DomainError, match="suspended"):
        await world.post(shop)


async def test_forgetting_a_parent_deletes_the_files_they_delivered(world: World) -> None:
    priya = await world.parent("Priya")
    shop = await world.business()
    work_id = await world.funded(shop)
    delivered = FileRef(
        platform="discord",
        ref="https://cdn.example/attachments/1/menu.pdf",
        name="menu.pdf",
        size_bytes=4,
        stored=True,
    )
    await world.app.files.put(delivered.key, b"%PDF")
    await world.app.handle(
        c.AcceptOffer(actor=priya, offer_id=await world.pending_offer(work_id, priya))
    )
    await world.app.handle(c.SubmitDelivery(actor=priya, work_id=work_id, files=[delivered]))
    assert [f.name for f in (await world.inbox("Bloom"))[-1].files] == ["menu.pdf"]
    await world.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))
    await world.app.handle(c.ConfirmPayout(actor=await world.moderator(), payout_id=1))

    await world.app.handle(c.ForgetMe(actor=priya, confirm="yes"))
    assert await world.app.files.get(delivered.key) is None
    async with world.app.uow() as uow:
        names = (await uow.session.scalars(select(DeliveredFile.name))).all()
    assert names == ["[erased]"]


async def test_a_delivery_needs_words_or_a_file(world: World) -> None:
    priya = await world.parent("Priya")
    with pytest.raises(ValidationError, match="send your work, a link or a file"):
        c.SubmitDelivery(actor=priya, work_id=1, body="  ")
