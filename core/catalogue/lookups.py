"""What the front ends read from the catalogue: /help, the menus, a mistyped command's answer."""

from __future__ import annotations

import difflib

from core.actors import Actor, Role
from core.catalogue import table
from core.catalogue.shapes import Entry, Place
from core.language import N_, _

HEADINGS = {
    Role.PARENT: N_("What you can type:"),
    Role.BUSINESS: N_("For businesses:"),
    Role.MODERATOR: N_("For moderators:"),
}


def all_commands() -> tuple[Entry, ...]:
    """Every command, in help's order: read each time, so nothing holds a stale copy."""
    return table.COMMANDS


def find(name: str) -> Entry | None:
    wanted = name.lower()
    return next((entry for entry in table.COMMANDS if entry.name == wanted), None)


def usable(place: Place, *roles: Role) -> list[Entry]:
    """The commands people with these roles can use in this place, in help's order."""
    return [e for e in all_commands() if place in e.places and e.role in roles]


def runnable(place: Place) -> list[Entry]:
    """The commands core carries out by itself, so a front end needs no code of its own."""
    return [e for e in all_commands() if place in e.places and e.run is not None]


def help_text(actor: Actor) -> str:
    """Every command this person may type, by role, as their platform shows them."""
    parts = []
    for role, heading in HEADINGS.items():
        entries = [e for e in all_commands() if e.role is role and e.for_role(actor.roles)]
        entries = [e for e in entries if e.name != "help" and not e.places <= {Place.WEB}]
        if entries:
            lines = [e.help_line(actor.platform) for e in entries]
            parts.append("\n".join([_(heading), *lines]))
    return "\n\n".join(parts)


def unknown_command(typed: str, extra: frozenset[str] = frozenset()) -> str:
    """One sentence for a command nobody here knows, with the closest ones that exist."""
    name = typed.lstrip("/").split("@", 1)[0].lower()[:40]
    known = sorted({*(e.name for e in all_commands()), *extra})
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if close:
        options = _(" or ").join(f"/{c}" for c in close)
        return _(
            "There's no /{name} here. Did you mean {options}? /help lists everything.",
            name=name,
            options=options,
        )
    return _("There's no /{name} here. Type /help to see what you can type.", name=name)


def menu(place: Place, *roles: Role) -> list[tuple[str, str]]:
    """(name, summary) for a command menu: the ones marked for it, and every moderators'
    command for moderators, whose chat is for them."""
    entries = [e for e in usable(place, *roles) if e.menu or e.role is Role.MODERATOR]
    return [(e.name, _(e.summary)) for e in entries]
