"""A real failover, measured: PostgreSQL made highly available with pg_auto_failover (a
monitor and two nodes with synchronous replication on local ports, run as `postgres`), two
`parentbrain run` processes against it in Telegram webhook mode behind a round-robin "load
balancer" (this script, which also plays Telegram through the fake Bot API), a steady load of
people (parents changing their profile; items posted step by step, paid through Stripe's
fake with each webhook sent to both processes, offered, accepted, delivered and approved),
and the primary killed (`kill -9` of its postgres and keeper) in
the middle of it.

    sudo apt-get install postgresql-15-auto-failover   # once
    python -m bench.failover [--seconds 60] [--kill-at 20]

Prints one JSON object: resume_s (kill until a write succeeds again), updates_lost,
updates_applied_twice, notices_lost, notices_sent_twice, ledger_ok, apologies, answer_ms
(p50/p99 of a question's answer across the failover), and what the load did. Run as root (it
runs PostgreSQL as `postgres`); needs ports 6100-6102 and 8101-8102 free. Not a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from pydantic import SecretStr

from bench.live_setup import percentiles
from core.answers import SORRY
from core.config import Settings
from tests.fakes.stripe_api import FakeStripe, sign
from tests.fakes.telegram_api import FakeTelegram

PG_BIN = "/usr/lib/postgresql/15/bin"
MONITOR_PORT, NODE_PORTS, APP_PORTS = 6100, (6101, 6102), (8101, 8102)
TOKEN = "123:FAILOVER"
STRIPE_SECRET = "whsec_failover"
GROUP, MODERATORS = -100, -200
PARENTS = [2001 + n for n in range(8)]
BUSINESS, MODERATOR = 3001, 4001
DSN = "postgresql://postgres@127.0.0.1:{},127.0.0.1:{}/app?target_session_attrs=read-write"


def as_postgres(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    """A pg_autoctl process run as `postgres`, in a session of its own (killed as a group)."""
    env = {**os.environ, "PATH": f"{PG_BIN}:{os.environ['PATH']}"}
    with log.open("ab") as out:
        return subprocess.Popen(
            ["runuser", "-u", "postgres", "--", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )


def autoctl(*args: str) -> str:
    env = {**os.environ, "PATH": f"{PG_BIN}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["runuser", "-u", "postgres", "--", "pg_autoctl", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return done.stdout + done.stderr


async def until(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.5)
    raise RuntimeError(f"gave up waiting: {what}")


async def sql(port: int, query: str, database: str = "postgres") -> Any:
    conn = await asyncpg.connect(
        host="127.0.0.1", port=port, user="postgres", database=database, timeout=3
    )
    try:
        return await conn.fetch(query)
    finally:
        await conn.close()


@dataclass
class HighlyAvailable:
    folder: Path
    keepers: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    monitor: subprocess.Popen[bytes] | None = None

    async def build(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.folder, "postgres")
        logs = self.folder / "pg.log"
        print(autoctl("create", "monitor", "--pgdata", str(self.folder / "monitor"),
                      "--pgport", str(MONITOR_PORT), "--auth", "trust", "--no-ssl",
                      "--hostname", "127.0.0.1")[-200:], file=sys.stderr)  # fmt: skip
        self.monitor = as_postgres(
            ["pg_autoctl", "run", "--pgdata", str(self.folder / "monitor")], logs
        )
        await until(self._monitor_up, 30, "the monitor")
        for setting, value in (  # notice a dead primary in seconds, not the default 20 + 30
            ("primary_demote_timeout", 3000),
            ("health_check_period", 1000),
            ("health_check_timeout", 1000),
            ("health_check_max_retries", 1),
            ("health_check_retry_delay", 500),
            ("node_considered_unhealthy_timeout", 2000),
        ):
            await sql(
                MONITOR_PORT,
                f"ALTER SYSTEM SET pgautofailover.{setting} = {value}",
                "pg_auto_failover",
            )
        await sql(MONITOR_PORT, "SELECT pg_reload_conf()", "pg_auto_failover")
        monitor_uri = (
            f"postgres://autoctl_node@127.0.0.1:{MONITOR_PORT}/pg_auto_failover?sslmode=disable"
        )
        for n, port in enumerate(NODE_PORTS, start=1):
            self.keepers[port] = as_postgres(
                ["pg_autoctl", "create", "postgres", "--pgdata", str(self.folder / f"node{n}"),
                 "--pgport", str(port), "--monitor", monitor_uri, "--auth", "trust",
                 "--no-ssl", "--hostname", "127.0.0.1", "--dbname", "app", "--run"],
                logs,
            )  # fmt: skip
            if n == 1:
                await until(lambda: self._writable(NODE_PORTS[0]), 90, "the first node")
        await until(self._replicating, 180, "the second node's copy")

    async def _monitor_up(self) -> bool:
        try:
            await sql(MONITOR_PORT, "SELECT 1")
        except (OSError, asyncpg.PostgresError):
            return False
        return True

    async def _writable(self, port: int) -> bool:
        try:
            rows = await sql(port, "SELECT pg_is_in_recovery()", "app")
        except (TimeoutError, OSError, asyncpg.PostgresError):
            return False
        return rows[0][0] is False

    async def _replicating(self) -> bool:
        try:  # a checkpoint lets the standby's base backup start now, not in minutes
            await sql(NODE_PORTS[0], "CHECKPOINT")
        except (OSError, asyncpg.PostgresError):
            pass
        shown = autoctl("show", "state", "--pgdata", str(self.folder / "monitor"), "--json")
        try:
            nodes = json.loads(shown[shown.index("[") :])
        except ValueError:
            return False
        return any(node.get("current_group_state") == "secondary" for node in nodes)

    async def primary(self) -> int:
        for port in NODE_PORTS:
            if await self._writable(port):
                return port
        raise RuntimeError("no writable node")

    def kill(self, port: int) -> None:
        """kill -9 of the node's keeper and its postgres, every process of its session."""
        keeper = self.keepers[port]
        os.killpg(keeper.pid, signal.SIGKILL)

    def stop(self) -> None:
        for process in [*self.keepers.values(), self.monitor]:
            if process is not None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        subprocess.run(["pkill", "-9", "-f", str(self.folder)], check=False)


def app_env(port: int, folder: Path, fake_url: str, stripe_url: str) -> dict[str, str]:
    url = (
        f"postgresql+asyncpg://postgres@/app?host=127.0.0.1:{NODE_PORTS[0]}"
        f"&host=127.0.0.1:{NODE_PORTS[1]}&target_session_attrs=read-write"
    )
    return {
        **os.environ,
        "PARENTBRAIN_DATABASE_URL": url,
        "PARENTBRAIN_TELEGRAM_TOKEN": TOKEN,
        "PARENTBRAIN_TELEGRAM_API_URL": fake_url,
        "PARENTBRAIN_TELEGRAM_WEBHOOK_URL": "https://bench.invalid/telegram/webhook",
        "PARENTBRAIN_TELEGRAM_COMMUNITY_CHAT_ID": str(GROUP),
        "PARENTBRAIN_TELEGRAM_MODERATOR_CHAT_ID": str(MODERATORS),
        "PARENTBRAIN_HTTP_PORT": str(port),
        "PARENTBRAIN_PROCESSES": "2",
        "PARENTBRAIN_ISSUER_KEY_PASSPHRASE": "bench",
        "PARENTBRAIN_FILES_DIR": str(folder / "files"),
        "PARENTBRAIN_STRIPE_API_KEY": "sk_test_failover",
        "PARENTBRAIN_STRIPE_WEBHOOK_SECRET": STRIPE_SECRET,
        "PARENTBRAIN_STRIPE_API_URL": stripe_url,
        "PARENTBRAIN_STRIPE_RETURN_URL": "https://bench.invalid",
    }


@dataclass
class Telegram:
    """Telegram's side: each update to the processes in turn (a round-robin balancer); one
    that doesn't answer 200 is sent to the other, as Telegram retries a failed delivery."""

    fake: FakeTelegram
    http: aiohttp.ClientSession
    secret: str
    stripe: FakeStripe
    next_id: int = 1
    turn: int = 0
    redelivered: int = 0
    message_id: int = 1

    async def send(self, update: dict[str, Any]) -> int:
        update["update_id"] = number = self.next_id
        self.next_id += 1
        for attempt in range(200):
            port = APP_PORTS[(self.turn + attempt) % len(APP_PORTS)]
            try:
                async with self.http.post(
                    f"http://127.0.0.1:{port}/telegram/webhook",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": self.secret},
                    timeout=aiohttp.ClientTimeout(total=5),
                ) as answer:
                    if answer.status == 200:
                        self.turn += 1
                        return number
            except (TimeoutError, aiohttp.ClientError):
                pass
            self.redelivered += 1
            await asyncio.sleep(0.25)
        raise RuntimeError("no process took the update")

    async def pay(self, work_id: str) -> None:
        """Stripe says the item's checkout was paid, to each process (a delivery and its
        replay), until one takes it."""
        session = next(
            obj
            for obj in self.stripe.objects.values()
            if obj.get("object") == "checkout.session"
            and obj.get("metadata", {}).get("work_id") == work_id
        )
        event = self.stripe.event("checkout.session.completed", self.stripe.paid(session["id"]))
        taken = False
        for _ in range(200):
            for port in APP_PORTS:
                try:
                    async with self.http.post(
                        f"http://127.0.0.1:{port}/stripe/webhook",
                        data=event.encode(),
                        headers={"Stripe-Signature": sign(event, STRIPE_SECRET)},
                        timeout=aiohttp.ClientTimeout(total=10),
                    ) as answer:
                        taken = taken or answer.status == 200
                except (aiohttp.ClientError, TimeoutError):
                    pass
            if taken:
                return
            self.redelivered += 1
            await asyncio.sleep(0.25)
        raise RuntimeError(f"no process took the payment of {work_id}")

    def _user(self, uid: int) -> dict[str, Any]:
        return {"id": uid, "is_bot": False, "first_name": f"P{uid}", "username": f"p{uid}"}

    async def say(self, uid: int, text: str, chat: int | None = None) -> int:
        where = chat if chat is not None else uid
        kind = "private" if where > 0 else "supergroup"
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": int(time.time()),
            "chat": {"id": where, "type": kind, "title": "Parents"},
            "from": self._user(uid),
            "text": text,
        }
        self.message_id += 1
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return await self.send({"message": message})

    async def press(self, uid: int, data: str) -> int:
        sent = next(
            m for m in reversed(self.fake.chats[uid]) if any(d == data for _, d in m.buttons)
        )
        return await self.send(
            {
                "callback_query": {
                    "id": str(self.next_id),
                    "from": self._user(uid),
                    "chat_instance": "ci",
                    "data": data,
                    "message": FakeTelegram._message(sent),
                }
            }
        )

    async def reply_to(self, uid: int, *fragments: str, seconds: float = 90) -> str:
        """The first message to `uid` holding every fragment (waiting for it)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for message in self.fake.chats[uid]:
                if all(f in message.text for f in fragments):
                    return message.text
            await asyncio.sleep(0.05)
        last = [m.text[:80] for m in self.fake.chats[uid][-4:]]
        raise RuntimeError(f"{uid} never got {fragments!r}; last: {last}")

    def button(self, uid: int, prefix: str, seen: set[str]) -> str | None:
        for message in self.fake.chats[uid]:
            for _, data in message.buttons:
                if data.startswith(prefix) and data not in seen:
                    return data
        return None


@dataclass
class Load:
    telegram: Telegram
    sent: dict[int, int] = field(default_factory=dict)  # a note's update id -> its parent
    answer_ms: list[float] = field(default_factory=list)
    items_done: int = 0
    stopped: bool = False

    async def notes(self, parent: int) -> None:
        """A parent changes the line about them, and waits for the answer, again and again."""
        n = 0
        while not self.stopped:
            n += 1
            answered = self._answers(parent)
            sent = time.monotonic()
            self.sent[await self.telegram.say(parent, f"/profile bio note {n}")] = parent
            if await self._answered(parent, answered, sent + 90):
                self.answer_ms.append((time.monotonic() - sent) * 1000)
            await asyncio.sleep(0.1)

    async def _answered(self, parent: int, before: int, deadline: float) -> bool:
        """Whether the parent got a new answer before the deadline (the fake is polled)."""
        for _ in range(int((deadline - time.monotonic()) / 0.02) + 1):
            if self._answers(parent) > before:
                return True
            await asyncio.sleep(0.02)
        return False

    def _answers(self, parent: int) -> int:
        return sum(m.text.startswith("Updated bio") for m in self.telegram.fake.chats[parent])

    async def items(self) -> None:
        t, taken = self.telegram, set[str]()
        k = 0
        while not self.stopped:
            k += 1
            await t.say(BUSINESS, "/post")
            for answer in (f"Menu {k}", "Two pages; check the prices.", "proofreading",
                           "£25", "45m", "tomorrow 17:00"):  # fmt: skip
                await t.say(BUSINESS, answer)
            await t.reply_to(BUSINESS, "Is it urgent?")
            await t.press(BUSINESS, "post:normal")
            posted = await t.reply_to(BUSINESS, "Posted #", f'"Menu {k}"')
            number = posted.split("#", 1)[1].split()[0].strip('"')
            await t.pay(number)
            offer = None
            deadline = time.monotonic() + 90
            while offer is None and time.monotonic() < deadline:
                for parent in PARENTS:
                    found = t.button(parent, "oa:", taken)
                    if found:
                        offer, who = found, parent
                        break
                await asyncio.sleep(0.1)
            if offer is None:
                raise RuntimeError(f"item {number} was never offered")
            taken.add(offer)
            await t.press(who, offer)
            await t.reply_to(who, f'"Menu {k}" is yours')
            await t.say(who, f"/submit {number} done: https://docs.example/{number}")
            await t.reply_to(BUSINESS, f"https://docs.example/{number}")
            await t.press(BUSINESS, f"wa:{number}")
            await t.reply_to(who, "is owed to you", f'"Menu {k}"')
            self.items_done += 1


async def resume_after(kill_at: float) -> float:
    """Seconds from the kill until a write through the multi-host address succeeds."""
    while True:
        try:
            conn = await asyncpg.connect(DSN.format(*NODE_PORTS), timeout=2)
            try:
                await conn.execute("CREATE TABLE IF NOT EXISTS bench_probe (at float)")
                await conn.execute("INSERT INTO bench_probe VALUES ($1)", time.time())
            finally:
                await conn.close()
            return round(time.monotonic() - kill_at, 1)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            await asyncio.sleep(0.1)


async def main(seconds: float, kill_at: float, folder: Path) -> dict[str, Any]:
    ha = HighlyAvailable(folder / "pg")
    processes: list[subprocess.Popen[bytes]] = []
    fake, stripe = FakeTelegram(), FakeStripe()
    await fake.start()
    await stripe.start()
    fake.admins[GROUP].add(MODERATOR)
    try:
        await ha.build()
        for port in APP_PORTS:  # one after the other: the first migrates the new database
            with (folder / f"app-{port}.log").open("ab") as log:
                processes.append(
                    subprocess.Popen(  # noqa: ASYNC220 - started once, before the load
                        [str(Path(sys.executable).parent / "parentbrain"), "run"],
                        env=app_env(port, folder, fake.url, stripe.url),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            await until(lambda p=port: _healthy(p), 60, f"the process on {port}")
        secret = Settings(telegram_token=SecretStr(TOKEN)).telegram_webhook_secret_value()
        async with aiohttp.ClientSession() as http:
            telegram = Telegram(fake, http, secret, stripe)
            for parent in PARENTS:
                await telegram.say(parent, "/profile skills proofreading:expert")
                await telegram.say(parent, "/available 8h")
            await telegram.say(BUSINESS, "/business Bloom Bakery, mel@bloom.example")
            await telegram.reply_to(BUSINESS, "Bloom Bakery")
            load = Load(telegram)
            running = [asyncio.create_task(load.notes(p)) for p in PARENTS]
            running.append(asyncio.create_task(load.items()))
            await asyncio.sleep(kill_at)
            victim = await ha.primary()
            killed = time.monotonic()
            ha.kill(victim)
            resume_s = await resume_after(killed)
            await asyncio.sleep(max(0.0, seconds - (time.monotonic() - killed) - kill_at))
            load.stopped = True
            done, _ = await asyncio.wait(running, timeout=120)
            failures = [repr(t.exception()) for t in done if t.exception() is not None]
            await asyncio.sleep(10)  # the outboxes deliver what is left
            report = await _count(load, fake)
            ledger_ok = (
                subprocess.run(  # noqa: ASYNC221 - after the load, nothing else runs
                    [str(Path(sys.executable).parent / "parentbrain"), "ledger", "check"],
                    env=app_env(APP_PORTS[0], folder, fake.url, stripe.url),
                    capture_output=True,
                    check=False,
                ).returncode
                == 0
            )
            return {
                "resume_s": resume_s,
                **report,
                "ledger_ok": ledger_ok,
                "killed_primary_port": victim,
                "items_completed": load.items_done,
                "updates_sent": telegram.next_id - 1,
                "notes_sent": len(load.sent),
                "deliveries_retried_by_telegram": telegram.redelivered,
                "load_failures": failures,
            }
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        ha.stop()
        await fake.stop()
        await stripe.stop()


async def _healthy(port: int) -> bool:
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as answer:
                return answer.status == 200
    except aiohttp.ClientError:
        return False


async def _count(load: Load, fake: FakeTelegram) -> dict[str, Any]:
    """What was applied (each update's id recorded with its effects), what each person was
    answered, what the outbox never sent or sent twice, and every apology anyone got."""
    conn = await asyncpg.connect(DSN.format(*NODE_PORTS), timeout=10)
    try:
        keys = {r["key"] for r in await conn.fetch("SELECT key FROM applied_requests")}
        funded_twice = await conn.fetchval(
            "SELECT count(*) FROM (SELECT work_id FROM ledger_transactions WHERE kind = 'fund' "
            "GROUP BY work_id HAVING count(*) > 1) AS twice"
        )
        unsent = await conn.fetchval("SELECT count(*) FROM outbox WHERE status <> 'sent'")
    finally:
        await conn.close()
    answers: dict[int, int] = {}
    for parent in PARENTS:
        answers[parent] = sum(m.text.startswith("Updated bio") for m in fake.chats[parent])
    notes_per_parent: dict[int, int] = {}
    for parent in load.sent.values():
        notes_per_parent[parent] = notes_per_parent.get(parent, 0) + 1
    seen: dict[tuple[int, str], int] = {}
    for chat, messages in fake.chats.items():
        for message in messages:
            if '"Menu ' in message.text:
                seen[(chat, message.text)] = seen.get((chat, message.text), 0) + 1
    return {
        "updates_lost": sum(1 for number in load.sent if f"tg:{number}" not in keys),
        "updates_applied_twice": sum(
            max(0, answers[p] - notes_per_parent.get(p, 0)) for p in PARENTS
        ),
        "payments_applied_twice": int(funded_twice or 0),
        "notices_lost": int(unsent or 0),
        "notices_sent_twice": sum(1 for n in seen.values() if n > 1),
        "sent_twice": [f"{chat}: {text[:70]}" for (chat, text), n in seen.items() if n > 1],
        "apologies": sum(SORRY in m.text for chat in fake.chats.values() for m in chat),
        "answer_ms": percentiles(load.answer_ms)
        | {"max": round(max(load.answer_ms, default=0.0), 1)},
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kill-at", type=float, default=20)
    parser.add_argument("--logs", help="a folder to keep the processes' logs in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)
        try:
            print(json.dumps(asyncio.run(main(args.seconds, args.kill_at, Path(folder))), indent=1))
        finally:
            if args.logs:
                Path(args.logs).mkdir(parents=True, exist_ok=True)
                for log in Path(folder).glob("*.log"):
                    shutil.copy(log, args.logs)
