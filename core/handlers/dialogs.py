"""Dialogs: questions a person answers one at a time, kept in the store.

Telegram asks a form (core/forms.py) step by step: a post, where the moderators pay a parent,
or the words a pressed button needs. The steps, the answers so far and the time the last
question was asked live in `dialogs`, so a restart resumes where the person was, a question
left too long is put aside with one sentence, and any adapter can drive the same steps. A
dialog's last answer becomes its command in the same transaction that ends it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from core import tokens
from core.commands import (
    AnswerDialog,
    CheckPostField,
    CheckProjectField,
    Command,
    PostProject,
    PostWork,
    SetPayoutDetails,
    StartDialog,
    StartPostDialog,
    StopDialog,
)
from core.config import Settings
from core.errors import DomainError, StaleAction, explain_invalid
from core.forms import FORMS, PAYOUT_DETAILS, PAYOUT_EXAMPLE, POST, PROJECT
from core.handlers import onboarding
from core.handlers.common import member_of
from core.handlers.work import check_post_field, post_work
from core.language import N_, _
from core.models import Dialog, PayoutDetails
from core.notices import Action
from core.ports import PaymentGateway
from core.projects.posting import check_project_field, post_project
from core.read_models import masked
from core.uow import UnitOfWork

POST_STEPS = POST.names


def post_question(step: str) -> str:
    return POST.field(step).question


def urgency_actions() -> list[Action]:
    return list(POST.field("urgency").choices)


URGENCY_ANSWERS = {"normal": False, "no": False, "urgent": True, "yes": True}
# The urgency buttons: the adapter sends the word as the answer.
NOT_POSTED = N_("Nothing was posted; type /post to start again, or /stop.")
PUT_ASIDE = {
    "post": N_(
        "Your post from earlier waited more than {minutes:g} minutes for an answer, so I "
        "put it aside and nothing was posted. Type /post to start again."
    ),
    "words": N_(
        "That question waited more than {minutes:g} minutes, so I put it aside and "
        "nothing was sent; press the button again if you still want to."
    ),
    "payoutdetails": N_(
        "That question waited more than {minutes:g} minutes, so I put it aside "
        "and saved nothing. Type /payoutdetails to give your bank details."
    ),
    "onboarding": N_(
        "That question waited more than {minutes:g} minutes, so I put it aside. "
        "Type /start to pick up again, or /profile to change anything."
    ),
    "project": N_(
        "Your project from earlier waited more than {minutes:g} minutes for an answer, "
        "so I put it aside and nothing was posted. Type /postproject to start again."
    ),
}
STOPPED = {
    "post": N_("Stopped. Nothing was posted."),
    "words": N_("OK, nothing was sent."),
    "payoutdetails": N_("OK, your payout details are unchanged."),
    "onboarding": N_("OK. Type /start any time to pick up again."),
    "project": N_("Stopped. Nothing was posted."),
}
PROJECT_STEPS = PROJECT.names
NOT_POSTED_PROJECT = N_("Nothing was posted; type /postproject to start again, or /stop.")


def no_longer_open(token: str) -> str:
    """A dialog's button pressed when nothing is waiting for it (answered, or put aside)."""
    if token.startswith("post:"):
        return _("That post is no longer open; type /post.")
    return _("That question is no longer open; type /start to begin again.")


Within = Callable[[Command, UnitOfWork], Awaitable[Any]]


@dataclass(frozen=True)
class DialogReply:
    """What to say back; `over` once the dialog has ended (posted, put aside or stopped)."""

    text: str
    actions: list[Action] = field(default_factory=list)
    over: bool = False


def question(step: str) -> DialogReply:
    return DialogReply(post_question(step), urgency_actions() if step == "urgency" else [])


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


async def start_dialog(cmd: StartDialog, uow: UnitOfWork, settings: Settings) -> DialogReply:
    """Ask a form's first question (the first conversation, bank details, a button's words),
    and keep it until it is answered."""
    member = await member_of(uow, cmd.actor)
    actions: list[Action] = []
    if cmd.form == "words":
        need = tokens.read(cmd.token, cmd.actor)
        if not isinstance(need, tokens.NeedsText):
            raise StaleAction(_("That button needs no words; press it again."))
        asked, answers = _("{prompt} (or /stop)", prompt=need.prompt), {"token": cmd.token}
    elif cmd.form == "payoutdetails":
        asked, answers = await payout_question(uow, member.id), {}
    elif cmd.form == "project":
        await check_project_field(  # may this person post here at all, before any question
            CheckProjectField(actor=cmd.actor, field="title", value="Checking"), uow, settings
        )
        asked, answers = PROJECT.fields[0].question, {}
    dialog = await uow.session.get(Dialog, member.id, with_for_update=True)
    if (
        dialog is not None
        and dialog.kind in ("post", "project")
        and not _put_aside(dialog, uow, settings)
    ):
        raise DomainError(
            _(
                "You're in the middle of a post: answer its last question, or type /stop to drop it, then try again."
            )
        )
    if dialog is None:
        dialog = Dialog(member_id=member.id, kind=cmd.form, step="", answers={}, asked_at=uow.now())
        uow.session.add(dialog)
    dialog.kind, dialog.asked_at = cmd.form, uow.now()
    if cmd.form == "onboarding":
        asked, actions = await onboarding.first_question(uow, dialog)
    else:
        dialog.answers, dialog.step = answers, FORMS[cmd.form].fields[0].name
    return DialogReply(asked, actions)


async def payout_question(uow: UnitOfWork, member_id: int) -> str:
    """What is stored (masked), and what to send."""
    stored = await uow.session.get(PayoutDetails, member_id)
    if stored is None:
        return PAYOUT_DETAILS.fields[0].question.format(example=_(PAYOUT_EXAMPLE))
    return _(
        "The moderators pay you to {holder}, {masked}. To change that, send {PAYOUT_EXAMPLE}. Or /cancel.",
        holder=stored.holder,
        masked=masked(stored.account),
        PAYOUT_EXAMPLE=_(PAYOUT_EXAMPLE),
    )


def _put_aside(dialog: Dialog, uow: UnitOfWork, settings: Settings) -> bool:
    return uow.now() - dialog.asked_at > timedelta(minutes=settings.dialog_timeout_minutes)


async def answer_dialog(
    cmd: AnswerDialog,
    uow: UnitOfWork,
    settings: Settings,
    gateway: PaymentGateway,
    within: Within,
) -> DialogReply | None:
    """Check one answer; ask again on a mistake, or ask the next question, or finish. None
    when no dialog is waiting for this person (the words were meant for nothing here)."""
    member = await member_of(uow, cmd.actor)
    dialog = await uow.session.get(Dialog, member.id, with_for_update=True)
    if dialog is None:
        return None
    if _put_aside(dialog, uow, settings):
        await uow.session.delete(dialog)
        minutes = settings.dialog_timeout_minutes
        return DialogReply(_(PUT_ASIDE[dialog.kind], minutes=minutes), over=True)
    typed = cmd.text.get_secret_value().strip()
    dialog.asked_at = uow.now()
    if dialog.kind == "onboarding":
        said, actions, over = await onboarding.answer(cmd, dialog, typed, uow, settings, within)
        return DialogReply(said, actions, over=over)
    if dialog.kind == "project":
        return await _answer_project(cmd, dialog, typed, uow, settings, gateway)
    if dialog.kind != "post":
        return await _finish_one_question(cmd, dialog, typed, uow, within)
    step = dialog.step
    if step == "urgency":
        urgent = URGENCY_ANSWERS.get(typed.lower().removeprefix("post:"))
        if urgent is None:
            return DialogReply(_("Answer normal or urgent."), urgency_actions())
        # A refusal raises, so nothing of the post is kept; the draft stays until /post or /stop.
        try:
            posted = await post_work(
                PostWork(actor=cmd.actor, urgent=urgent, **dialog.answers), uow, settings, gateway
            )
        except DomainError as err:
            raise DomainError(f"{err.message} {_(NOT_POSTED)}") from None
        except ValidationError as err:
            raise DomainError(f"{explain_invalid(err)} {_(NOT_POSTED)}") from None
        await uow.session.delete(dialog)
        return DialogReply(posted.message, posted.actions, over=True)
    try:
        understood = await check_post_field(
            CheckPostField(actor=cmd.actor, field=step, value=typed), uow, settings
        )
    except DomainError as err:
        return DialogReply(f"{err.message}\n{post_question(step)}")
    dialog.answers = {**dialog.answers, step: typed}
    dialog.step = POST_STEPS[POST_STEPS.index(step) + 1]
    next_question = question(dialog.step)
    if step in ("skills", "budget", "estimate", "deadline"):
        return DialogReply(
            _("Got it: {understood}.\n{text}", understood=understood, text=next_question.text),
            next_question.actions,
        )
    return next_question


async def _answer_project(
    cmd: AnswerDialog,
    dialog: Dialog,
    typed: str,
    uow: UnitOfWork,
    settings: Settings,
    gateway: PaymentGateway,
) -> DialogReply:
    """A project's questions, one at a time; the milestones, its last, post it."""
    step = dialog.step
    asked = PROJECT.field(step).question
    if step == "milestones":
        try:  # the lines themselves: a mistake asks them again, keeping the rest
            await check_project_field(
                CheckProjectField(actor=cmd.actor, field=step, value=typed), uow, settings
            )
        except DomainError as err:
            return DialogReply(f"{err.message}\n{asked}")
        try:
            posted = await post_project(
                PostProject(actor=cmd.actor, **dialog.answers, milestones=typed),
                uow,
                settings,
                gateway,
            )
        except DomainError as err:
            raise DomainError(f"{err.message} {_(NOT_POSTED_PROJECT)}") from None
        except ValidationError as err:
            raise DomainError(f"{explain_invalid(err)} {_(NOT_POSTED_PROJECT)}") from None
        await uow.session.delete(dialog)
        return DialogReply(posted.message, posted.actions, over=True)
    try:
        understood = await check_project_field(
            CheckProjectField(actor=cmd.actor, field=step, value=typed), uow, settings
        )
    except DomainError as err:
        return DialogReply(f"{err.message}\n{asked}")
    dialog.answers = {**dialog.answers, step: typed}
    dialog.step = PROJECT_STEPS[PROJECT_STEPS.index(step) + 1]
    following = PROJECT.field(dialog.step).question
    if step in ("skills", "estimate"):
        return DialogReply(
            _("Got it: {understood}.\n{following}", understood=understood, following=following)
        )
    return DialogReply(following)


async def _finish_one_question(
    cmd: AnswerDialog, dialog: Dialog, typed: str, uow: UnitOfWork, within: Within
) -> DialogReply:
    """The answer becomes the form's command, in this transaction; a refused answer ends
    the question with its sentence, and nothing of it is kept."""
    await uow.session.delete(dialog)
    events = len(uow.events)
    try:
        if dialog.kind == "words":
            need = tokens.read(str(dialog.answers.get("token", "")), cmd.actor)
            if not isinstance(need, tokens.NeedsText):
                raise StaleAction(_("That button needs no words; press it again."))
            command: Command = tokens.with_text(need, cmd.actor, typed, cmd.files)
        else:
            command = SetPayoutDetails(actor=cmd.actor, details=typed)
        async with uow.session.begin_nested():
            reply = await within(command, uow)
    except (DomainError, ValidationError) as err:
        del uow.events[events:]
        refused = err.message if isinstance(err, DomainError) else explain_invalid(err)
        return DialogReply(refused, over=True)
    if isinstance(reply, tuple):
        return DialogReply(str(reply[0]), list(reply[1]), over=True)
    return DialogReply(str(reply), over=True)


async def stop_dialog(cmd: StopDialog, uow: UnitOfWork) -> DialogReply | None:
    """Drop the dialog; None when there was none."""
    member = await member_of(uow, cmd.actor)
    dialog = await uow.session.get(Dialog, member.id)
    if dialog is None:
        return None
    await uow.session.delete(dialog)
    return DialogReply(_(STOPPED.get(dialog.kind, STOPPED["post"])), over=True)


async def waiting_dialog(uow: UnitOfWork, member_id: int) -> Dialog | None:
    return await uow.session.get(Dialog, member_id)
