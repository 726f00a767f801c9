"""Skill checks: /learn lists them, /quiz <skill> runs one in the DM with buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bots.telegram.common import Reply, brain, respond, text_after_command
from core import commands as c
from core import skill_checks
from core.actors import Actor


async def learn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The skill checks there are, with their courses: /learn [skill]."""
    skill = text_after_command(update, context)

    async def act(actor: Actor) -> Reply:
        app = brain(context)
        async with app.uow() as uow:
            return await skill_checks.learn(uow, app.settings, skill, actor.community_id)

    await respond(update, context, act)


async def quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take a skill check: /quiz proofreading."""
    skill = text_after_command(update, context).strip()

    async def act(actor: Actor) -> Reply:
        if not skill:
            return "Which skill? For example: /quiz proofreading. /learn lists the checks."
        reply: Reply = await brain(context).handle(c.StartQuiz(actor=actor, skill=skill))
        return reply

    await respond(update, context, act)
