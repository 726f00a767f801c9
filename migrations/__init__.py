"""Alembic migrations, run by `parentbrain db upgrade` and on every start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

HERE = Path(__file__).parent


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database up to date on the engine's own connection (works inside asyncio).

    SQLite alters a table by copying it and dropping the original, which its foreign keys
    forbid while they are enforced; as SQLite's documentation prescribes, enforcement is off
    for the upgrade (outside its transaction) and the keys are checked before it commits.
    """
    sqlite = engine.dialect.name == "sqlite"
    async with engine.connect() as conn:
        if sqlite:
            await conn.run_sync(lambda sync: _sqlite_pragma(sync, "PRAGMA foreign_keys=OFF"))
        try:
            async with conn.begin():
                await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))
                if sqlite:
                    broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"the upgrade would break foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                await conn.run_sync(lambda sync: _sqlite_pragma(sync, "PRAGMA foreign_keys=ON"))


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    """Run a PRAGMA on the driver's connection, outside any transaction."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(pragma)
    cursor.close()


def head() -> str:
    """The newest revision in this release."""
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert found is not None
    return found


async def current(engine: AsyncEngine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
