"""A new member's first conversation (core/forms.py ONBOARDING), kept in the store: skills
picked with buttons, their level, then the profile questions, each answered or skipped.
Each answer is saved as it comes, through the command the profile itself uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError

from core.commands import AnswerDialog, Command, SetSkills, UpdateProfile
from core.config import Settings
from core.errors import DomainError, explain_invalid
from core.forms import ONBOARDING, SKIP
from core.handlers.common import catalogue
from core.language import N_, _
from core.models import Dialog
from core.notices import Action
from core.parsing import parse_whole_number
from core.uow import UnitOfWork

Within = Callable[[Command, UnitOfWork], Awaitable[Any]]
ALL_SET = N_(
    "All set! Type /available 2h whenever you're free and offers will come here.\n"
    "/profile changes any of this; /help lists everything."
)
PROFILE_STEPS = tuple(f.name for f in ONBOARDING.fields[2:])  # years, then the profile's own


async def first_question(uow: UnitOfWork, dialog: Dialog) -> tuple[str, list[Action]]:
    dialog.step, dialog.answers = "skills", {"skills": []}
    return ONBOARDING.field("skills").question, await skill_buttons(uow, [])


async def skill_buttons(uow: UnitOfWork, chosen: list[str]) -> list[Action]:
    """Every skill, the chosen ones ticked, then Done."""
    skills = await catalogue(uow)
    named = sorted(((skills.name(code), code) for code in skills.skills), key=lambda nc: nc[0])
    buttons = [
        Action(label=("✓ " if code in chosen else "") + name, token=f"sk:{code}")
        for name, code in named
    ]
    return [*buttons, Action(label=_("Done"), token="sk:done")]


def profile_question(step: str, settings: Settings) -> tuple[str, list[Action]]:
    field = ONBOARDING.field(step)
    zone = settings.default_timezone
    skip = Action(label=field.skip.format(zone=zone), token=SKIP)
    return field.question.format(zone=zone), [skip]


async def answer(
    cmd: AnswerDialog,
    dialog: Dialog,
    typed: str,
    uow: UnitOfWork,
    settings: Settings,
    within: Within,
) -> tuple[str, list[Action], bool]:
    """(what to say, its buttons, whether the conversation is over)."""
    chosen: list[str] = list(dialog.answers.get("skills", []))
    if dialog.step == "skills":
        return await _pick(dialog, typed, chosen, uow)
    if dialog.step == "level":
        levels = {choice.token: n for n, choice in enumerate(ONBOARDING.field("level").choices, 1)}
        level = levels.get(typed)
        if level is None:
            return _("Tap how experienced you are."), list(ONBOARDING.field("level").choices), False
        skills = ", ".join(f"{code}:{level}" for code in chosen)
        saved = str(await within(SetSkills(actor=cmd.actor, skills=skills), uow))
        dialog.answers, dialog.step = {"skills": chosen, "levelled": skills}, PROFILE_STEPS[0]
        question, skip = profile_question(dialog.step, settings)
        return f"{saved.split('.')[0]}.\n{question}", skip, False
    step = dialog.step
    if typed != SKIP:
        try:
            command = _profile_command(cmd, step, typed, str(dialog.answers.get("levelled", "")))
            async with uow.session.begin_nested():
                await within(command, uow)
        except (DomainError, ValidationError) as err:
            said = err.message if isinstance(err, DomainError) else explain_invalid(err)
            return said, profile_question(step, settings)[1], False
    if step == PROFILE_STEPS[-1]:
        await uow.session.delete(dialog)
        return _(ALL_SET), [], True
    dialog.step = PROFILE_STEPS[PROFILE_STEPS.index(step) + 1]
    question, skip = profile_question(dialog.step, settings)
    return question, skip, False


async def _pick(
    dialog: Dialog, typed: str, chosen: list[str], uow: UnitOfWork
) -> tuple[str, list[Action], bool]:
    question = ONBOARDING.field("skills").question
    code = typed.removeprefix("sk:") if typed.startswith("sk:") else None
    if code == "done":
        if not chosen:
            return (
                _("Pick at least one skill first, then tap Done."),
                await skill_buttons(uow, chosen),
                False,
            )
        dialog.step = "level"
        level = ONBOARDING.field("level")
        return level.question, list(level.choices), False
    if code is None or code not in (await catalogue(uow)).skills:
        return _("Tap the skills that fit, then Done."), await skill_buttons(uow, chosen), False
    chosen = [c for c in chosen if c != code] if code in chosen else [*chosen, code]
    dialog.answers = {**dialog.answers, "skills": chosen}
    return question, await skill_buttons(uow, chosen), False


def _profile_command(cmd: AnswerDialog, step: str, typed: str, levelled: str) -> Command:
    if step == "years":
        years = parse_whole_number(typed, 0, 80, _("Type a number of years, like 5, or tap Skip."))
        return SetSkills(actor=cmd.actor, skills=levelled, years=min(years, 60))
    return UpdateProfile(actor=cmd.actor, **{step: typed})  # the profile's own field
