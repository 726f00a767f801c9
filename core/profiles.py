"""Saving the profile form (core/forms.py PROFILE): the skills, then the rest, each through
its own command, and their answers said back together."""

from __future__ import annotations

from collections.abc import Mapping

from core import commands as c
from core.actors import Actor
from core.catalogue.shapes import Services
from core.forms import PROFILE

NOTHING_TYPED = "Nothing to change: fill in what you'd like to."


async def save_profile(services: Services, actor: Actor, typed: Mapping[str, str]) -> str:
    given = {f.name: typed.get(f.name, "").strip() for f in PROFILE.fields}
    given = {name: value for name, value in given.items() if value}
    said = []
    skills = given.pop("skills", "")
    if skills:
        said.append(str(await services.handle(c.SetSkills(actor=actor, skills=skills))))
    if given:
        said.append(str(await services.handle(c.UpdateProfile(actor=actor, **given))))
    return " ".join(said) or NOTHING_TYPED
