"""A small fake of Stripe's API for the real stripe SDK: checkout sessions, payment intents,
Connect accounts and links, transfers and refunds. Requests arrive form-encoded; the same
Idempotency-Key returns the same object, as Stripe does. It also signs webhook events.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from aiohttp import web


def sign(payload: str, secret: str, at: int | None = None) -> str:
    """A Stripe-Signature header: HMAC-SHA256 over "{t}.{payload}"."""
    t = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


class FakeStripe:
    def __init__(self) -> None:
        self.objects: dict[str, dict[str, Any]] = {}
        self.requests: list[
            tuple[str, str, dict[str, str], str | None]
        ] = []  # method, path, form, key
        self._by_key: dict[str, dict[str, Any]] = {}
        self._n = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/v1/{path:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects.values() if o["object"] == kind]

    def made(self, path: str) -> list[tuple[dict[str, str], str | None]]:
        return [
            (form, key) for method, p, form, key in self.requests if method == "POST" and p == path
        ]

    # Events, as Stripe would send them ----------------------------------------------------

    def event(self, kind: str, obj: dict[str, Any], created: int | None = None) -> str:
        return json.dumps(
            {
                "id": f"evt_{next(self._n)}",
                "object": "event",
                "type": kind,
                "created": created or int(time.time()),
                "api_version": "2025-01-01",
                "data": {"object": obj},
                "livemode": False,
            }
        )

    def paid(self, session_id: str) -> dict[str, Any]:
        session = self.objects[session_id]
        return {**session, "status": "complete", "payment_status": "paid"}

    def account_ready(self, account_id: str, ready: bool = True) -> dict[str, Any]:
        return {**self.objects[account_id], "payouts_enabled": ready, "details_submitted": ready}

    # The API --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        form = (
            {k: str(v) for k, v in (await request.post()).items()}
            if request.method == "POST"
            else {}
        )
        key = request.headers.get("Idempotency-Key")
        self.requests.append((request.method, path, form, key))
        if request.method == "POST" and key and key in self._by_key:
            return web.json_response(self._by_key[key])
        made = self._route(request.method, path, form)
        if made is None:
            return web.json_response(
                {"error": {"type": "invalid_request_error", "message": f"No such route {path}"}},
                status=404,
            )
        if request.method == "POST" and key:
            self._by_key[key] = made
        return web.json_response(made)

    def _new(self, prefix: str, kind: str, **fields: Any) -> dict[str, Any]:
        obj = {"id": f"{prefix}_{next(self._n)}", "object": kind, "livemode": False, **fields}
        self.objects[obj["id"]] = obj
        return obj

    def _route(self, method: str, path: str, form: dict[str, str]) -> dict[str, Any] | None:
        meta = {k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")}
        if method == "POST" and path == "checkout/sessions":
            charge = self._new(
                "ch", "charge", amount=int(form["line_items[0][price_data][unit_amount]"])
            )
            intent = self._new(
                "pi",
                "payment_intent",
                latest_charge=charge["id"],
                transfer_group=form.get("payment_intent_data[transfer_group]"),
            )
            session = self._new(
                "cs_test",
                "checkout.session",
                payment_intent=intent["id"],
                metadata=meta,
                payment_status="unpaid",
                status="open",
                expires_at=int(form["expires_at"]),
                amount_total=charge["amount"],
                currency=form["line_items[0][price_data][currency]"],
            )
            session["url"] = f"https://checkout.stripe.test/{session['id']}"
            return session
        if method == "GET" and path.startswith("payment_intents/"):
            return self.objects.get(path.split("/")[1])
        if method == "POST" and path == "accounts":
            return self._new(
                "acct",
                "account",
                type=form.get("type"),
                metadata=meta,
                payouts_enabled=False,
                details_submitted=False,
            )
        if method == "POST" and path == "account_links":
            return {
                "object": "account_link",
                "url": f"https://connect.stripe.test/{form['account']}",
                "created": int(time.time()),
                "expires_at": int(time.time()) + 300,
            }
        if method == "POST" and path == "transfers":
            return self._new(
                "tr",
                "transfer",
                amount=int(form["amount"]),
                currency=form["currency"],
                destination=form["destination"],
                transfer_group=form.get("transfer_group"),
                source_transaction=form.get("source_transaction"),
                metadata=meta,
            )
        if method == "POST" and path == "refunds":
            return self._new(
                "re",
                "refund",
                charge=form.get("charge"),
                amount=int(form["amount"]),
                status="succeeded",
                metadata=meta,
            )
        return None
