"""Work after the offer, on the web: a parent delivers (words and files) and gives payout
details and regular hours; a business approves, asks for changes, disputes and rates."""

from __future__ import annotations

import uuid

from aiohttp import web
from aiohttp.web_request import FileField

from bots.web.app import BRAIN, ask_first, say_next, signed_in
from bots.web.pages import say_outcome
from core import commands as c
from core.actors import Actor
from core.files import FILES_PER_DELIVERY, TELEGRAM_UPLOAD_LIMIT, FileKind, FileRef
from core.handlers.delivery import may_deliver
from core.language import _
from core.parsing import without_control_characters

UPLOAD_LIMIT = TELEGRAM_UPLOAD_LIMIT  # what any reader could receive; core checks per reader


def add_routes(app: web.Application) -> None:
    app.router.add_post("/jobs/{work:\\d+}/deliver", signed_in(deliver))
    app.router.add_post("/payout-details", signed_in(payout_details))
    app.router.add_post("/schedule", signed_in(schedule))
    app.router.add_post("/items/{work:\\d+}/{decision:approve|changes|dispute}", signed_in(decide))
    app.router.add_post("/items/{work:\\d+}/rate", signed_in(rate))


def _back(request: web.Request, name: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(request.app.router[name].url_for())


def kind_of(content_type: str) -> FileKind:
    if content_type.startswith("image/"):
        return "photo"
    if content_type.startswith("video/"):
        return "video"
    if content_type.startswith("audio/"):
        return "audio"
    return "document"


async def deliver(request: web.Request, actor: Actor) -> web.StreamResponse:
    """Words and files for a job. Everything is checked before a file is stored (the files'
    count and size, the words, whose job it is), so a refusal leaves nothing behind; then
    the files go to the file store, then one command."""
    work_id = int(request.match_info["work"])
    form = await request.post()
    uploads = [f for f in form.getall("files", []) if isinstance(f, FileField) and f.filename]
    if len(uploads) > FILES_PER_DELIVERY:
        await say_next(
            request,
            _(
                "Send at most {FILES_PER_DELIVERY} files at once. Nothing was sent.",
                FILES_PER_DELIVERY=FILES_PER_DELIVERY,
            ),
        )
        raise _back(request, "home")
    contents: list[bytes] = []
    files: list[FileRef] = []
    for upload in uploads:
        content = upload.file.read(UPLOAD_LIMIT + 1)
        if len(content) > UPLOAD_LIMIT:
            await say_next(
                request,
                _(
                    "{filename} is over 50 MB; share it as a link. Nothing was sent.",
                    filename=upload.filename,
                ),
            )
            raise _back(request, "home")
        contents.append(content)
        files.append(
            FileRef(
                platform="web",
                ref=f"web:{uuid.uuid4().hex}",
                name=without_control_characters(upload.filename)[:200] or "file",
                kind=kind_of(upload.content_type or ""),
                size_bytes=len(content),
                stored=True,
            )
        )
    body = str(form.get("body", "")).strip()
    command = c.SubmitDelivery(actor=actor, work_id=work_id, body=body, files=files)
    async with request.app[BRAIN].uow() as uow:
        await may_deliver(uow, actor, work_id)  # someone else's job: refused, nothing stored
    for file, content in zip(files, contents, strict=True):
        await request.app[BRAIN].files.put(file.key, content)
    await say_outcome(request, command)
    raise _back(request, "home")


async def payout_details(request: web.Request, actor: Actor) -> web.StreamResponse:
    form = await request.post()
    details = str(form.get("details", "")).strip() or "remove"
    await say_outcome(request, c.SetPayoutDetails(actor=actor, details=details))
    raise _back(request, "home")


async def schedule(request: web.Request, actor: Actor) -> web.StreamResponse:
    form = await request.post()
    spec = str(form.get("hours", "")).strip()
    command: c.Command = (
        c.ClearSchedule(actor=actor)
        if spec.lower() in ("", "clear", "none")
        else c.AddWeeklyWindow(actor=actor, spec=spec)
    )
    await say_outcome(request, command)
    raise _back(request, "home")


async def decide(request: web.Request, actor: Actor) -> web.StreamResponse:
    """Approve a delivery, or ask for changes or dispute it with a note; core checks the item
    is this business's and has a delivery waiting."""
    form = await request.post()
    work_id, note = int(request.match_info["work"]), str(form.get("note", "")).strip()
    decision = request.match_info["decision"]
    command: c.Command
    if decision == "approve":
        asked = await ask_first(
            request,
            actor,
            _("Approve item #{work_id}? The parent is paid their share.", work_id=work_id),
        )
        if asked is not None:
            return asked
        command = c.ApproveDelivery(actor=actor, work_id=work_id)
    elif decision == "changes":
        command = c.RequestChanges(actor=actor, work_id=work_id, note=note)
    else:
        command = c.OpenDispute(actor=actor, work_id=work_id, reason=note)
    await say_outcome(request, command)
    raise _back(request, "items")


async def rate(request: web.Request, actor: Actor) -> web.StreamResponse:
    form = await request.post()
    try:
        stars = int(str(form.get("stars", "")))
    except ValueError:
        stars = 0
    command = c.RateWork(actor=actor, work_id=int(request.match_info["work"]), stars=stars)
    await say_outcome(request, command)
    raise _back(request, "items")
