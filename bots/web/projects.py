"""Projects on the web: one form for the whole project (each mistake beside its field, what
was typed kept), the list of a person's projects, and a project's page with each milestone's
state, its payment link while unfunded, and the money held, paid and still to fund."""

from __future__ import annotations

from aiohttp import web
from pydantic import ValidationError

from bots.web.app import BRAIN, page_context, render, say_next, signed_in
from bots.web.pages import mistakes, say_outcome
from core import commands as c
from core.actors import Actor
from core.errors import DomainError, explain_invalid
from core.forms import PROJECT
from core.parsing import parse_number
from core.projects.reading import my_projects, project_page


def add_routes(app: web.Application) -> None:
    app.router.add_get("/projects", signed_in(projects), name="projects")
    app.router.add_get("/projects/new", signed_in(project_form), name="project_form")
    app.router.add_post("/projects/new", signed_in(post_project))
    app.router.add_get("/projects/{project}", signed_in(project), name="project")
    app.router.add_post("/projects/{project}/cancel", signed_in(cancel_project))


async def projects(request: web.Request, actor: Actor) -> web.StreamResponse:
    async with request.app[BRAIN].uow() as uow:
        listing = await my_projects(uow, actor)
    context = await page_context(request, actor) | {"listing": listing.splitlines()}
    return render(request, "projects.html", context)


async def project_form(request: web.Request, actor: Actor) -> web.StreamResponse:
    context = await page_context(request, actor)
    context |= {"form": PROJECT, "typed": {}, "errors": {}, "action": "projects/new"}
    return render(request, "post.html", context)


async def post_project(request: web.Request, actor: Actor) -> web.StreamResponse:
    """The same checks as /postproject, each error next to its field; posted only when all
    pass."""
    form = await request.post()
    typed = {f.name: str(form.get(f.name, "")).strip() for f in PROJECT.typed}
    errors = await mistakes(
        request,
        typed,
        lambda name, value: c.CheckProjectField(actor=actor, field=name, value=value),
    )
    if not errors:
        try:
            posted = await request.app[BRAIN].handle(c.PostProject(actor=actor, **typed))
        except DomainError as err:
            errors["form"] = err.message
        except ValidationError as err:
            errors["form"] = explain_invalid(err)
        else:
            await say_next(request, posted.message, posted.actions)
            raise web.HTTPSeeOther(
                request.app.router["project"].url_for(project=str(posted.project_id))
            )
    context = await page_context(request, actor)
    context |= {"form": PROJECT, "typed": typed, "errors": errors, "action": "projects/new"}
    return render(request, "post.html", context, status=422)


def _number(request: web.Request) -> int:
    try:
        return parse_number(request.match_info["project"], "project", "/projects/3")
    except DomainError as err:
        raise web.HTTPNotFound(text=err.message) from None


async def project(request: web.Request, actor: Actor) -> web.StreamResponse:
    try:
        async with request.app[BRAIN].uow() as uow:
            page = await project_page(uow, actor, _number(request))
    except DomainError as err:
        raise web.HTTPNotFound(text=err.message) from None
    context = await page_context(request, actor) | {"project": page}
    return render(request, "project.html", context)


async def cancel_project(request: web.Request, actor: Actor) -> web.StreamResponse:
    project_id = _number(request)
    await say_outcome(request, c.CancelProject(actor=actor, project_id=project_id))
    raise web.HTTPSeeOther(request.app.router["project"].url_for(project=str(project_id)))
