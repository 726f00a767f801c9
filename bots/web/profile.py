"""A parent's profile on the web: skills and level, rate, timezone, quiet hours, and a line
about them; the same commands as /profile in the chats."""

from __future__ import annotations

from aiohttp import web

from bots.web.app import BRAIN, page_context, render, say_next, signed_in
from core import views
from core.actors import Actor
from core.answers import answer
from core.forms import PROFILE
from core.lms.linking import linked_courses
from core.profiles import save_profile


def add_routes(app: web.Application) -> None:
    app.router.add_get("/profile", signed_in(show), name="profile")
    app.router.add_post("/profile", signed_in(change))


async def show(request: web.Request, actor: Actor) -> web.StreamResponse:
    brain = request.app[BRAIN]
    async with brain.uow() as uow:
        shown = await views.profile_shown(uow, actor, brain.settings.currency)
        learning = await linked_courses(uow, actor.member_id)
    context = await page_context(request, actor)
    context |= {"summary": shown.summary, "form": PROFILE, "current": shown.saved}
    context |= {"learning": learning}
    return render(request, "profile.html", context)


async def change(request: web.Request, actor: Actor) -> web.StreamResponse:
    """What was typed, saved as the chats save it; the answers said back together."""
    form = await request.post()
    typed = {f.name: str(form.get(f.name, "")) for f in PROFILE.fields}
    brain = request.app[BRAIN]

    async def save() -> str:
        async with brain.uow() as uow:  # the form showed what was saved: change only that
            shown = await views.profile_shown(uow, actor, brain.settings.currency)
        return await save_profile(brain, actor, typed, shown.saved)

    answered = await answer(save, who="web")
    await say_next(request, answered.text)
    raise web.HTTPSeeOther(request.app.router["profile"].url_for())
