"""Delivered files as people feel them, through the real stack: PTB and discord.py against the
fake Bot API and fake Discord, the real bus, store, file store and outbox.

    python -m bench.files [--runs N] [--quick]

For each size, a parent sends a file after pressing Submit work and the business reads it:
within Telegram (passed on by file_id), and from Telegram to a business on Discord (fetched
with getFile into the file store, then uploaded). Prints one JSON object of milliseconds,
from the parent's message arriving to the file being in the business's chat. Not a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.live_setup import percentiles
from bots.app import bootstrap
from core.clock import ManualClock
from core.config import Settings
from core.db import create_schema, make_engine
from core.files import MB
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.discord_driver import DiscordDriver
from tests.scenarios.driver import Driver
from tests.scenarios.neighbours import TOWN
from tests.scenarios.telegram_driver import TelegramDriver
from tests.scenarios.test_deliveries import priya_is_working_for_mel


async def one_delivery(folder: Path, size: int, crossing: bool) -> float:
    """Milliseconds from the file arriving to it sitting in the business's chat."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'bench.sqlite3'}",
        files_dir=str(folder / "files"),
        router="simple",
    )
    engine = make_engine(settings.database_url)
    await create_schema(engine)
    clock = ManualClock()
    app = await bootstrap(settings, clock=clock, engine=engine, schema="none")
    telegram = TelegramDriver(app, clock, FakeTelegram())
    discord = DiscordDriver(app, clock, FakeDiscord())
    await telegram.start()
    await discord.start()
    telegram.home = discord.home = TOWN
    business: Driver = discord if crossing else telegram
    try:
        await priya_is_working_for_mel(telegram, business)
        await telegram.press("Priya", "Submit work")
        content = bytes(size)
        started = time.perf_counter()
        said = await telegram.send_file("Priya", "work.pdf", content)
        await business.tick(0)
        took = (time.perf_counter() - started) * 1000
        assert ("work.pdf", content) in business.files("Mel"), said
        return took
    finally:
        await discord.stop()
        await telegram.stop()
        await app.close()


async def main(runs: int, sizes: list[int]) -> dict[str, Any]:
    report: dict[str, Any] = {"runs": runs}
    for size in sizes:
        for crossing in (False, True):
            samples = []
            for _ in range(runs):
                with tempfile.TemporaryDirectory() as folder:
                    samples.append(await one_delivery(Path(folder), size, crossing))
            path = "telegram_to_discord" if crossing else "telegram_to_telegram"
            report[f"{path}_{size // MB or 1}MB_ms"] = percentiles(samples)
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="one run of 1 MB")
    args = parser.parse_args()
    sizes = [MB] if args.quick else [MB, 9 * MB]
    print(json.dumps(asyncio.run(main(1 if args.quick else args.runs, sizes)), indent=1))
