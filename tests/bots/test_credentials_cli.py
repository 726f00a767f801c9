"""`parentbrain credentials`: anyone verifies offline with the published keys and status list;
operators rotate the key without breaking what was issued before."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from core import commands as c
from tests.bots.test_cli import parentbrain
from tests.core.credentials.helpers import issued, pass_check, published, status_lists
from tests.world import World


async def test_verify_offline_with_the_published_keys_and_status_list(
    world: World, tmp_path: Path
) -> None:
    town = await world.town()
    priya = await world.parent("Priya")
    await pass_check(world, priya)
    token = (await issued(world, priya))[0].jwt
    (tmp_path / "badge.jwt").write_text(token + "\n")
    (tmp_path / "keys.json").write_text(json.dumps(await published(world)))
    [signed_list] = (await status_lists(world, town)).values()
    (tmp_path / "status.jwt").write_text(signed_list)
    offline = ("--keys", "keys.json", "--status-list", "status.jwt")

    good = parentbrain("credentials", "verify", "badge.jwt", *offline, cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("✓ Proofreading: skill check passed, issued by Town: Valid")

    (tmp_path / "changed.jwt").write_text(
        token[:40] + ("x" if token[40] != "x" else "y") + token[41:]
    )
    changed = parentbrain("credentials", "verify", "changed.jwt", *offline, cwd=tmp_path)
    assert changed.returncode == 1 and changed.stdout.startswith("✗")

    no_list = parentbrain("credentials", "verify", "badge.jwt", "--keys", "keys.json", cwd=tmp_path)
    assert no_list.returncode == 1 and "revocation list" in no_list.stdout

    await world.app.handle(c.ForgetMe(actor=priya, confirm="yes"))
    [revoked_list] = (await status_lists(world, town)).values()
    (tmp_path / "status.jwt").write_text(revoked_list)
    revoked = parentbrain("credentials", "verify", "badge.jwt", *offline, cwd=tmp_path)
    assert revoked.returncode == 1 and "revoked by its issuer" in revoked.stdout

    (tmp_path / "notes.txt").write_text("hello")
    nonsense = parentbrain("credentials", "verify", "notes.txt", *offline, cwd=tmp_path)
    assert nonsense.returncode == 1 and "Traceback" not in nonsense.stdout + nonsense.stderr


def test_rotating_the_key_keeps_the_old_one_published(tmp_path: Path) -> None:
    env = {"PARENTBRAIN_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pb.sqlite3'}"}
    assert parentbrain("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    first = parentbrain("credentials", "rotate-key", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert "Now signing with key-" in first.stdout and "All 1 public keys" in first.stdout
    # No passphrase set: one was made, readable by its owner only, and never printed.
    made = tmp_path / "parentbrain-issuer-passphrase"
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert made.read_text() not in first.stdout + first.stderr
    second = parentbrain("credentials", "rotate-key", cwd=tmp_path, env=env)
    assert "All 2 public keys" in second.stdout
    published = json.loads(parentbrain("credentials", "keys", cwd=tmp_path, env=env).stdout)
    assert len(published["keys"]) == 2 and all("d" not in k for k in published["keys"])
    wrong = parentbrain(
        "credentials",
        "status-list",
        "1",
        cwd=tmp_path,
        env=env | {"PARENTBRAIN_ISSUER_KEY_PASSPHRASE": "not the one"},
    )
    assert wrong.returncode == 2 and "can't be opened with this passphrase" in wrong.stderr
