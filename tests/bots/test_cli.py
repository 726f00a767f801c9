"""The `parentbrain` command as a newcomer meets it on a fresh machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import migrations


def parentbrain(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PARENTBRAIN_")}
    return subprocess.run(
        [sys.executable, "-m", "bots.cli", *args],
        cwd=cwd,
        env={**clean, "PYTHONPATH": str(Path(__file__).parents[2]), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_json_pays_parents_and_balances_the_ledger(tmp_path: Path) -> None:
    done = parentbrain("demo", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["ledger_balanced"] is True
    assert (
        summary["items_paid"] == 2
        and summary["items_posted"] == 3
        and summary["items_refunded"] == 1
    )
    assert (
        summary["offers_made"] >= 4
        and summary["offers_declined"] == 1
        and summary["offers_expired"] == 1
    )
    assert list(tmp_path.iterdir()) == []  # nothing left behind without --keep


def test_demo_transcript_reads_like_the_messages_people_get(tmp_path: Path) -> None:
    kept = tmp_path / "demo.sqlite3"
    done = parentbrain("demo", "--keep", str(kept), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "→ DM to Priya (telegram): New paid work" in done.stdout
    assert "You receive £21.25" in done.stdout and "[Accept] [Decline]" in done.stdout
    assert 'I don\'t know the skill "desing". Did you mean "design"?' in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert kept.exists()
    owed = parentbrain(
        "payouts", cwd=tmp_path, env={"PARENTBRAIN_DATABASE_URL": f"sqlite+aiosqlite:///{kept}"}
    )
    assert owed.returncode == 0 and "No payouts or refunds are owed." in owed.stdout  # all settled
    check = parentbrain(
        "ledger",
        "check",
        cwd=tmp_path,
        env={"PARENTBRAIN_DATABASE_URL": f"sqlite+aiosqlite:///{kept}"},
    )
    assert check.returncode == 0 and "Ledger OK" in check.stdout


def test_run_without_tokens_says_what_to_set(tmp_path: Path) -> None:
    done = parentbrain("run", cwd=tmp_path)
    assert done.returncode == 2
    for variable in ("PARENTBRAIN_TELEGRAM_TOKEN", "PARENTBRAIN_DISCORD_TOKEN"):
        assert variable in done.stderr
    assert "parentbrain demo" in done.stderr


def test_db_upgrade_creates_the_default_sqlite_file_in_the_working_folder(tmp_path: Path) -> None:
    done = parentbrain("db", "upgrade", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"revision {migrations.head()}" in done.stdout
    assert (tmp_path / "parentbrain.sqlite3").exists()


def test_settings_come_from_parentbrain_toml_too(tmp_path: Path) -> None:
    (tmp_path / "parentbrain.toml").write_text(
        f'database_url = "sqlite+aiosqlite:///{tmp_path / "from-toml.db"}"\n'
    )
    done = parentbrain("db", "upgrade", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "from-toml.db").exists()


def test_a_stripe_key_without_stripe_support_is_a_clear_error(tmp_path: Path) -> None:
    done = parentbrain(
        "run",
        cwd=tmp_path,
        env={
            "PARENTBRAIN_TELEGRAM_TOKEN": "123:abc",
            "PARENTBRAIN_STRIPE_API_KEY": "sk_test_secret",
        },
    )
    assert done.returncode == 2
    assert "PARENTBRAIN_STRIPE_API_KEY" in done.stderr
    assert "sk_test_secret" not in done.stdout + done.stderr  # secrets never reach output


def test_operators_extend_the_skill_list(tmp_path: Path) -> None:
    added = parentbrain("skills", "add", "Bid writing", "--alias", "grant writing", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert 'Added the skill "Bid writing"' in added.stdout
    listed = parentbrain("skills", "list", cwd=tmp_path)
    assert "Bid writing (also: grant writing)" in listed.stdout and "Proofreading" in listed.stdout
    clash = parentbrain("skills", "add", "Book keeping", "--alias", "bookkeeping", cwd=tmp_path)
    assert clash.returncode == 1 and '"bookkeeping" already means accountancy' in clash.stderr


def test_audit_exports_moderator_actions_and_money_as_csv(tmp_path: Path) -> None:
    kept = tmp_path / "demo.sqlite3"
    assert parentbrain("demo", "--json", "--keep", str(kept), cwd=tmp_path).returncode == 0
    done = parentbrain(
        "audit",
        "--csv",
        cwd=tmp_path,
        env={"PARENTBRAIN_DATABASE_URL": f"sqlite+aiosqlite:///{kept}"},
    )
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()
    assert rows[0] == "at_utc,who,action,detail"
    actions = {row.split(",")[2] for row in rows[1:]}
    assert {"ConfirmFunding", "ConfirmPayout", "fund", "payout"} <= actions, actions


def test_version_is_answered(tmp_path: Path) -> None:
    done = parentbrain("--version", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("parentbrain ")


def test_a_bad_setting_is_one_sentence_naming_it(tmp_path: Path) -> None:
    for name, value, says in [
        ("PARENTBRAIN_ROUTER", "smart", "PARENTBRAIN_ROUTER can't be used"),
        ("PARENTBRAIN_BANNED_WORDS", "crypto", "Lists are written as JSON"),
    ]:
        done = parentbrain("payouts", cwd=tmp_path, env={name: value})
        assert done.returncode == 2
        assert says in done.stderr and "Traceback" not in done.stderr


def test_a_mistyped_setting_is_pointed_out(tmp_path: Path) -> None:
    done = parentbrain("payouts", cwd=tmp_path, env={"PARENTBRAIN_ROTUER": "simple"})
    assert (
        "PARENTBRAIN_ROTUER isn't a setting Parent Brain knows; did you mean PARENTBRAIN_ROUTER?"
        in done.stderr
    )


def test_read_only_commands_never_create_a_database(tmp_path: Path) -> None:
    for command in (["payouts"], ["ledger", "check"], ["audit"]):
        done = parentbrain(*command, cwd=tmp_path)
        assert done.returncode == 2
        assert "There is no Parent Brain database" in done.stderr
        assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_package_says_what_it_is() -> None:
    """Licence, classifiers and type information, as an operator's tools read them."""
    from importlib import metadata, resources

    about = metadata.metadata("parentbrain")
    assert about["License-Expression"] == "MIT"
    assert "Typing :: Typed" in about.get_all("Classifier")
    for package in ("core", "routing", "payments", "bots"):
        assert resources.files(package).joinpath("py.typed").is_file()
    licence = Path(__file__).parents[2] / "LICENSE"
    assert licence.read_text().startswith("MIT License")


def test_the_sqlite_store_is_backed_up_while_it_is_written(tmp_path: Path) -> None:
    import sqlite3
    import threading

    live = tmp_path / "pb.sqlite3"
    env = {"PARENTBRAIN_DATABASE_URL": f"sqlite+aiosqlite:///{live}"}
    assert parentbrain("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    stop = threading.Event()

    def keep_writing() -> None:  # the running bot, as far as the file can tell
        with sqlite3.connect(live, timeout=30) as db:
            n = 0
            while not stop.is_set():
                n += 1
                db.execute(
                    "INSERT INTO skills (code, name, aliases) VALUES (?, ?, '[]')",
                    (f"s{n}", f"S{n}"),
                )
                db.commit()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        done = parentbrain("db", "backup", "copy.sqlite3", cwd=tmp_path, env=env)
    finally:
        stop.set()
        writer.join()
    assert done.returncode == 0, done.stderr
    assert "checked" in done.stdout
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM skills").fetchone()[0] >= 1
    again = parentbrain("db", "backup", "copy.sqlite3", cwd=tmp_path, env=env)
    assert again.returncode == 2 and "exists already" in again.stderr
    postgres = parentbrain(
        "db",
        "backup",
        "x",
        cwd=tmp_path,
        env={"PARENTBRAIN_DATABASE_URL": "postgresql+asyncpg://h/db"},
    )
    assert postgres.returncode == 2 and "pg_dump" in postgres.stderr
