"""Two processes behind one Telegram webhook: one person's updates, arriving out of order at
different processes, are applied in Telegram's order (core/person_order.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Update
from telegram.ext import Application

from bots.app import ParentBrain, bootstrap
from bots.telegram.app import build_application
from core.clock import ManualClock
from core.db import make_engine
from core.models import Availability
from tests.conftest import POSTGRES_URL
from tests.fakes.telegram_api import FakeTelegram
from tests.scenarios.telegram_driver import TelegramDriver

ON_POSTGRES = pytest.mark.parametrize(
    "database_url", ["postgres"] if POSTGRES_URL else [], indirect=True
)


async def through(application: Application, update: dict[str, Any]) -> None:  # type: ignore[type-arg]
    """As PTB hands a webhook's update to its update processor."""
    parsed = Update.de_json(update, application.bot)
    await application.update_processor.process_update(parsed, application.process_update(parsed))


@ON_POSTGRES
async def test_one_persons_updates_at_two_processes_apply_in_telegrams_order(
    app: ParentBrain, clock: ManualClock
) -> None:
    app.settings.processes = 2
    first = TelegramDriver(app, clock, FakeTelegram())
    await first.start()
    second_brain = await bootstrap(
        app.settings.model_copy(),
        clock=clock,
        engine=make_engine(app.settings.database_url),
        schema="none",
    )
    second = build_application(second_brain.settings, second_brain, base_url=first.fake.url)
    await second.initialize()
    try:
        await first.onboard("Priya", ["Proofreading"], "expert")
        available = first.message_update("Priya", "/available 2h")
        unavailable = first.message_update("Priya", "/unavailable")
        available["update_id"], unavailable["update_id"] = 5001, 5002
        # The later update reaches the first process a moment before the earlier one
        # reaches the second: the later one waits its turn.
        later = asyncio.create_task(through(first.application, unavailable))
        await asyncio.sleep(0.01)
        await through(second, available)
        await later
        async with app.uow() as uow:
            ended = (await uow.session.scalars(select(Availability.ended_at))).all()
        assert ended, "the /available was applied"
        assert all(at is not None for at in ended), "…and then the /unavailable"
        dms = first.dms("Priya")
        assert dms.index(next(t for t in dms if "You're available" in t)) < dms.index(
            next(t for t in dms if "You're off now" in t)
        )
    finally:
        await second.shutdown()
        await second_brain.close()
        await first.stop()
