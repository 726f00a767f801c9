"""Saving the profile form (core/forms.py PROFILE): the skills, then the rest, each through
its own command, and their answers said back together."""

from __future__ import annotations

from collections.abc import Mapping

from core import commands as c
from core.actors import Actor
from core.catalogue.shapes import Services
from core.forms import PROFILE
from core.language import N_, _

NOTHING_TYPED = N_("Nothing to change: fill in what you'd like to.")


# What an emptied field means, where a field can be emptied: no minimum, no quiet hours, no bio.
CLEARED = {"rate_floor": "none", "quiet_hours": "none", "bio": ""}


async def save_profile(
    services: Services,
    actor: Actor,
    typed: Mapping[str, str],
    saved: Mapping[str, str] | None = None,
) -> str:
    """Save what was typed. Given what is `saved` now (a form shown filled in), only what
    changed is saved, and a field emptied is cleared."""
    given: dict[str, str | None] = {}
    for field in PROFILE.fields:
        value = typed.get(field.name, "").strip()
        if saved is not None and value == saved.get(field.name, "").strip():
            continue  # unchanged
        if value:
            given[field.name] = value
        elif saved is not None and saved.get(field.name) and field.name in CLEARED:
            given[field.name] = CLEARED[field.name]
    said = []
    skills = given.pop("skills", None)
    if skills:
        said.append(str(await services.handle(c.SetSkills(actor=actor, skills=skills))))
    if given:
        said.append(str(await services.handle(c.UpdateProfile(actor=actor, **given))))
    return " ".join(said) or _(NOTHING_TYPED)
