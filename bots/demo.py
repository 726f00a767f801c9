"""`parentbrain demo`: a small community's whole journey through the real bus and store.

No tokens and no services: a temporary SQLite database, the offline payment gateway, an
in-memory messenger per platform, and a clock the script moves by hand.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bots.app import ParentBrain, bootstrap
from bots.memory import MemoryMessenger
from core import commands as c
from core import communities
from core.actors import Actor
from core.clock import ManualClock
from core.config import Settings
from core.models import Offer, OutboxNotice, Payout, WorkItem
from core.money import Money
from core.states import OfferStatus, WorkStatus
from payments import ledger

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning, after the school run
DEMO_GROUP, DEMO_SERVER = -1001234, 4242  # the community's Telegram group and Discord server


@dataclass
class Community:
    app: ParentBrain
    clock: ManualClock
    messengers: dict[str, MemoryMessenger]
    say: Callable[[str], None]
    people: dict[str, Actor] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # address -> display name
    shown: dict[str, int] = field(default_factory=dict)
    community_id: int | None = None  # its group and server, as the settings name them

    async def join(self, name: str, platform: str, moderator: bool = False) -> Actor:
        """Someone in the community's group or server, as the platform says."""
        address = f"{platform[:2]}-{name.lower()}"
        actor = await self.app.handle(
            c.RegisterAccount(
                platform=platform,
                external_id=address,
                display_name=name,
                platform_says_moderator=moderator,
                community_id=self.community_id,
                platform_says_member=True,
            )
        )
        self.people[name], self.names[address] = actor, name
        return actor

    async def act(self, who: str, typed: str, command: c.Command) -> Any:
        self.say(f"\n{self.clock.now():%a %H:%M}  {who}: {typed}")
        result = await self.app.handle(command)
        reply = getattr(result, "message", result)
        if isinstance(reply, str):
            self.say("           bot: " + reply.replace("\n", "\n                "))
        await self.deliver()
        return result

    async def later(self, minutes: float, why: str) -> None:
        self.clock.advance(minutes=minutes)
        self.say(f"\n{self.clock.now():%a %H:%M}  ({why})")
        await self.app.sweep()
        await self.deliver()

    async def deliver(self) -> None:
        await self.app.outbox.drain()
        for platform, messenger in self.messengers.items():
            start = self.shown.get(platform, 0)
            for item in messenger.sent[start:]:
                mark = "✎ edited" if item.edited else "→ DM"
                buttons = " ".join(f"[{a.label}]" for a in item.notice.actions)
                text = item.notice.text.replace("\n", "\n" + " " * 16)
                self.say(
                    f"      {mark} to {self.names[item.address]} ({platform}): {text} {buttons}".rstrip()
                )
            self.shown[platform] = len(messenger.sent)


async def run_demo(keep: Path | None = None, say: Callable[[str], None] = print) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = keep or Path(tmp) / "demo.sqlite3"
        if path.exists():
            path.unlink()
        # The story names who is offered what, so it uses the router with a fixed order.
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{path}",
            stripe_api_key=None,
            router="simple",
            telegram_community_chat_id=DEMO_GROUP,
            discord_guild_id=DEMO_SERVER,
        )
        clock = ManualClock(START)
        messengers = {p: MemoryMessenger(platform=p) for p in ("telegram", "discord")}
        app = await bootstrap(settings, clock=clock, messengers=messengers)
        try:
            town = Community(app, clock, messengers, say)
            async with app.uow() as uow:
                found = await communities.find_by_chat(uow, "telegram", DEMO_GROUP)
            town.community_id = found.id if found is not None else None
            await _journey(town)
            return await _summary(app)
        finally:
            await app.close()


async def _journey(town: Community) -> None:
    say, act, p = town.say, town.act, town.people
    say("Parent Brain demo: one morning in a parenting community (times in UTC).")
    for name, platform in [
        ("Priya", "telegram"),
        ("Tom", "discord"),
        ("Aisha", "telegram"),
        ("Sam", "discord"),
        ("Mel", "telegram"),
        ("Dev", "discord"),
    ]:
        await town.join(name, platform)
    kate = await town.join("Kate", "telegram", moderator=True)

    await act(
        "Priya",
        "/profile skills proofreading:expert, content creation",
        c.SetSkills(actor=p["Priya"], skills="proofreading:expert, content creation", years=6),
    )
    await act(
        "Tom",
        "/profile skills proofreading, emails",
        c.SetSkills(actor=p["Tom"], skills="proofreading, emails"),
    )
    await act(
        "Aisha",
        "/profile skills proof reading:expert, design",
        c.SetSkills(actor=p["Aisha"], skills="proof reading:expert, design"),
    )
    await act(
        "Sam",
        "/profile skills sales calls:expert, phone calls",
        c.SetSkills(actor=p["Sam"], skills="sales calls:expert, phone calls"),
    )
    await act("Priya", "/available 3h", c.GoAvailable(actor=p["Priya"], window="3h"))
    await act("Tom", "/available until 14:00", c.GoAvailable(actor=p["Tom"], window="until 14:00"))
    await act("Aisha", "/available", c.GoAvailable(actor=p["Aisha"]))
    await act("Sam", "/available until 13:00", c.GoAvailable(actor=p["Sam"], window="until 13:00"))

    await act(
        "Mel",
        "/business Bloom Bakery, mel@bloom.example",
        c.RegisterBusiness(actor=p["Mel"], name="Bloom Bakery", contact="mel@bloom.example"),
    )
    p["Mel"] = await town.join("Mel", "telegram")
    menu = await act(
        "Mel",
        "/post Proofread our spring menu …",
        c.PostWork(
            actor=p["Mel"],
            title="Proofread our spring menu",
            description="Two pages, about 600 words. Spelling, allergens wording, consistent prices.",
            skills="proofreading",
            budget="£25",
            estimate="45m",
            deadline="tomorrow 17:00",
        ),
    )
    await act(
        "Kate (moderator)",
        f"/funded {menu.work_id}",
        c.ConfirmFunding(actor=kate, work_id=menu.work_id, reference="bank ref PB-1"),
    )
    first = await _pending_offer(town, menu.work_id)
    await act("Priya", "presses [Decline]", c.DeclineOffer(actor=p["Priya"], offer_id=first))
    second = await _pending_offer(town, menu.work_id)
    await town.later(11, "Tom doesn't answer; ten minutes pass and the sweeper runs")
    third = await _pending_offer(town, menu.work_id)
    await act("Aisha", "presses [Accept]", c.AcceptOffer(actor=p["Aisha"], offer_id=third))
    await town.later(40, "Aisha works on it")
    await act(
        "Aisha",
        f"/submit {menu.work_id} https://docs.example/menu-v2",
        c.SubmitDelivery(
            actor=p["Aisha"],
            work_id=menu.work_id,
            body="Corrected menu: https://docs.example/menu-v2 (12 fixes, notes inline)",
        ),
    )
    await act("Mel", "presses [Approve]", c.ApproveDelivery(actor=p["Mel"], work_id=menu.work_id))
    await act("Mel", "presses [★★★★★]", c.RateWork(actor=p["Mel"], work_id=menu.work_id, stars=5))
    await act(
        "Aisha", "presses [★★★★]", c.RateWork(actor=p["Aisha"], work_id=menu.work_id, stars=4)
    )
    payout = await _owed_payout(town, menu.work_id)
    await act(
        "Kate (moderator)",
        f"/paid {payout}",
        c.ConfirmPayout(actor=kate, payout_id=payout, reference="bank transfer 0302-1"),
    )

    await act(
        "Dev",
        "/business Northwind Software, dev@northwind.example",
        c.RegisterBusiness(
            actor=p["Dev"], name="Northwind Software", contact="dev@northwind.example"
        ),
    )
    p["Dev"] = await town.join("Dev", "discord")
    calls = await act(
        "Dev",
        "/post 10 calls to warm leads (urgent) …",
        c.PostWork(
            actor=p["Dev"],
            title="10 calls to warm leads",
            urgent=True,
            description="Call ten trial users, ask three questions, note answers in our sheet.",
            skills="sales calls",
            budget="£120",
            estimate="2h",
            deadline="today 18:00",
        ),
    )
    await act(
        "Kate (moderator)",
        f"/funded {calls.work_id}",
        c.ConfirmFunding(actor=kate, work_id=calls.work_id),
    )
    sam_offer = await _pending_offer(town, calls.work_id)
    await act("Sam", "presses [Accept]", c.AcceptOffer(actor=p["Sam"], offer_id=sam_offer))
    await town.later(100, "Sam makes the calls")
    await act(
        "Sam",
        f"/submit {calls.work_id} …",
        c.SubmitDelivery(
            actor=p["Sam"], work_id=calls.work_id, body="All 10 called; answers in the sheet."
        ),
    )
    await act(
        "Dev",
        "presses [Request changes]",
        c.RequestChanges(
            actor=p["Dev"], work_id=calls.work_id, note="Could you add who wants a demo?"
        ),
    )
    await act(
        "Sam",
        f"/submit {calls.work_id} …",
        c.SubmitDelivery(
            actor=p["Sam"], work_id=calls.work_id, body="Added a 'wants demo' column: 4 of 10."
        ),
    )
    await act("Dev", "presses [Approve]", c.ApproveDelivery(actor=p["Dev"], work_id=calls.work_id))
    payout = await _owed_payout(town, calls.work_id)
    await act("Kate (moderator)", f"/paid {payout}", c.ConfirmPayout(actor=kate, payout_id=payout))

    contract = await act(
        "Dev",
        "/post Review a supplier contract …",
        c.PostWork(
            actor=p["Dev"],
            title="Review a supplier contract",
            description="Eight pages; flag risky clauses.",
            skills="legal advice",
            budget="£80",
            estimate="1h30",
            deadline="48h",
        ),
    )
    await act(
        "Kate (moderator)",
        f"/funded {contract.work_id}",
        c.ConfirmFunding(actor=kate, work_id=contract.work_id),
    )
    await town.later(49 * 60, "two days pass; nobody with legal advice is available")
    await act(
        "Kate (moderator)",
        f"/refunded {contract.work_id} bank transfer 0303-2",
        c.ConfirmRefund(actor=kate, work_id=contract.work_id, reference="bank transfer 0303-2"),
    )

    say("\nWhat bad input gets:")
    for who, typed, command in [
        (
            "Tom",
            "presses [Accept] on his timed-out menu offer",
            c.AcceptOffer(actor=p["Tom"], offer_id=second),
        ),
        (
            "Priya",
            "presses Sam's [Accept] button",
            c.AcceptOffer(actor=p["Priya"], offer_id=sam_offer),
        ),
        ("Tom", "/available 30h", c.GoAvailable(actor=p["Tom"], window="30h")),
        (
            "Mel",
            "/post … skills: desing",
            c.PostWork(
                actor=p["Mel"],
                title="New logo",
                description="A simple logo",
                skills="desing",
                budget="£20",
                estimate="1h",
                deadline="tomorrow",
            ),
        ),
        (
            "Mel",
            "/post … budget: £9000000",
            c.PostWork(
                actor=p["Mel"],
                title="Rebrand",
                description="Everything",
                skills="design",
                budget="£9000000",
                estimate="1h",
                deadline="tomorrow",
            ),
        ),
        (
            "Priya",
            f"/funded {menu.work_id}",
            c.ConfirmFunding(actor=p["Priya"], work_id=menu.work_id),
        ),
    ]:
        try:
            await act(who, typed, command)
        except Exception as err:  # DomainError: shown as the one sentence a user would see
            say(f"           bot: {err}")


async def _pending_offer(town: Community, work_id: int) -> int:
    async with town.app.uow() as uow:
        offer_id = await uow.session.scalar(
            select(Offer.id).where(Offer.work_id == work_id, Offer.status == OfferStatus.PENDING)
        )
    assert offer_id is not None, "the demo expects an offer to be pending"
    return int(offer_id)


async def _owed_payout(town: Community, work_id: int) -> int:
    async with town.app.uow() as uow:
        payout_id = await uow.session.scalar(select(Payout.id).where(Payout.work_id == work_id))
    assert payout_id is not None, "the demo expects a payout to be owed"
    return int(payout_id)


async def _summary(app: ParentBrain) -> dict[str, Any]:
    async with app.uow() as uow:
        s = uow.session
        statuses = dict(
            (await s.execute(select(WorkItem.status, func.count()).group_by(WorkItem.status))).all()
        )
        offers = dict(
            (await s.execute(select(Offer.status, func.count()).group_by(Offer.status))).all()
        )
        breaches = await ledger.check(s)
        total = await s.scalar(select(func.coalesce(func.sum(ledger.LedgerEntry.amount_minor), 0)))
        revenue = -await ledger.balance(s, ledger.REVENUE, app.settings.currency)
        paid = await s.scalar(
            select(func.coalesce(func.sum(Payout.amount_minor), 0)).where(Payout.status == "sent")
        )
        delivered = await s.scalar(select(func.count()).where(OutboxNotice.status == "sent"))
    return {
        "items_posted": sum(statuses.values()),
        "items_paid": statuses.get(WorkStatus.PAID, 0),
        "items_refunded": statuses.get(WorkStatus.REFUNDED, 0),
        "offers_made": sum(offers.values()),
        "offers_accepted": offers.get(OfferStatus.ACCEPTED, 0),
        "offers_declined": offers.get(OfferStatus.DECLINED, 0),
        "offers_expired": offers.get(OfferStatus.EXPIRED, 0),
        "messages_delivered": int(delivered or 0),
        "paid_to_parents": str(Money(int(paid or 0), app.settings.currency)),
        "platform_revenue": str(Money(revenue, app.settings.currency)),
        "ledger_balanced": not breaches and total == 0,
        "ledger_breaches": breaches,
    }


def print_summary(summary: dict[str, Any], say: Callable[[str], None] = print) -> None:
    say("\nSummary")
    for key, value in summary.items():
        say(f"  {key.replace('_', ' ')}: {value}")


def as_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, sort_keys=True)
