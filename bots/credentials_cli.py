"""`parentbrain credentials`: verify a credential (offline, given the published keys), rotate
the signing key, and print what verifiers need (the key set, a community's status list)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.config import Settings


def add_parser(sub: Any) -> None:
    creds = sub.add_parser("credentials", help="verify credentials, rotate the signing key")
    actions = creds.add_subparsers(dest="action", required=True)
    verify = actions.add_parser(
        "verify",
        help="check a credential file (.jwt) or a record bundle (.json): signature, dates, "
        "revocation",
    )
    verify.add_argument("file", type=Path, help="the credential or bundle to check")
    verify.add_argument(
        "--keys",
        type=Path,
        metavar="JWKS",
        help="the issuer's published key set (keys.json); without it, this deployment's own",
    )
    verify.add_argument(
        "--status-list",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a downloaded status list (repeatable); needed offline to check revocation",
    )
    actions.add_parser("rotate-key", help="start signing with a new key; old ones stay published")
    actions.add_parser("keys", help="print the published key set (JSON), for offline verifiers")
    status = actions.add_parser("status-list", help="print a community's signed status list")
    status.add_argument("community", type=int, help="the community's number")


def needs_store(args: argparse.Namespace) -> bool:
    """Everything but an offline check reads this deployment's database."""
    return not (args.action == "verify" and args.keys is not None)


def _tokens(path: Path) -> list[str]:
    """The credentials in a file: one VC-JWT, or every one enveloped in a record bundle."""
    text = path.read_text(encoding="utf-8").strip()
    if not text.startswith("{"):
        return [text]
    bundle = json.loads(text)
    enveloped = (bundle.get("credentialSubject") or {}).get("verifiableCredential") or []
    prefix = "data:application/vc+jwt,"
    return [
        str(item.get("id", ""))[len(prefix) :]
        for item in enveloped
        if str(item.get("id", "")).startswith(prefix)
    ]


def _offline_lists(files: list[Path]) -> Callable[[str], str | None]:
    from core.credentials.checking import status_list_id

    by_address = {}
    for file in files:
        signed = file.read_text(encoding="utf-8").strip()
        address = status_list_id(signed)
        if address:
            by_address[address] = signed
    return by_address.get


def _say(results: list[Any]) -> int:
    if not results:
        print("✗ No credentials found in that file.")
        return 1
    for result in results:
        mark = "✓" if result.valid else "✗"
        issuer = (result.credential or {}).get("issuer") or {}
        by = f", issued by {issuer.get('name')}" if isinstance(issuer, dict) else ""
        print(f"{mark} {result.name}{by}: {result.reason}")
    return 0 if all(r.valid for r in results) else 1


async def run(settings: Settings, args: argparse.Namespace) -> int:
    from core.credentials import vcjwt

    if args.action == "verify":
        try:
            tokens = _tokens(args.file)
        except (OSError, UnicodeDecodeError, ValueError, AttributeError) as err:
            print(f"✗ {args.file} can't be read as a credential or a record bundle ({err}).")
            return 1
        if args.keys is not None:
            try:
                key_set = json.loads(args.keys.read_text(encoding="utf-8"))
                lists = _offline_lists(args.status_list)
            except (OSError, ValueError) as err:
                print(f"✗ The key set or a status list can't be read: {err}", file=sys.stderr)
                return 2
            now = datetime.now(UTC)
            return _say([vcjwt.verify(t, key_set, lists, now) for t in tokens])
    return await _with_store(settings, args, tokens if args.action == "verify" else [])


async def _with_store(settings: Settings, args: argparse.Namespace, tokens: list[str]) -> int:
    from core.clock import SystemClock
    from core.credentials import checking, issuing, keys
    from core.db import make_engine, make_sessionmaker
    from core.errors import DomainError
    from core.uow import uow_factory

    engine = make_engine(settings.database_url)
    try:
        async with uow_factory(make_sessionmaker(engine), SystemClock())() as uow:
            if args.action == "verify":
                return _say(await checking.check_all(uow, settings, tokens))
            if args.action == "rotate-key":
                kid = await keys.rotate(uow, settings)
                await uow.commit()
                published = len((await keys.key_set(uow, settings))["keys"])
                print(
                    f"Now signing with {kid}. All {published} public keys stay published at "
                    f"{keys.keys_url(settings)}, so earlier credentials still verify."
                )
                return 0
            if args.action == "keys":
                print(json.dumps(await keys.key_set(uow, settings), indent=1))
                return 0
            signed = await issuing.signed_status_list(uow, settings, args.community)
            await uow.commit()
            print(signed)
            return 0
    except DomainError as err:
        print(err.message, file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
