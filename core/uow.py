"""One transaction: the state change, its outbox notices and its events commit together."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.clock import Clock
from core.db import HELD
from core.doorbell import Doorbell
from core.errors import NotFound
from core.events import Event
from core.language import _
from core.models import (
    Account,
    Community,
    HouseholdMember,
    Member,
    OutboxNotice,
    SkillRow,
    WorkItem,
    WorkSkill,
)
from core.notices import HELP, MODERATORS, Notice


class Turns:
    """First come, first served for one process's transactions on SQLite.

    SQLite lets one writer in at a time, and a waiting connection polls with growing sleeps,
    so a busy stream of transactions (a burst of commands) can starve another (the outbox
    recording what it sent). Queuing the transactions here, in order, keeps everyone's wait
    short and fair. PostgreSQL has row locks and needs none of this.
    """

    def __init__(self) -> None:
        self._lock: asyncio.Lock | None = None
        self._holder: asyncio.Task[object] | None = None
        self._depth = 0

    async def take(self) -> None:
        if self._lock is None:  # made on first use, inside the running loop
            self._lock = asyncio.Lock()
        me = asyncio.current_task()
        if me is not None and me is self._holder:
            self._depth += 1  # a unit of work opened inside another, in the same task
            return
        await self._lock.acquire()
        self._holder, self._depth = me, 1

    def give_back(self) -> None:
        assert self._lock is not None
        self._depth -= 1
        if self._depth == 0:
            self._holder = None
            self._lock.release()


# Statements run in nearly every command, built once: a statement memoizes its cache key, so
# each run skips building and hashing it again.
# The item's community comes with it (its settings say how offers go, what a job is paid),
# so the handlers that lock an item find it in the session rather than read it again.
ITEM_FOR_UPDATE = (
    select(WorkItem, Community)
    .join(Community, Community.id == WorkItem.community_id)
    .where(WorkItem.id == bindparam("work_id"))
    .with_for_update(of=WorkItem)
    .execution_options(populate_existing=True)
)
SKILLS_ASKED = (
    select(WorkSkill.skill_code, WorkSkill.min_level, SkillRow.name)
    .join(SkillRow, SkillRow.code == WorkSkill.skill_code)
    .where(WorkSkill.work_id == bindparam("work_id"))
    .order_by(WorkSkill.skill_code)
)
ACCOUNT_ON = (
    select(Account)
    .where(Account.member_id == bindparam("member_id"), Account.platform == bindparam("platform"))
    .limit(1)
)
RECIPIENT = (
    select(Member, Account, HouseholdMember)
    .outerjoin(
        Account, and_(Account.member_id == Member.id, Account.platform == Member.last_platform)
    )
    .outerjoin(HouseholdMember, HouseholdMember.member_id == Member.id)
    .where(Member.id == bindparam("member_id"))
    .limit(1)
)


class Recipient(NamedTuple):
    """A member about to be written to, with where their notices go (their account on the
    platform they last used; none once erased) and their place in a household, if any."""

    member: Member
    account: Account | None
    household: HouseholdMember | None


class UnitOfWork:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        platforms: Callable[[], Sequence[str]] = tuple,
        doorbell: Doorbell | None = None,
        turns: Turns | None = None,
    ) -> None:
        self._sessions = sessions
        self._turns = turns
        self.clock = clock
        self.platforms = platforms  # the platforms this deployment runs, for channel notices
        self.doorbell = doorbell
        self.events: list[Event] = []

    async def __aenter__(self) -> UnitOfWork:
        if self._turns is not None:
            await self._turns.take()
        self.session = self._sessions()  # it holds what it loads (core/db.py HoldingSession)
        self._asked: dict[int, list[tuple[str, int, str]]] = {}
        await self.session.begin()
        self.events = []
        self._committed = False
        self._queued = False
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                await self.session.rollback()
                self.events = []
            await self.session.close()
            self.session.sync_session.info.pop(HELD, None)  # the rows it held
        finally:
            if self._turns is not None:
                self._turns.give_back()

    async def skills_asked(self, work_id: int) -> list[tuple[str, int, str]]:
        """(code, level asked, name) of each skill an item asks for, by code. Read once per
        unit of work (routing reads them, then the offer's notice names them); whatever
        changes them after posting (/widen lowers the levels) says so with skills_changed."""
        if work_id not in self._asked:
            rows = await self.session.execute(SKILLS_ASKED, {"work_id": work_id})
            self._asked[work_id] = [(code, level, name) for code, level, name in rows]
        return self._asked[work_id]

    def skills_changed(self, work_id: int) -> None:
        """The item's skills were changed in this unit of work: read them again next time."""
        self._asked.pop(work_id, None)

    async def read(self, statement: Any, params: Mapping[str, Any] | None = None) -> Any:
        """Rows of a Core select, on this transaction's connection. It skips the ORM's own
        steps (entity loading, autoflush): routing makes several such reads per decision,
        over columns rather than entities, and those steps cost more than the reads."""
        connection = await self.session.connection()
        return await connection.execute(statement, params)

    async def commit(self) -> None:
        await self.session.commit()
        self._committed = True
        if self._queued and self.doorbell is not None:
            self.doorbell.ring()

    def now(self) -> datetime:
        return self.clock.now()

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def collect_events(self) -> list[Event]:
        events, self.events = self.events, []
        return events

    async def notify(self, notice: Notice) -> None:
        """Queue a notice to the platform the member last used; sent after commit."""
        if notice.to in (MODERATORS, HELP):
            for platform, address in await self.community_channels(notice):
                self._queue(None, platform, address, notice)
            return
        member = await self.session.get(Member, notice.to)
        if member is None:
            raise NotFound(_("That member no longer exists."))
        account = await self.session.scalar(
            ACCOUNT_ON, {"member_id": member.id, "platform": member.last_platform}
        )
        self.notify_recipient(Recipient(member, account, None), notice)

    async def recipient(self, member_id: int) -> Recipient:
        """A member, where their notices go and their household, in one read: for the
        offer cascade, which writes to a parent and their partners in every decision."""
        found = (await self.session.execute(RECIPIENT, {"member_id": member_id})).first()
        if found is None:
            raise NotFound(_("That member no longer exists."))
        return Recipient(*found)

    def notify_recipient(self, recipient: Recipient, notice: Notice) -> None:
        """`notify`, to a member just read with `recipient`, in the same unit of work."""
        if recipient.member.id != notice.to:
            raise ValueError("a notice goes to the member it names")
        if recipient.account is None:
            return  # a member erased from every platform; nothing to deliver to
        account = recipient.account
        self._queue(recipient.member.id, account.platform, account.external_id, notice)

    async def community_channels(self, notice: Notice) -> list[tuple[str, str]]:
        """Where a community's moderators (or its help channel) read, on each running platform:
        a Telegram chat id, or "channel:<id>" on Discord."""
        community = (
            await self.session.get(Community, notice.community_id)
            if notice.community_id is not None
            else None
        )
        if community is None:
            return []
        moderators = notice.to == MODERATORS
        chats = {
            "telegram": community.telegram_moderator_chat_id
            if moderators
            else community.telegram_help_chat_id or community.telegram_chat_id,
            "discord": community.discord_moderator_channel_id
            if moderators
            else community.discord_help_channel_id,
        }
        found = []
        for platform in self.platforms():
            chat = chats.get(platform)
            if chat is not None:
                found.append((platform, str(chat) if platform == "telegram" else f"channel:{chat}"))
        return found

    def _queue(self, member_id: int | None, platform: str, address: str, notice: Notice) -> None:
        now = self.now()
        self._queued = True
        self.session.add(
            OutboxNotice(
                member_id=member_id,
                platform=platform,
                address=address,
                text=notice.text,
                actions=[a.model_dump() for a in notice.actions],
                files=[f.model_dump() for f in notice.files],
                ref=notice.ref,
                replaces=notice.replaces,
                next_attempt_at=now,
                created_at=now,
            )
        )

    async def work_for_update(self, work_id: int) -> WorkItem:
        """The item, row-locked, so every change to it and its offers happens one at a time."""
        found = (await self.session.execute(ITEM_FOR_UPDATE, {"work_id": work_id})).first()
        if found is None:
            raise NotFound(_("There is no work item #{work_id}.", work_id=work_id))
        item: WorkItem = found[0]
        return item


UnitOfWorkFactory = Callable[[], UnitOfWork]


def uow_factory(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    platforms: Callable[[], Sequence[str]] = tuple,
    doorbell: Doorbell | None = None,
    turns: Turns | None = None,
) -> UnitOfWorkFactory:
    return lambda: UnitOfWork(sessions, clock, platforms, doorbell, turns)
