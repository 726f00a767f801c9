"""A parent's profile on the web: skills and level, rate, timezone, quiet hours, and a line
about them; the same commands as /profile in the chats."""

from __future__ import annotations

from aiohttp import web

from bots.web.app import BRAIN, page_context, render, say_next, signed_in
from bots.web.pages import run
from core import commands as c
from core import read_models
from core.actors import Actor

FIELDS = {
    "timezone": "Timezone (like Europe/London)",
    "rate_floor": "Lowest hourly rate you'd accept (like £15; empty for none)",
    "quiet_hours": "Quiet hours, when no offers come (like 22:00-07:00, or none)",
    "bio": "A line about you",
}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/profile", signed_in(show), name="profile")
    app.router.add_post("/profile", signed_in(change))


async def show(request: web.Request, actor: Actor) -> web.StreamResponse:
    brain = request.app[BRAIN]
    async with brain.uow() as uow:
        shown = await read_models.profile_shown(uow, actor, brain.settings.currency)
    current = {"timezone": shown.timezone, "bio": shown.bio}
    context = await page_context(request, actor)
    context |= {"summary": shown.summary, "fields": FIELDS, "current": current}
    return render(request, "profile.html", context)


async def change(request: web.Request, actor: Actor) -> web.StreamResponse:
    """Each part typed is one command; the answers are said back together."""
    form = await request.post()
    said = []
    skills = str(form.get("skills", "")).strip()
    if skills:
        said.append((await run(request, c.SetSkills(actor=actor, skills=skills))).text)
    changes = {name: str(form.get(name, "")).strip() for name in FIELDS}
    changes = {name: value for name, value in changes.items() if value}
    if changes:
        said.append((await run(request, c.UpdateProfile(actor=actor, **changes))).text)
    await say_next(request, " ".join(said) or "Nothing to change: fill in what you'd like to.")
    raise web.HTTPSeeOther(request.app.router["profile"].url_for())
