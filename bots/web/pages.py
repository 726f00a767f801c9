"""The pages: a parent's day (availability, offers, jobs, earnings) and a business's work
(post with a form, items, a CSV statement). Each form is one core command."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from pydantic import ValidationError

from bots.web.app import BRAIN, page_context, render, say_next, signed_in, why_unreachable
from core import commands as c
from core import read_models, statements, views
from core.actors import Actor
from core.answers import Answer, answer
from core.errors import DomainError, explain_invalid
from core.forms import PAYOUT_DETAILS, POST
from core.language import _


def add_routes(app: web.Application) -> None:
    app.router.add_post("/available", signed_in(available))
    app.router.add_post("/unavailable", signed_in(unavailable))
    app.router.add_post("/offers/{offer}/{answer:accept|decline}", signed_in(answer_offer))
    app.router.add_get("/post", signed_in(post_form), name="post")
    app.router.add_post("/post", signed_in(post_work))
    app.router.add_get("/items", signed_in(items), name="items")
    app.router.add_get("/statement.csv", signed_in(statement_csv))


async def run(request: web.Request, command: c.Command) -> Answer:
    """Run one command; its answer, or the one sentence that says why not."""
    return await answer(lambda: request.app[BRAIN].handle(command), nothing=_("Done."), who="web")


async def say_outcome(request: web.Request, command: c.Command) -> None:
    """Run one command and say its answer, with its buttons, on the next page."""
    answered = await run(request, command)
    await say_next(request, answered.text, answered.actions)


def _back(request: web.Request, name: str = "home") -> web.HTTPSeeOther:
    return web.HTTPSeeOther(request.app.router[name].url_for())


async def _home(request: web.Request, actor: Actor) -> web.StreamResponse:
    brain = request.app[BRAIN]
    async with brain.uow() as uow:
        day = await views.parent_day(uow, actor)
    context = await page_context(request, actor)
    context |= {"name": day.name, "status": day.status, "offers": day.offers, "jobs": day.jobs}
    context |= {"earnings": day.earnings, "payout_details": day.payout_details}
    context |= {"by_hand": brain.gateway.confirms_by_hand, "hours": day.hours}
    context |= {"payout_form": PAYOUT_DETAILS}
    return render(request, "home.html", context)


home = signed_in(_home)


async def available(request: web.Request, actor: Actor) -> web.StreamResponse:
    form = await request.post()
    window = str(form.get("window", "")).strip()
    blocked = await why_unreachable(request)
    if blocked is not None:  # offers would go nowhere: say how to fix it, as the chats do
        await say_next(request, blocked)
        raise _back(request)
    await say_outcome(request, c.GoAvailable(actor=actor, window=window))
    raise _back(request)


async def unavailable(request: web.Request, actor: Actor) -> web.StreamResponse:
    await say_outcome(request, c.GoUnavailable(actor=actor))
    raise _back(request)


async def answer_offer(request: web.Request, actor: Actor) -> web.StreamResponse:
    """Accept or decline: core checks the offer is this person's and still open."""
    try:
        offer_id = int(request.match_info["offer"])
    except ValueError:
        raise web.HTTPNotFound() from None
    command: c.Command = (
        c.AcceptOffer(actor=actor, offer_id=offer_id)
        if request.match_info["answer"] == "accept"
        else c.DeclineOffer(actor=actor, offer_id=offer_id)
    )
    await say_outcome(request, command)
    raise _back(request)


async def post_form(request: web.Request, actor: Actor) -> web.StreamResponse:
    context = await page_context(request, actor)
    context |= {"form": POST, "typed": {}, "errors": {}}
    return render(request, "post.html", context)


async def post_work(request: web.Request, actor: Actor) -> web.StreamResponse:
    """The same checks as /post, each error next to its field; posted only when all pass."""
    form = await request.post()
    typed = {f.name: str(form.get(f.name, "")).strip() for f in POST.typed}
    errors = await mistakes(
        request, typed, lambda name, value: c.CheckPostField(actor=actor, field=name, value=value)
    )
    if not errors:
        try:
            posted = await request.app[BRAIN].handle(
                c.PostWork(actor=actor, urgent=form.get("urgent") == "on", **typed)
            )
        except DomainError as err:
            errors["form"] = err.message
        else:
            await say_next(request, posted.message, posted.actions)
            raise _back(request, "items")
    context = await page_context(request, actor)
    context |= {"form": POST, "typed": typed, "errors": errors}
    return render(request, "post.html", context, status=422)


async def mistakes(
    request: web.Request, typed: dict[str, str], check: Callable[[str, str], c.Command]
) -> dict[str, str]:
    """Each field checked as its command checks it: the sentence beside each wrong one."""
    errors: dict[str, str] = {}
    for name, value in typed.items():
        try:
            await request.app[BRAIN].handle(check(name, value or " "))
        except DomainError as err:
            errors[name] = err.message
        except ValidationError as err:
            errors[name] = explain_invalid(err)
    return errors


async def items(request: web.Request, actor: Actor) -> web.StreamResponse:
    async with request.app[BRAIN].uow() as uow:
        mine = await read_models.business_items(uow, actor)
    context = await page_context(request, actor)
    context |= {"business": mine.business_id, "items": mine.items}
    return render(request, "items.html", context)


async def statement_csv(request: web.Request, actor: Actor) -> web.StreamResponse:
    """Every movement of the business's money, from the ledger, as a spreadsheet."""
    try:
        async with request.app[BRAIN].uow() as uow:
            sheet = await statements.statement_csv(uow, actor)
    except DomainError as err:
        raise web.HTTPNotFound(text=err.message) from None
    return web.Response(
        text=sheet,
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="parentbrain-statement.csv"'},
    )
