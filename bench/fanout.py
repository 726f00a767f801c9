"""Offer DMs fanned out through the outbox and the real PTB stack, against a fake that enforces
Telegram's limits (30 a second overall, 1 a second per chat, 429 with retry_after beyond).

    python -m bench.fanout --messages 600 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import func, select

from bots.app import bootstrap
from bots.telegram.app import build_application
from bots.telegram.messenger import TelegramMessenger
from core import commands as c
from core.clock import SystemClock
from core.config import Settings
from core.models import OutboxNotice
from core.notices import Action, Notice
from tests.fakes.telegram_api import FakeTelegram


async def fanout(messages: int, database_url: str | None) -> dict[str, float | int]:
    fake = FakeTelegram(enforce_limits=True)
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        settings = Settings(
            database_url=url, telegram_token=SecretStr("123:BENCH"), stripe_api_key=None
        )
        brain = await bootstrap(settings, clock=SystemClock())
        application = build_application(settings, brain, base_url=fake.url)
        await application.initialize()
        brain.outbox.messengers["telegram"] = TelegramMessenger(application.bot)
        for n in range(messages):
            actor = await brain.handle(
                c.RegisterAccount(
                    platform="telegram", external_id=str(10_000 + n), display_name=f"P{n}"
                )
            )
            async with brain.uow() as uow:
                await uow.notify(
                    Notice(
                        to=actor.member_id,
                        text=f"New paid work #{n}: you receive £21.25",
                        actions=[
                            Action(label="Accept", token=f"oa:{n}"),
                            Action(label="Decline", token=f"od:{n}"),
                        ],
                    )
                )
                await uow.commit()
        started = time.perf_counter()
        sent = 0
        while sent < messages:
            report = await brain.outbox.dispatch_once(limit=messages)
            sent += report.sent
            if report.retried and not report.sent:
                await asyncio.sleep(0.5)
        seconds = time.perf_counter() - started
        async with brain.uow() as uow:
            delivered = await uow.session.scalar(
                select(func.count()).where(OutboxNotice.status == "sent")
            )
        await application.shutdown()
        await brain.close()
    await fake.stop()
    return {
        "messages": int(delivered or 0),
        "seconds": round(seconds, 2),
        "msgs_per_s": round(messages / seconds, 1),
        "http_429": fake.http_429,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = asyncio.run(fanout(args.messages, args.db))
    print(json.dumps(result) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
