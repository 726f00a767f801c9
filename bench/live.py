"""The live path as people feel it, through the real stack: the real PTB application (our rate
limiter, updates concurrent per person) against a fake Bot API that enforces Telegram's limits,
with the real bus, store, learning router and outbox lanes.

    python -m bench.live [--db URL] [--quick]

Prints one JSON object (milliseconds unless named). SQLite in a temporary file by default;
`--db` names a PostgreSQL database, which is wiped. Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application

from bench import live_setup as setup
from bench.live_setup import percentiles
from bench.machine import reference_ms
from bots.app import ParentBrain, bootstrap
from bots.telegram.app import build_application
from bots.telegram.common import GROUP_REPLIES
from bots.telegram.messenger import TelegramMessenger
from bots.telegram.updates import PerPersonUpdates
from core.clock import SystemClock
from core.config import Settings
from core.db import create_schema, drop_schema, make_engine
from core.notices import Notice
from tests.fakes.telegram_api import FakeTelegram

GROUP = -100_200
MODS = -100_300
MODERATOR = 77
FIRST_PARENT = 10_000


@dataclass
class Stack:
    """One running process: store, bus, outbox, PTB application, against the fake."""

    fake: FakeTelegram
    brain: ParentBrain
    application: Application  # type: ignore[type-arg]
    stop: asyncio.Event
    outbox: asyncio.Task[Any]
    counter: int = 0

    async def feed(self, update: dict[str, Any]) -> float:
        """Hand an update over as polling would; returns when it was handed over."""
        self.counter += 1
        update["update_id"] = self.counter
        await self.application.update_queue.put(Update.de_json(update, self.application.bot))
        return time.monotonic()

    def typed(self, user: int, text: str, chat: int | None = None) -> dict[str, Any]:
        chat_id = user if chat is None else chat
        self.counter += 1
        return {
            "message": {
                "message_id": self.counter,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": {"id": user, "is_bot": False, "first_name": f"U{user}"},
                "text": text,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
            }
        }

    def pressed(self, user: int, data: str) -> dict[str, Any]:
        self.counter += 1
        holder = next(m for m in reversed(self.fake.chats[user]) if m.buttons)
        return {
            "callback_query": {
                "id": f"q{self.counter}",
                "from": {"id": user, "is_bot": False, "first_name": f"U{user}"},
                "chat_instance": "ci",
                "data": data,
                "message": FakeTelegram._message(holder),
            }
        }

    async def until(self, done: Callable[[], bool], at_most: float = 120) -> None:
        await self.fake.until(done, at_most)

    def offer_sent_at(self, work_id: int) -> float | None:
        mark = f"(#{work_id})"
        for chat, sent in self.fake.chats.items():
            if chat > 0:
                for message in sent:
                    if message.text.startswith("New paid work") and mark in message.text:
                        return message.at
        return None

    async def pause_outbox(self) -> None:
        self.stop.set()
        await self.outbox

    def resume_outbox(self) -> None:
        self.stop = asyncio.Event()
        self.outbox = asyncio.create_task(self.brain.outbox.run(self.stop))

    async def close(self) -> None:
        self.stop.set()
        await self.outbox
        for reply in self.application.bot_data.get(GROUP_REPLIES, set()):
            reply.cancel()  # answers still queued behind a group's 20 a minute
        await self.application.stop()
        await self.application.shutdown()
        await self.brain.close()
        await self.fake.stop()


async def start_stack(url: str, *, router: str = "learning") -> Stack:
    fake = FakeTelegram(enforce_limits=True)
    await fake.start()
    fake.admins[GROUP].add(MODERATOR)
    settings = Settings(
        database_url=url,
        telegram_token=SecretStr("123:BENCH"),
        telegram_community_chat_id=GROUP,
        telegram_moderator_chat_id=MODS,
        stripe_api_key=None,
        router=router,
    )
    brain = await bootstrap(settings, clock=SystemClock(), schema="none")
    application = build_application(settings, brain, base_url=fake.url)
    await application.initialize()
    updates = application.update_processor
    assert isinstance(updates, PerPersonUpdates)
    messenger = TelegramMessenger(
        application.bot, moderator_chat=MODS, help_chat=GROUP, updates=updates
    )
    brain.messengers["telegram"] = messenger
    brain.outbox.messengers = {"telegram": messenger}
    await application.start()
    stop = asyncio.Event()
    outbox = asyncio.create_task(brain.outbox.run(stop))
    return Stack(fake, brain, application, stop, outbox)


async def fresh_database(url: str | None, tmp: str, name: str) -> str:
    url = url or f"sqlite+aiosqlite:///{Path(tmp) / f'{name}.sqlite3'}"
    engine = make_engine(url)
    await drop_schema(engine)
    await create_schema(engine)
    await engine.dispose()
    return url


# Funding to the first offer, and Accept presses while a burst is processed ----------------


async def funded_and_accepts(url: str, quick: bool) -> dict[str, Any]:
    alone_n, steady_n, burst_n, presses_n = (10, 40, 50, 10) if quick else (30, 200, 50, 20)
    stack = await start_stack(url)
    try:
        total = alone_n + steady_n + 2 * burst_n
        await setup.parents(stack.brain, FIRST_PARENT, total + 20)
        shop = await setup.business(stack.brain, 9_000)
        items = [await setup.posted(stack.brain, shop, n) for n in range(total)]
        await setup.moderator(stack.brain, MODERATOR)

        async def fund(work_id: int) -> float:
            return await stack.feed(stack.typed(MODERATOR, f"/funded {work_id}", MODS))

        async def first_dm_after(started: dict[int, float]) -> list[float]:
            await stack.until(lambda: all(stack.offer_sent_at(w) for w in started))
            return [((stack.offer_sent_at(w) or 0) - t) * 1000 for w, t in started.items()]

        alone: dict[int, float] = {}
        for work_id in items[:alone_n]:
            alone[work_id] = await fund(work_id)
            await stack.until(lambda w=work_id: stack.offer_sent_at(w) is not None)
            await asyncio.sleep(0.05)
        alone_ms = await first_dm_after(alone)

        # 200 businesses over a compressed hour: one funding every 0.25 s.
        steady: dict[int, float] = {}
        for work_id in items[alone_n : alone_n + steady_n]:
            steady[work_id] = await fund(work_id)
            await asyncio.sleep(0.25)
        steady_ms = await first_dm_after(steady)

        # A burst of fundings typed at once ...
        burst = {w: await fund(w) for w in items[alone_n + steady_n : alone_n + steady_n + burst_n]}
        burst_ms = await first_dm_after(burst)
        await asyncio.sleep(2)

        # ... and another, while parents who hold an offer press Accept. Their presses'
        # answers, and the messages accepting sends, share Telegram's 30 a second with the
        # offers, so this burst's offers are timed too.
        holders = await setup.holders_of_pending_offers(stack.brain, presses_n)
        with_presses: dict[int, float] = {}
        press_ids: dict[str, float] = {}
        for n, work_id in enumerate(items[alone_n + steady_n + burst_n :]):
            with_presses[work_id] = await fund(work_id)
            if n % 3 == 1 and holders:
                member, offer_id = holders.pop()
                update = stack.pressed(member, f"oa:{offer_id}")
                press_ids[update["callback_query"]["id"]] = await stack.feed(update)
        with_presses_ms = await first_dm_after(with_presses)
        await stack.until(
            lambda: all(
                any(what == f"press {q}" for what, _ in stack.fake.answered) for q in press_ids
            )
        )
        answered = {what[6:]: at for what, at in stack.fake.answered if what.startswith("press ")}
        accept_ms = [(answered[q] - t) * 1000 for q, t in press_ids.items()]
        return {
            "funded_to_dm_ms": {
                "alone": percentiles(alone_ms),
                f"steady_{steady_n}": percentiles(steady_ms),
                f"burst_{burst_n}": percentiles(burst_ms),
                f"burst_{burst_n}_with_{len(press_ids)}_accepts": percentiles(with_presses_ms),
            },
            "accept_to_answer_ms": percentiles(accept_ms),
        }
    finally:
        await stack.close()


# Another parent's DM while one chat has a backlog ------------------------------------------


async def head_of_line(url: str, quick: bool) -> dict[str, Any]:
    stack = await start_stack(url)
    try:
        trials = 5 if quick else 10
        people = await setup.parents(stack.brain, FIRST_PARENT, 2 * trials, available=False)
        waits = []
        for trial in range(trials):
            busy, other = people[2 * trial], people[2 * trial + 1]
            for n in range(30):
                await queue_notice(stack.brain, busy, f"backlog {trial}.{n}")
            await stack.until(lambda b=busy: bool(stack.fake.chats[b]))
            queued = time.monotonic()
            await queue_notice(stack.brain, other, f"offer for {other}")
            await stack.until(lambda o=other: bool(stack.fake.chats[o]))
            waits.append((stack.fake.chats[other][0].at - queued) * 1000)
        return {"hol_other_chat_ms": percentiles(waits)}
    finally:
        await stack.close()


async def queue_notice(brain: ParentBrain, telegram_id: int, words: str) -> None:
    async with brain.uow() as uow:
        member_id = await setup.member_id_of(uow, telegram_id)
        await uow.notify(Notice(to=member_id, text=words))
        await uow.commit()


# /available with a busy board ---------------------------------------------------------------


async def available(url: str, open_items: int, quick: bool) -> dict[str, Any]:
    stack = await start_stack(url)
    try:
        shop = await setup.business(stack.brain, 9_000)
        await setup.open_items(stack.brain, shop, open_items)
        people = await setup.parents(
            stack.brain, FIRST_PARENT, 10 if quick else 30, available=False
        )
        replies = []
        for person in people:
            started = await stack.feed(stack.typed(person, "/available 3h"))
            await stack.until(
                lambda p=person: any(
                    m.text.startswith("You're available") for m in stack.fake.chats[p]
                )
            )
            reply = next(
                m for m in stack.fake.chats[person] if m.text.startswith("You're available")
            )
            replies.append((reply.at - started) * 1000)
        async with stack.brain.uow() as uow:
            most = await setup.most_pending_offers(uow)
        return {**percentiles(replies), "max_offers": most}
    finally:
        await stack.close()


# Outbox throughput to many chats ------------------------------------------------------------


async def outbox_rate(url: str, quick: bool) -> dict[str, Any]:
    stack = await start_stack(url)
    try:
        chats = 150 if quick else 600
        people = await setup.parents(stack.brain, FIRST_PARENT, chats, available=False)
        await stack.pause_outbox()  # everything queued first, then timed from the first send
        for person in people:
            await queue_notice(stack.brain, person, f"hello {person}")
            await queue_notice(stack.brain, person, f"again {person}")
        started = time.monotonic()
        stack.resume_outbox()
        await stack.until(lambda: all(len(stack.fake.chats[p]) >= 2 for p in people), 600)
        seconds = time.monotonic() - started
        fastest_gap = min(
            (
                b.at - a.at
                for p in people
                for a, b in zip(stack.fake.chats[p], stack.fake.chats[p][1:], strict=False)
            ),
            default=0.0,
        )
        return {
            "outbox_msgs_per_s": round(2 * chats / seconds, 1),
            "http_429": stack.fake.http_429,
            "private_chat_fastest_gap_s": round(fastest_gap, 2),
        }
    finally:
        await stack.close()


PARTS = ("funded", "hol", "available", "route", "starvation", "outbox")


async def run(url: str | None, quick: bool, parts: tuple[str, ...] = PARTS) -> dict[str, Any]:
    gc.collect()
    gc.freeze()  # as `parentbrain run` does once it has started
    result: dict[str, Any] = {
        "database": (url or "sqlite").split(":")[0],
        "reference_loop_ms": reference_ms(),  # this machine's speed now (bench/machine.py)
    }
    with tempfile.TemporaryDirectory() as tmp:
        if "funded" in parts:
            result |= await funded_and_accepts(await fresh_database(url, tmp, "funded"), quick)
        if "hol" in parts:
            result |= await head_of_line(await fresh_database(url, tmp, "hol"), quick)
        if "available" in parts:
            result["available_ms"] = {
                f"open_{count}": await available(
                    await fresh_database(url, tmp, f"available{count}"), count, quick
                )
                for count in (1_000, 10_000)
            }
        if "route" in parts:
            result["route_decision_ms"] = {
                f"members_{members}": await setup.route_decisions(
                    await fresh_database(url, tmp, f"route{members}"),
                    members,
                    200 if quick else 1000,
                )
                for members in (1_000, 10_000 if quick else 100_000)
            }
        if "starvation" in parts:
            result["starvation_s"] = await setup.starvation(
                await fresh_database(url, tmp, "starve"), 2_000 if quick else 10_000
            )
        if "outbox" in parts:
            result |= await outbox_rate(await fresh_database(url, tmp, "outbox"), quick)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="a PostgreSQL URL to use instead of SQLite; it is wiped")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument(
        "--only", nargs="+", choices=PARTS, default=list(PARTS), help="measure only these parts"
    )
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.db, args.quick, tuple(args.only)))))


if __name__ == "__main__":
    main()
