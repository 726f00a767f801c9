"""Dialogs: questions a person answers one at a time, kept in the store.

Telegram asks for a post step by step in a DM; the steps, the draft and the time the last
question was asked live in `dialogs`, so a restart resumes where the person was, a question
left too long is put aside with one sentence, and any adapter can drive the same steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from pydantic import ValidationError

from core.commands import AnswerDialog, CheckPostField, PostWork, StartPostDialog, StopDialog
from core.config import Settings
from core.errors import DomainError, explain_invalid
from core.forms import POST
from core.handlers.common import member_of
from core.handlers.work import check_post_field, post_work
from core.models import Dialog
from core.notices import Action
from core.ports import PaymentGateway
from core.uow import UnitOfWork

POST_STEPS = POST.names
QUESTIONS = {field.name: field.question for field in POST.fields}
URGENCY_ANSWERS = {"normal": False, "no": False, "urgent": True, "yes": True}
# The urgency buttons: the adapter sends the word as the answer.
URGENCY_ACTIONS = list(POST.field("urgency").choices)
NOT_POSTED = "Nothing was posted; type /post to start again, or /stop."
PUT_ASIDE = (
    "Your post from earlier waited more than {minutes:g} minutes for an answer, so I put it "
    "aside and nothing was posted. Type /post to start again."
)


@dataclass(frozen=True)
class DialogReply:
    """What to say back; `over` once the dialog has ended (posted, put aside or stopped)."""

    text: str
    actions: list[Action] = field(default_factory=list)
    over: bool = False


def question(step: str) -> DialogReply:
    return DialogReply(QUESTIONS[step], URGENCY_ACTIONS if step == "urgency" else [])


async def start_post_dialog(
    cmd: StartPostDialog, uow: UnitOfWork, settings: Settings
) -> DialogReply:
    """Ask the first question, after checking this person may post at all."""
    await check_post_field(
        CheckPostField(actor=cmd.actor, field="title", value="Checking"), uow, settings
    )
    member = await member_of(uow, cmd.actor)
    dialog = await uow.session.get(Dialog, member.id)
    if dialog is None:
        dialog = Dialog(
            member_id=member.id, kind="post", step="title", answers={}, asked_at=uow.now()
        )
        uow.session.add(dialog)
    dialog.kind, dialog.step, dialog.answers, dialog.asked_at = "post", "title", {}, uow.now()
    return question("title")


async def answer_dialog(
    cmd: AnswerDialog, uow: UnitOfWork, settings: Settings, gateway: PaymentGateway
) -> DialogReply | None:
    """Check one answer; ask again on a mistake, or ask the next question, or post. None when
    no dialog is waiting for this person (the words were meant for nothing here)."""
    member = await member_of(uow, cmd.actor)
    dialog = await uow.session.get(Dialog, member.id, with_for_update=True)
    if dialog is None:
        return None
    if uow.now() - dialog.asked_at > timedelta(minutes=settings.dialog_timeout_minutes):
        await uow.session.delete(dialog)
        return DialogReply(PUT_ASIDE.format(minutes=settings.dialog_timeout_minutes), over=True)
    step, typed = dialog.step, cmd.text.strip()
    dialog.asked_at = uow.now()
    if step == "urgency":
        urgent = URGENCY_ANSWERS.get(typed.lower())
        if urgent is None:
            return DialogReply("Answer normal or urgent.", URGENCY_ACTIONS)
        # A refusal raises, so nothing of the post is kept; the draft stays until /post or /stop.
        try:
            posted = await post_work(
                PostWork(actor=cmd.actor, urgent=urgent, **dialog.answers), uow, settings, gateway
            )
        except DomainError as err:
            raise DomainError(f"{err.message} {NOT_POSTED}") from None
        except ValidationError as err:
            raise DomainError(f"{explain_invalid(err)} {NOT_POSTED}") from None
        await uow.session.delete(dialog)
        return DialogReply(posted.message, posted.actions, over=True)
    try:
        understood = await check_post_field(
            CheckPostField(actor=cmd.actor, field=step, value=typed), uow, settings
        )
    except DomainError as err:
        return DialogReply(f"{err.message}\n{QUESTIONS[step]}")
    dialog.answers = {**dialog.answers, step: typed}
    dialog.step = POST_STEPS[POST_STEPS.index(step) + 1]
    next_question = question(dialog.step)
    if step in ("skills", "budget", "estimate", "deadline"):
        return DialogReply(f"Got it: {understood}.\n{next_question.text}", next_question.actions)
    return next_question


async def stop_dialog(cmd: StopDialog, uow: UnitOfWork) -> DialogReply | None:
    """Drop the dialog; None when there was none."""
    member = await member_of(uow, cmd.actor)
    dialog = await uow.session.get(Dialog, member.id)
    if dialog is None:
        return None
    await uow.session.delete(dialog)
    return DialogReply("Stopped. Nothing was posted.", over=True)


async def waiting_dialog(uow: UnitOfWork, member_id: int) -> Dialog | None:
    return await uow.session.get(Dialog, member_id)
