"""A real `parentbrain run` under steady traffic: does its memory or its open files grow?

    python -m bench.soak [--minutes 10] [--rate 20] [--db URL] [--json]

Starts the process as an operator would (SQLite by default), long-polling a fake Bot API that
hands it updates: parents going available and off, asking for their status and offers, a
business posting an item every 30 s through the /post dialog and a moderator confirming its
payment, so routing, offers and the outbox run all along. Prints the process's resident memory
and open file descriptors after a warm-up (a fifth of the run) and at the end, and the growth
between them. Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bots.test_run import free_port, parentbrain_run
from tests.fakes.telegram_api import FakeTelegram

GROUP, MODS = -100_700_001, -100_700_002
MODERATOR, SHOP, FIRST_PARENT = 9_001, 9_002, 10_000
PARENTS = 200


def rss_and_fds(pid: int) -> tuple[int, int]:
    """Resident memory (KiB) and open file descriptors, as Linux reports them."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


class Traffic:
    """Updates as Telegram would send them, pushed to the fake for the process to collect."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.message_ids = itertools.count(1)

    def typed(self, user: int, text: str, chat: int | None = None) -> None:
        chat_id = chat if chat is not None else user
        message: dict[str, Any] = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": {"id": user, "is_bot": False, "first_name": f"U{user}"},
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        self.fake.push_update({"message": message})

    def pressed(self, user: int, data: str) -> None:
        self.fake.push_update(
            {
                "callback_query": {
                    "id": str(next(self.message_ids)),
                    "from": {"id": user, "is_bot": False, "first_name": f"U{user}"},
                    "chat_instance": "soak",
                    "data": data,
                    "message": {
                        "message_id": next(self.message_ids),
                        "date": int(time.time()),
                        "chat": {"id": user, "type": "private"},
                        "text": "…",
                    },
                }
            }
        )


async def steady(traffic: Traffic, until: float, rate: float) -> int:
    """Parents' commands at `rate` a second; an item posted and funded every 30 s."""
    sent, posted, started = 0, 0, time.monotonic()
    for n in range(PARENTS):
        traffic.typed(FIRST_PARENT + n, "/profile skills proofreading:expert")
    traffic.typed(SHOP, "/business Soak Bakery, soak@example.com", chat=GROUP)
    commands = itertools.cycle(["/available 2h", "/status", "/offers", "/jobs", "/unavailable"])
    parents = itertools.cycle(range(PARENTS))
    next_post = time.monotonic()
    while time.monotonic() < until:
        traffic.typed(FIRST_PARENT + next(parents), next(commands))
        sent += 1
        if time.monotonic() >= next_post:
            posted += 1
            for step in (
                "/post",
                f"Proofread flyer {posted}",
                "One page.",
                "proofreading",
                "£25",
                "45m",
                "tomorrow 17:00",
            ):
                traffic.typed(SHOP, step)
            traffic.pressed(SHOP, "post:normal")
            traffic.typed(MODERATOR, f"/funded {posted}", chat=MODS)
            next_post += 30
        await asyncio.sleep(max(0.0, started + sent / rate - time.monotonic()))
    return sent


async def run(minutes: float, rate: float, url: str | None) -> dict[str, Any]:
    fake = FakeTelegram()
    await fake.start()
    fake.admins[GROUP].add(MODERATOR)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PARENTBRAIN_DATABASE_URL": url or f"sqlite+aiosqlite:///{Path(tmp) / 'soak.sqlite3'}",
            "PARENTBRAIN_HTTP_PORT": str(free_port()),
            "PARENTBRAIN_TELEGRAM_TOKEN": "123:SOAK",
            "PARENTBRAIN_TELEGRAM_API_URL": fake.url,
            "PARENTBRAIN_TELEGRAM_COMMUNITY_CHAT_ID": str(GROUP),
            "PARENTBRAIN_TELEGRAM_MODERATOR_CHAT_ID": str(MODS),
            "PARENTBRAIN_LOG_LEVEL": "WARNING",
        }
        process = await parentbrain_run(env, Path(tmp))
        try:
            started = time.monotonic()
            warm_up = started + minutes * 60 / 5
            until = started + minutes * 60
            traffic = Traffic(fake)
            driving = asyncio.create_task(steady(traffic, until, rate))
            await asyncio.sleep(max(0.0, warm_up - time.monotonic()))
            warm = rss_and_fds(process.pid)
            sent = await driving
            await asyncio.sleep(2)  # the last updates handled
            end = rss_and_fds(process.pid)
            delivered = sum(len(messages) for messages in fake.chats.values())
        finally:
            process.terminate()
            _, stderr = await process.communicate()
            await fake.stop()
    logged = stderr.decode().splitlines()
    errors = [
        f"{line} | {_exception_after(logged, n)}"
        for n, line in enumerate(logged)
        if " ERROR " in line
    ]
    return {
        "minutes": minutes,
        "updates_sent": sent,
        "messages_delivered": delivered,
        "rss_kib_after_warm_up": warm[0],
        "rss_kib_at_end": end[0],
        "rss_growth": round((end[0] - warm[0]) / warm[0], 3),
        "open_fds_after_warm_up": warm[1],
        "open_fds_at_end": end[1],
        "exit_code": process.returncode,
        "errors_logged": len(errors),
        "first_errors": errors[:5],
    }


def _exception_after(logged: list[str], at: int) -> str:
    """The exception a logged error's traceback ends with (its last unindented line)."""
    for line in logged[at + 1 : at + 80]:
        if line and not line.startswith((" ", "Traceback")) and not line[:4].isdigit():
            return line
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=20, help="parents' updates a second")
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.minutes, args.rate, args.db))
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))
    sys.exit(0 if result["exit_code"] == 0 else 1)


if __name__ == "__main__":
    main()
