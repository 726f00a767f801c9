"""A small community to act in: people, items and what each person has been sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from bots.app import ParentBrain
from bots.memory import MemoryMessenger
from core import commands as c
from core.actors import Actor
from core.clock import ManualClock
from core.models import Member, Offer, OutboxNotice, WorkItem
from core.notices import Notice
from core.states import OfferStatus


@dataclass
class World:
    app: ParentBrain
    clock: ManualClock
    people: dict[str, Actor] = field(default_factory=dict)

    async def join(self, name: str, platform: str = "telegram", moderator: bool = False) -> Actor:
        actor = await self.app.handle(
            c.RegisterAccount(
                platform=platform,
                external_id=self.address(name, platform),
                display_name=name,
                platform_says_moderator=moderator,
                dm_open=True,
            )
        )
        self.people[name] = actor
        return actor

    @staticmethod
    def address(name: str, platform: str = "telegram") -> str:
        return f"{platform[:2]}-{name.lower()}"

    async def parent(
        self,
        name: str,
        skills: str = "proofreading:expert",
        window: str = "3h",
        platform: str = "telegram",
    ) -> Actor:
        actor = await self.join(name, platform)
        await self.app.handle(c.SetSkills(actor=actor, skills=skills))
        if window is not None:
            await self.app.handle(c.GoAvailable(actor=actor, window=window))
        return actor

    async def business(self, name: str = "Bloom", platform: str = "telegram") -> Actor:
        actor = await self.join(name, platform)
        await self.app.handle(
            c.RegisterBusiness(actor=actor, name=f"{name} Ltd", contact=f"{name}@example.com")
        )
        return await self.join(name, platform)

    async def moderator(self, name: str = "Kate") -> Actor:
        return await self.join(name, "telegram", moderator=True)

    async def post(self, owner: Actor, **overrides: Any) -> int:
        fields = {
            "title": "Proofread a flyer",
            "description": "One page, 300 words.",
            "skills": "proofreading",
            "budget": "£25",
            "estimate": "45m",
            "deadline": "tomorrow 17:00",
        } | overrides
        posted = await self.app.handle(c.PostWork(actor=owner, **fields))
        return int(posted.work_id)

    async def funded(self, owner: Actor, **overrides: Any) -> int:
        work_id = await self.post(owner, **overrides)
        await self.app.handle(c.ConfirmFunding(actor=await self.moderator(), work_id=work_id))
        return work_id

    async def job_done(
        self, parent: Actor, shop: Actor, work_id: int, body: str = "Done: link"
    ) -> None:
        """The parent accepts their pending offer, delivers, and the business approves."""
        offer_id = await self.pending_offer(work_id, parent)
        await self.app.handle(c.AcceptOffer(actor=parent, offer_id=offer_id))
        await self.app.handle(c.SubmitDelivery(actor=parent, work_id=work_id, body=body))
        await self.app.handle(c.ApproveDelivery(actor=shop, work_id=work_id))

    # What people received -------------------------------------------------------------

    def messenger(self, platform: str = "telegram") -> MemoryMessenger:
        messenger = self.app.messengers[platform]
        assert isinstance(messenger, MemoryMessenger)
        return messenger

    async def inbox(self, name: str, platform: str = "telegram") -> list[Notice]:
        await self.app.outbox.drain()
        return self.messenger(platform).to(self.address(name, platform))

    async def last_text(self, name: str, platform: str = "telegram") -> str:
        return (await self.inbox(name, platform))[-1].text

    # What the store says ----------------------------------------------------------------

    async def item(self, work_id: int) -> WorkItem:
        async with self.app.uow() as uow:
            item = await uow.session.get(WorkItem, work_id)
            assert item is not None
            await uow.commit()  # a read-only commit keeps the loaded row readable afterwards
            return item

    async def member(self, actor: Actor) -> Member:
        async with self.app.uow() as uow:
            member = await uow.session.get_one(Member, actor.member_id)
            await uow.commit()
            return member

    async def offers(self, work_id: int) -> list[Offer]:
        async with self.app.uow() as uow:
            rows = await uow.session.scalars(
                select(Offer).where(Offer.work_id == work_id).order_by(Offer.id)
            )
            offers = list(rows.all())
            await uow.commit()
            return offers

    async def pending_offer(self, work_id: int, actor: Actor) -> int:
        for offer in await self.offers(work_id):
            if offer.member_id == actor.member_id and offer.status == OfferStatus.PENDING:
                return offer.id
        raise AssertionError(f"no pending offer for member {actor.member_id} on item {work_id}")

    async def outbox_count(self) -> int:
        async with self.app.uow() as uow:
            return int(
                await uow.session.scalar(select(func.count()).select_from(OutboxNotice)) or 0
            )
