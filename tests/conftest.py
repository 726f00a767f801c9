"""Fixtures: a wired Parent Brain on SQLite, and on PostgreSQL when PARENTBRAIN_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bots.app import ParentBrain, bootstrap
from bots.memory import MemoryMessenger
from core.clock import ManualClock
from core.config import Settings
from core.db import create_schema, make_engine
from tests.world import World

POSTGRES_URL = os.environ.get("PARENTBRAIN_TEST_POSTGRES_URL")
if os.environ.get("CI") and not POSTGRES_URL:
    raise RuntimeError("CI must set PARENTBRAIN_TEST_POSTGRES_URL so the PostgreSQL tests run")

BACKENDS = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]

# The credential signing key's passphrase, so no test writes a passphrase file where it runs.
os.environ.setdefault("PARENTBRAIN_ISSUER_KEY_PASSPHRASE", "a passphrase for the tests")


async def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        assert POSTGRES_URL is not None
        await reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def router_name() -> str:
    """Which router the app uses; a test parametrizes this to run under both."""
    return "simple"


@pytest.fixture
def settings(database_url: str, router_name: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        files_dir=str(tmp_path / "files"),
        stripe_api_key=None,
        telegram_token=None,
        discord_token=None,
        router=router_name,
    )


@pytest.fixture
async def app(settings: Settings, clock: ManualClock) -> AsyncIterator[ParentBrain]:
    engine = make_engine(settings.database_url)
    await create_schema(engine)
    messengers = {p: MemoryMessenger(platform=p) for p in ("telegram", "discord")}
    brain = await bootstrap(
        settings, clock=clock, messengers=messengers, engine=engine, schema="none"
    )
    yield brain
    await brain.close()


@pytest.fixture
def world(app: ParentBrain, clock: ManualClock) -> World:
    return World(app, clock)
