"""Work records and credentials on the web: the parent's own record page, the public page a
shared address shows, and what verifiers fetch (keys, issuer profiles, status lists) or use
(a form that checks a credential). Every rule is core's; these only render."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bots.web.app import BRAIN, SETTINGS, page_context, render, say_next, signed_in
from core.actors import Actor
from core.answers import answer
from core.catalogue.runners import RECORD_CHOICES, record
from core.credentials import checking, keys
from core.credentials.badges import Issuer
from core.credentials.issuing import issuer, signed_status_list
from core.credentials.record import WorkRecord, work_record
from core.credentials.sharing import share_url, shared_record
from core.credentials.vcjwt import Verification
from core.credentials.words import skill_words
from core.errors import DomainError
from core.language import _

JSON_LD = "application/ld+json"
OPEN_TO_ALL = {"Access-Control-Allow-Origin": "*"}  # verifiers fetch these from anywhere


def add_routes(app: web.Application) -> None:
    app.router.add_get("/record", signed_in(my_record), name="record")
    app.router.add_post("/record", signed_in(change_record))
    app.router.add_get("/record/credentials.json", signed_in(my_bundle))
    app.router.add_get("/r/{token}", shared_page, name="shared")
    app.router.add_get("/r/{token}/record.json", shared_bundle)
    app.router.add_get("/r/{token}/credentials/{number:\\d{1,4}}.jwt", shared_credential)
    app.router.add_get("/credentials/keys.json", key_set)
    app.router.add_get("/credentials/check", check_page, name="check")
    app.router.add_post("/credentials/check", check_credential)
    app.router.add_get("/issuers/{community:\\d{1,9}}", issuer_profile)
    app.router.add_get("/issuers/{community:\\d{1,9}}/status", status_list)


async def _record_context(
    request: web.Request, record: WorkRecord, tokens: list[str]
) -> dict[str, Any]:
    brain = request.app[BRAIN]
    async with brain.uow() as uow:
        checked = await checking.check_all(uow, brain.settings, tokens)
    return {
        "record": record,
        "skill_lines": [skill_words(line).removeprefix("• ") for line in record.skills],
        "checked": checked,
    }


async def _credentials(request: web.Request, member_id: int) -> list[str]:
    async with request.app[BRAIN].uow() as uow:
        return [row.jwt for row in await checking.credentials_of(uow, member_id)]


async def my_record(request: web.Request, actor: Actor) -> web.StreamResponse:
    """The parent's own record, with what they can change: sharing and earnings."""
    async with request.app[BRAIN].uow() as uow:
        record = await work_record(uow, actor.member_id)
    context = await page_context(request, actor)
    context |= await _record_context(request, record, await _credentials(request, actor.member_id))
    if record.share_token:
        context["share_url"] = share_url(request.app[SETTINGS], record.share_token)
    return render(request, "record.html", context)


async def change_record(request: web.Request, actor: Actor) -> web.StreamResponse:
    """The page's buttons are /record share, stop and earnings on|off, as the chats type them."""
    what = str((await request.post()).get("what", ""))
    if what not in RECORD_CHOICES:
        raise DomainError(_("Choose one of the buttons on the page."))
    answered = await answer(
        lambda: record(request.app[BRAIN], actor, {"what": what}), who="web /record"
    )
    await say_next(request, answered.text)
    raise web.HTTPSeeOther(request.app.router["record"].url_for())


def _download(body: str | bytes, name: str, kind: str) -> web.Response:
    return web.Response(
        body=body,
        content_type=kind,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            **OPEN_TO_ALL,
        },
    )


async def _bundle(request: web.Request, member_id: int) -> web.Response:
    brain = request.app[BRAIN]
    async with brain.uow() as uow:
        bundle = await checking.record_bundle(uow, brain.settings, member_id)
        await uow.commit()  # the record's subject id, made the first time
    return _download(json.dumps(bundle, indent=1), "work-record.json", "application/json")


async def my_bundle(request: web.Request, actor: Actor) -> web.StreamResponse:
    return await _bundle(request, actor.member_id)


async def _shared_member(request: web.Request) -> int:
    async with request.app[BRAIN].uow() as uow:
        member_id = await shared_record(uow, request.match_info["token"])
    if member_id is None:
        raise web.HTTPNotFound(text="There is no shared record at this address (any more).")
    return member_id


async def shared_page(request: web.Request) -> web.StreamResponse:
    """The record as anyone with the address sees it: clean, printable, nothing to sign in to."""
    member_id = await _shared_member(request)
    async with request.app[BRAIN].uow() as uow:
        record = await work_record(uow, member_id)
    context = await _record_context(request, record, await _credentials(request, member_id))
    context |= {"public": True, "token": request.match_info["token"]}
    response = render(request, "record.html", context)
    response.headers["X-Robots-Tag"] = "noindex"  # shared by the parent, not published
    return response


async def shared_bundle(request: web.Request) -> web.StreamResponse:
    return await _bundle(request, await _shared_member(request))


async def shared_credential(request: web.Request) -> web.StreamResponse:
    tokens = await _credentials(request, await _shared_member(request))
    number = int(request.match_info["number"])
    if not 1 <= number <= len(tokens):
        raise web.HTTPNotFound(text="There is no such credential in this record.")
    return _download(tokens[number - 1], f"credential-{number}.jwt", "text/plain")


async def key_set(request: web.Request) -> web.StreamResponse:
    brain = request.app[BRAIN]
    async with brain.uow() as uow:
        published = await keys.key_set(uow, brain.settings)
        await uow.commit()
    return web.json_response(
        published, content_type="application/jwk-set+json", headers=OPEN_TO_ALL
    )


async def _issuer(request: web.Request) -> Issuer:
    brain = request.app[BRAIN]
    try:
        async with brain.uow() as uow:
            return await issuer(uow, brain.settings, int(request.match_info["community"]))
    except DomainError:
        raise web.HTTPNotFound(text="There is no such issuer here.") from None


async def issuer_profile(request: web.Request) -> web.StreamResponse:
    profile = (await _issuer(request)).profile(keys.keys_url(request.app[SETTINGS]))
    return web.json_response(profile, content_type=JSON_LD, headers=OPEN_TO_ALL)


async def status_list(request: web.Request) -> web.StreamResponse:
    """The community's signed revocation list (W3C Bitstring Status List), as a VC-JWT."""
    await _issuer(request)
    brain = request.app[BRAIN]
    async with brain.uow() as uow:
        signed = await signed_status_list(uow, brain.settings, int(request.match_info["community"]))
        await uow.commit()  # the signing key, made the first time
    return web.Response(text=signed, content_type="application/vc+jwt", headers=OPEN_TO_ALL)


async def check_page(request: web.Request) -> web.StreamResponse:
    return render(request, "check.html", {"keys_url": keys.keys_url(request.app[SETTINGS])})


async def check_credential(request: web.Request) -> web.StreamResponse:
    """A pasted or uploaded credential, checked like any verifier would: signature, dates and
    whether its issuer revoked it."""
    form = await request.post()
    pasted = str(form.get("credential", "") or "")
    upload = form.get("file")
    if isinstance(upload, web.FileField):
        content = upload.file.read(checking.MAX_CREDENTIAL_BYTES + 1)
        pasted = content.decode("utf-8", errors="replace") if content else pasted
    if not pasted.strip():
        result = Verification(False, _("Paste a credential, or choose its file, then press Check."))
    else:
        brain = request.app[BRAIN]
        async with brain.uow() as uow:
            result = await checking.check(uow, brain.settings, pasted)
            await uow.commit()
    context = {"keys_url": keys.keys_url(request.app[SETTINGS]), "result": result}
    return render(request, "check.html", context, status=200 if result.valid else 422)
