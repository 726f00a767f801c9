"""The `parentbrain` command: run, db upgrade, demo, ledger check, credentials."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import migrations
from bots import credentials_cli
from bots.logs import configure_logging
from bots.settings_check import BadSettings, load_settings, unknown_settings
from core.config import Settings

NO_PLATFORM = """\
No chat platform is configured, so there is nothing to run yet.

Set at least one of these (as environment variables or in parentbrain.toml):
  PARENTBRAIN_TELEGRAM_TOKEN               a bot token from @BotFather
  PARENTBRAIN_TELEGRAM_COMMUNITY_CHAT_ID   the first community group's chat id (optional:
                                           /setup in a group makes it a community)
  PARENTBRAIN_DISCORD_TOKEN                a bot token from the Discord developer portal
  PARENTBRAIN_DISCORD_GUILD_ID             the first community server's id (optional: /setup)

To see the whole journey without any tokens, run:  parentbrain demo
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parentbrain", description=__doc__)
    parser.add_argument(
        "--version", action="version", version=f"parentbrain {version('parentbrain')}"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bots, sweepers and outbox for a real community")
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument(
        "action",
        choices=["upgrade", "backup"],
        help="upgrade: apply every migration; backup FILE: a consistent copy of the SQLite "
        "store, taken while it runs",
    )
    db.add_argument("file", nargs="?", type=Path, help="where the backup goes (backup only)")
    demo = sub.add_parser("demo", help="play a small community's whole journey, offline")
    demo.add_argument(
        "--keep", type=Path, metavar="FILE", help="keep the demo's SQLite database here"
    )
    demo.add_argument("--json", action="store_true", help="print only the summary, as JSON")
    skills = sub.add_parser("skills", help="the skill taxonomy")
    skills_sub = skills.add_subparsers(dest="action", required=True)
    skills_sub.add_parser("list", help="every skill with its aliases")
    add = skills_sub.add_parser("add", help="add a skill parents can offer")
    add.add_argument("name", help='the skill\'s name, e.g. "Bid writing"')
    add.add_argument(
        "--alias", action="append", default=[], help="another word for it (repeatable)"
    )
    sub.add_parser("payouts", help="what is owed to parents and not yet paid")
    audit = sub.add_parser("audit", help="moderators' actions, reports and money movements")
    audit.add_argument("--csv", action="store_true", help="everything, as CSV on stdout")
    led = sub.add_parser("ledger", help="money checks")
    led.add_argument("action", choices=["check"], help="check: verify every ledger invariant")
    credentials_cli.add_parser(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    if args.command == "demo":
        return asyncio.run(_demo(args.keep, args.json))
    for warning in unknown_settings():
        print(warning, file=sys.stderr)
    try:
        settings = load_settings()
    except BadSettings as err:
        print(err, file=sys.stderr)
        return 2
    configure_logging(settings)
    if args.command == "db" and args.action == "backup":
        return backup(settings, args.file)
    if args.command == "db":
        return asyncio.run(_db_upgrade(settings))
    if args.command == "skills":
        return asyncio.run(
            _skills(settings, args.action, getattr(args, "name", ""), getattr(args, "alias", []))
        )
    if args.command in ("payouts", "ledger", "audit") or (
        args.command == "credentials" and credentials_cli.needs_store(args)
    ):
        missing = no_database(settings)
        if missing:
            print(missing, file=sys.stderr)
            return 2
    if args.command == "payouts":
        return asyncio.run(_payouts(settings))
    if args.command == "ledger":
        return asyncio.run(_ledger_check(settings))
    if args.command == "audit":
        return asyncio.run(_audit(settings, args.csv))
    if args.command == "credentials":
        return asyncio.run(credentials_cli.run(settings, args))
    if not settings.platforms_configured():
        print(NO_PLATFORM, file=sys.stderr)
        return 2
    from bots.run import serve  # imports aiohttp and APScheduler only when really running

    return asyncio.run(serve(settings))


async def _demo(keep: Path | None, as_json: bool) -> int:
    from bots.demo import as_json as to_json
    from bots.demo import print_summary, run_demo

    summary = await run_demo(keep, say=(lambda _line: None) if as_json else print)
    if as_json:
        print(to_json(summary))
    else:
        print_summary(summary)
        if keep:
            print(f"\nThe demo's database is kept at {keep}.")
    return 0 if summary["ledger_balanced"] else 1


async def _db_upgrade(settings: Settings) -> int:
    import migrations
    from core.db import ensure_seed_skills, make_engine, make_sessionmaker

    engine = make_engine(settings.database_url)
    try:
        await migrations.upgrade(engine)
        await ensure_seed_skills(make_sessionmaker(engine))
        print(f"Database is at revision {await migrations.current(engine)}.")
    finally:
        await engine.dispose()
    return 0


async def _skills(settings: Settings, action: str, name: str, aliases: list[str]) -> int:
    from bots.app import bootstrap
    from core.actors import Actor
    from core.commands import AddSkill
    from core.errors import DomainError
    from core.handlers.common import catalogue

    brain = await bootstrap(settings)
    try:
        if action == "add":
            try:
                print(
                    await brain.handle(AddSkill(actor=Actor.system(), name=name, aliases=aliases))
                )
            except DomainError as err:
                print(err, file=sys.stderr)
                return 1
            return 0
        async with brain.uow() as uow:
            skills = await catalogue(uow)
        for skill in sorted(skills.skills.values(), key=lambda s: s.name):
            also = f" (also: {', '.join(skill.aliases)})" if skill.aliases else ""
            print(f"{skill.name}{also}")
        return 0
    finally:
        await brain.close()


def backup(settings: Settings, target: Path | None) -> int:
    """A consistent copy of the SQLite store with SQLite's online backup API, while the bot
    runs (writers wait only while each step is copied); PostgreSQL has its own tools."""
    import sqlite3

    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        print(
            "For PostgreSQL, back up with pg_dump (or your highly available pair's own "
            'backups); see README, "Running it in production".',
            file=sys.stderr,
        )
        return 2
    if target is None:
        print("Say where the copy goes: parentbrain db backup FILE", file=sys.stderr)
        return 2
    source = Path(url.database or "")
    if not source.exists():
        print(f"There is no Parent Brain database at {source}.", file=sys.stderr)
        return 2
    if target.exists():
        print(
            f"{target} exists already; choose a new file, so no backup is overwritten.",
            file=sys.stderr,
        )
        return 2
    live, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        live.backup(copy, pages=256)  # step by step: the bot's writes go on between steps
        checked = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        live.close()
        copy.close()
    if checked != "ok":
        print(f"The copy failed its integrity check ({checked}).", file=sys.stderr)
        return 1
    print(f"Backed up {source} to {target} ({target.stat().st_size:,} bytes), checked.")
    return 0


def no_database(settings: Settings) -> str | None:
    """A sentence if there is no Parent Brain database to read; read-only commands never
    create or migrate one."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    where = url.database or settings.database_url
    there = (
        "There is no Parent Brain database at"
        f" {where}; set PARENTBRAIN_DATABASE_URL, or start it with `parentbrain run`"
        " (or `parentbrain db upgrade`)."
    )
    if url.get_backend_name() == "sqlite" and not Path(where).exists():
        return there  # connecting would create an empty file
    try:
        migrated = asyncio.run(_migrated(settings.database_url))
    except Exception:
        return f"The database at {url.render_as_string(hide_password=True)} can't be reached."
    return None if migrated else there


async def _migrated(database_url: str) -> bool:
    from core.db import make_engine

    engine = make_engine(database_url)
    try:
        return await migrations.current(engine) is not None
    finally:
        await engine.dispose()


async def _audit(settings: Settings, as_csv: bool) -> int:
    from core import audit
    from core.clock import SystemClock
    from core.db import make_engine, make_sessionmaker
    from core.uow import uow_factory

    engine = make_engine(settings.database_url)
    try:
        async with uow_factory(make_sessionmaker(engine), SystemClock())() as uow:
            lines = await audit.audit_lines(uow, None if as_csv else 50)
    finally:
        await engine.dispose()
    print(audit.as_csv(lines) if as_csv else "\n".join(line.text() for line in lines), end="")
    if not as_csv:
        print()
    return 0


async def _payouts(settings: Settings) -> int:
    from core.actors import Actor
    from core.clock import SystemClock
    from core.db import make_engine, make_sessionmaker
    from core.owed import money_owed
    from core.uow import uow_factory

    engine = make_engine(settings.database_url)
    try:
        async with uow_factory(make_sessionmaker(engine), SystemClock())() as uow:
            print(await money_owed(uow, Actor.system()))
    finally:
        await engine.dispose()
    return 0


async def _ledger_check(settings: Settings) -> int:
    from core.db import make_engine, make_sessionmaker
    from payments import ledger

    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            breaches = await ledger.check(session)
    finally:
        await engine.dispose()
    for breach in breaches:
        print(f"BREACH: {breach}")
    print("Ledger OK: every invariant holds." if not breaches else f"{len(breaches)} breach(es).")
    return 1 if breaches else 0


if __name__ == "__main__":
    raise SystemExit(main())
