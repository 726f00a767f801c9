"""The container image and the compose file, checked without a container daemon: the image's
command runs with the image's settings and passes its own health check, and compose.yaml
names only real settings and waits for a healthy database."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import sys
from pathlib import Path

import aiohttp
import yaml

from core.config import Settings
from tests.bots.test_run import free_port
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of each Dockerfile line, continuations joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, rest = line.partition(" ")
            found.append((instruction.upper(), rest.strip()))
    return found


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, rest in dockerfile():
        if instruction == "ENV":
            for pair in shlex.split(rest):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def exec_form(instruction: str) -> list[str]:
    [rest] = [rest for name, rest in dockerfile() if name == instruction]
    command: list[str] = json.loads(rest)
    return command


def test_the_image_runs_as_a_user_and_listens_where_it_says() -> None:
    steps = dockerfile()
    users = [rest for name, rest in steps if name == "USER"]
    assert users and users[-1] not in ("root", "0")
    env = image_env()
    assert env["PARENTBRAIN_HTTP_HOST"] == "0.0.0.0"
    assert [rest for name, rest in steps if name == "EXPOSE"] == [env["PARENTBRAIN_HTTP_PORT"]]
    assert exec_form("ENTRYPOINT") + exec_form("CMD") == ["parentbrain", "run"]
    for key in env:
        if key.startswith("PARENTBRAIN_"):
            assert key.removeprefix("PARENTBRAIN_").lower() in Settings.model_fields


async def test_the_images_command_starts_with_its_settings_and_passes_its_health_check(
    tmp_path: Path,
) -> None:
    fake = FakeTelegram()
    await fake.start()
    port = free_port()
    env = {
        **os.environ,
        **image_env(),
        "PARENTBRAIN_HTTP_PORT": str(port),  # the image's 8080 may be taken on this machine
        "PARENTBRAIN_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'pb.sqlite3'}",
        "PARENTBRAIN_TELEGRAM_TOKEN": "123:IMAGE",
        "PARENTBRAIN_TELEGRAM_API_URL": fake.url,
        "PARENTBRAIN_STRIPE_API_KEY": "",  # as compose passes an unset key: no Stripe
    }
    command = exec_form("ENTRYPOINT") + exec_form("CMD")
    # The console script pip installed beside this Python, as in the image.
    command[0] = str(Path(sys.executable).parent / command[0])
    process = await asyncio.create_subprocess_exec(
        *command,
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectorError:
                    pass
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the image's command never answered /healthz")
        [check] = [rest for name, rest in dockerfile() if name == "HEALTHCHECK"]
        probe = json.loads(check[check.index("CMD") + 3 :].strip())
        checked = await asyncio.create_subprocess_exec(*probe, env=env)
        assert await asyncio.wait_for(checked.wait(), 30) == 0
    finally:
        process.terminate()
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
        await fake.stop()
    assert process.returncode == 0  # SIGTERM: a clean stop
    lines = [line for line in (stdout + stderr).decode().splitlines() if line.strip()]
    assert lines and all(json.loads(line)["message"] for line in lines)  # JSON logs, as set


def test_compose_runs_the_app_beside_a_healthy_database_with_real_settings_only() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    db, app = compose["services"]["db"], compose["services"]["app"]
    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    [volume] = db["volumes"]
    assert volume.split(":")[0] in compose["volumes"]  # a named volume keeps the data
    assert app["build"] == "."
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    environment = app["environment"]
    assert environment["PARENTBRAIN_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert "@db:5432/" in environment["PARENTBRAIN_DATABASE_URL"]
    for key in environment:
        assert key.startswith("PARENTBRAIN_")
        assert key.removeprefix("PARENTBRAIN_").lower() in Settings.model_fields, key
    # The example environment file names what compose reads.
    example = (ROOT / ".env.example").read_text()
    for needed in re.findall(r"\$\{(\w+)", (ROOT / "compose.yaml").read_text()):
        if not needed.startswith("PARENTBRAIN_") or needed.endswith("_TOKEN"):
            assert f"{needed}=" in example, needed
