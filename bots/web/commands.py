"""Every command in the catalogue on the web: a list of what this person can do, a form per
command built from its options, its answer with its buttons, and those buttons pressed.

A command core carries out by itself needs no page of its own: the form and the answer are
rendered from its catalogue entry, the same entry Telegram and Discord read.
"""

from __future__ import annotations

from aiohttp import web

from bots.web.app import (
    BRAIN,
    ask_first,
    came_from,
    page_context,
    render,
    say_next,
    signed_in,
)
from core import tokens
from core.actors import Actor
from core.answers import Answer, answer
from core.catalogue import Entry, Place, find, usable
from core.catalogue.runners import changes_nothing
from core.language import N_, _

MONEY_BUTTONS = {
    "wa": N_("Approve item #{number}? The parent is paid their share."),
    "dp": N_("Decide the dispute over item #{number}: the parent is paid?"),
    "dr": N_("Decide the dispute over item #{number}: the business is refunded?"),
    "wn": N_("Cancel item #{number}? If it was paid for, the money goes back to you."),
    "jc": N_(
        "Cancel project {number}? Funded milestones not yet delivered are refunded; unfunded "
        "ones are dropped."
    ),
}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/do", signed_in(everything), name="everything")
    app.router.add_get("/do/{name}", signed_in(command_page), name="command")
    app.router.add_post("/do/{name}", signed_in(command_run))
    app.router.add_post("/press", signed_in(press), name="press")


def _on_the_web(request: web.Request) -> Entry:
    entry = find(request.match_info["name"])
    if entry is None or Place.WEB not in entry.places:
        raise web.HTTPNotFound(text="There's no such page; see Everything for what you can do.")
    return entry


async def everything(request: web.Request, actor: Actor) -> web.StreamResponse:
    """What this person can do here, as the chats' /help lists it, each a link."""
    entries = [e for e in usable(Place.WEB, *actor.roles) if e.name != "help"]
    shown = [
        {
            "name": e.name,
            "summary": e.summary,
            "address": str(
                request.app.router["command"].url_for(name=e.name)
                if e.run is not None
                else request.app.router[e.web_page or "home"].url_for()
            ),
        }
        for e in entries
    ]
    context = await page_context(request, actor) | {"entries": shown}
    return render(request, "everything.html", context)


async def command_page(request: web.Request, actor: Actor) -> web.StreamResponse:
    """The command's form; a read with nothing to ask is answered at once."""
    entry = _on_the_web(request)
    if entry.run is None:
        raise web.HTTPSeeOther(request.app.router[entry.web_page or "home"].url_for())
    answered = None
    if not entry.options and changes_nothing(entry):
        answered = await _carry_out(request, actor, entry, {})
    return await _show(request, actor, entry, {}, answered)


async def command_run(request: web.Request, actor: Actor) -> web.StreamResponse:
    """The form sent: the command carried out, and its answer shown under the form."""
    entry = _on_the_web(request)
    if entry.run is None:
        raise web.HTTPSeeOther(request.app.router[entry.web_page or "home"].url_for())
    form = await request.post()
    typed = {o.name: str(form.get(o.name, "")).strip() for o in entry.options}
    answered = await _carry_out(request, actor, entry, typed)
    return await _show(request, actor, entry, typed, answered)


async def _carry_out(
    request: web.Request, actor: Actor, entry: Entry, typed: dict[str, str]
) -> Answer:
    run = entry.run
    assert run is not None
    return await answer(
        lambda: run(request.app[BRAIN], actor, typed),
        nothing=_("Done."),
        who=f"web /{entry.name}",
    )


async def _show(
    request: web.Request,
    actor: Actor,
    entry: Entry,
    typed: dict[str, str],
    answered: Answer | None,
) -> web.StreamResponse:
    context = await page_context(request, actor)
    context |= {"entry": entry, "typed": typed, "answer": answered}
    status = 422 if answered is not None and answered.refused else 200
    return render(request, "command.html", context, status=500 if _failed(answered) else status)


def _failed(answered: Answer | None) -> bool:
    return answered is not None and answered.failed


async def press(request: web.Request, actor: Actor) -> web.StreamResponse:
    """A button from an answer: its command, or first the words it asks for."""
    form = await request.post()
    token = str(form.get("token", ""))
    words = form.get("words")
    question = MONEY_BUTTONS.get(token.split(":", 1)[0])
    if question is not None:  # money moves only after a yes
        asked = await ask_first(request, actor, _(question, number=token.split(":", 1)[-1]))
        if asked is not None:
            return asked
    need: list[tokens.NeedsText] = []

    async def pressed() -> object:
        action = tokens.read(token, actor)
        if isinstance(action, tokens.NeedsText):
            if words is None:
                need.append(action)
                return action.prompt
            return await request.app[BRAIN].handle(tokens.with_text(action, actor, str(words)))
        return await request.app[BRAIN].handle(action)

    answered = await answer(pressed, nothing=_("Done."), who="web button")
    if need:
        context = await page_context(request, actor)
        context |= {"prompt": need[0].prompt, "token": token}
        return render(request, "words.html", context)
    await say_next(request, answered.text, answered.actions)
    raise web.HTTPSeeOther(came_from(request))
