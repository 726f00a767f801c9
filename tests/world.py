"""A small community to act in: people, items and what each person has been sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr
from sqlalchemy import func, select

from bots.app import ParentBrain, bootstrap
from bots.memory import MemoryMessenger
from core import commands as c
from core import communities
from core.actors import Actor
from core.clock import ManualClock
from core.models import Community, Member, Offer, OutboxNotice, WorkItem
from core.notices import Notice
from core.ports import Router
from core.states import OfferStatus

TOWN_GROUP = -1001  # the Telegram group of the community most tests act in
MODERATORS_CHAT = -100  # its moderators' chat, once a test gives it one


@dataclass
class World:
    app: ParentBrain
    clock: ManualClock
    people: dict[str, Actor] = field(default_factory=dict)
    home: int | None = None  # the community people join unless a test says otherwise

    async def routed_by(self, router: Router) -> World:
        """The same store, clock and chats, with `router` choosing who is offered work."""
        brain = await bootstrap(
            self.app.settings,
            clock=self.clock,
            router=router,
            engine=self.app.engine,
            schema="none",
            messengers=self.app.messengers,
        )
        return World(brain, self.clock)

    async def community(self, title: str = "Town", group: int = TOWN_GROUP) -> int:
        """A Telegram group set up as a community by its administrator."""
        async with self.app.uow() as uow:
            found = await communities.find_by_chat(uow, "telegram", group)
        if found is not None:  # another World on the same app set it up already
            return found.id
        founder = await self.app.handle(
            c.RegisterAccount(
                platform="telegram",
                external_id=f"founder{group}",
                display_name=f"Founder of {title}",
            )
        )
        await self.app.handle(
            c.SetUpCommunity(
                actor=founder,
                platform="telegram",
                chat=group,
                title=title,
                platform_says_admin=True,
            )
        )
        async with self.app.uow() as uow:
            found = await communities.find_by_chat(uow, "telegram", group)
        assert found is not None
        return found.id

    async def town(self) -> int:
        if self.home is None:
            self.home = await self.community()
        return self.home

    async def join(
        self,
        name: str,
        platform: str = "telegram",
        moderator: bool = False,
        community: int | None = None,
    ) -> Actor:
        """Someone the platform says belongs to the community (the town unless given)."""
        community = community if community is not None else await self.town()
        actor = await self.app.handle(
            c.RegisterAccount(
                platform=platform,
                external_id=self.address(name, platform),
                display_name=name,
                platform_says_moderator=moderator,
                dm_open=True,
                community_id=community,
                platform_says_member=True,
            )
        )
        self.people[name] = actor
        return actor

    async def moderators_chat(self, community: int | None = None) -> str:
        """Give the community a Telegram moderators' chat; returns its address."""
        community = community if community is not None else await self.town()
        async with self.app.uow() as uow:
            row = await uow.session.get_one(Community, community)
            row.telegram_moderator_chat_id = MODERATORS_CHAT - community + 1
            chat = row.telegram_moderator_chat_id
            await uow.commit()
        token = self.app.settings.telegram_token
        self.app.settings.telegram_token = token or SecretStr("token")
        return str(chat)

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

    async def moderator(self, name: str = "Kate", community: int | None = None) -> Actor:
        return await self.join(name, "telegram", moderator=True, community=community)

    async def post(self, owner: Actor, **overrides: Any) -> int:
        return int((await self.posting(owner, **overrides)).work_id)

    async def posting(self, owner: Actor, **overrides: Any) -> Any:
        """What /post answers (the item's number, the payment instructions, the message)."""
        fields = {
            "title": "Proofread a flyer",
            "description": "One page, 300 words.",
            "skills": "proofreading",
            "budget": "£25",
            "estimate": "45m",
            "deadline": "tomorrow 17:00",
        } | overrides
        return await self.app.handle(c.PostWork(actor=owner, **fields))

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
