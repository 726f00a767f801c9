"""Delivered files, downloaded from the pages: a link is signed for the person it was shown
to and lasts a quarter of an hour, and core decides who may open which file (the business
the work was for, and the community's moderators)."""

from __future__ import annotations

import hmac

from aiohttp import web

from bots.web.app import BRAIN, link_signature, render, signed_in
from core.actors import Actor
from core.downloads import downloadable
from core.language import _


def add_routes(app: web.Application) -> None:
    app.router.add_get("/files/{file:\\d{1,12}}", signed_in(download))


async def download(request: web.Request, actor: Actor) -> web.StreamResponse:
    file_id = int(request.match_info["file"])
    try:
        until = int(request.query.get("until", "0"))
    except ValueError:
        until = 0
    expected = link_signature(request, actor.member_id, file_id, until)
    brain = request.app[BRAIN]
    if not hmac.compare_digest(expected, request.query.get("sig", "")) or until < int(
        brain.clock.now().timestamp()
    ):
        text = _(
            "That download link has expired or isn't yours; open the page again for a new one."
        )
        return render(request, "message.html", {"text": text}, status=403)
    async with brain.uow() as uow:
        kept = await downloadable(uow, actor, file_id)
    content = await brain.files.get(kept.key)
    if content is None:
        text = _("{name} is no longer kept here.", name=kept.name)
        return render(request, "message.html", {"text": text}, status=404)
    safe = "".join(ch for ch in kept.name if ch.isalnum() or ch in "._- ")[:120] or "file"
    return web.Response(
        body=content,
        content_type="application/octet-stream",  # downloaded, never shown as a page
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )
