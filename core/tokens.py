"""Button tokens: short pointers that both adapters turn into commands.

A token names an action and an id, nothing more; the handler re-checks who may press it
and whether it still applies, so a forged or stale token changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core import commands as c
from core.actors import Actor
from core.errors import NotFound, StaleAction
from core.files import FileRef
from core.language import N_, _
from core.parsing import LARGEST_ID

# Every kind of button, once: the chats' adapters route presses by it too.
KINDS = r"oa|od|wa|wc|wx|ws|wl|wn|pa|pr|dp|dr|bv|bx|hj|hn|jr|jc|r[1-5]|q[1-4]"
_TOKEN = re.compile(rf"({KINDS}):([0-9]{{1,12}})")
MODERATOR_KINDS = frozenset({"pa", "pr", "dp", "dr", "bv", "bx"})

TEXT_PROMPTS = {
    "wc": N_("What should the parent change? Reply with a short message."),
    "wx": N_("Why are you disputing this? Reply with a short message for the moderators."),
    "ws": N_("Send your work now: a message, a link or a file."),
    "pr": N_("Why isn't this post approved? Your words go to the business."),
    "bx": N_("Why isn't this business approved? Your words go to them."),
}


def needs_moderator(token: str) -> bool:
    """Whether the adapter must ask the platform if the presser is a moderator."""
    return token.split(":", 1)[0] in MODERATOR_KINDS


# Where a form shows the question whole (a Discord modal): its title, and its box's label.
TEXT_FORMS = {
    "wc": (N_("Request changes"), N_("What should change?")),
    "wx": (N_("Open a dispute"), N_("Why are you disputing it?")),
    "ws": (N_("Submit your work"), N_("Your work or a link")),
    "pr": (N_("Reject a post"), N_("Why isn't it approved?")),
    "bx": (N_("Reject a business"), N_("Why isn't the business approved?")),
}


@dataclass(frozen=True)
class NeedsText:
    """The button needs a few words from the person before it can become a command."""

    kind: str
    work_id: int
    prompt: str

    @property
    def title(self) -> str:
        return _(TEXT_FORMS[self.kind][0])

    @property
    def label(self) -> str:
        return _(TEXT_FORMS[self.kind][1])

    @property
    def files_allowed(self) -> bool:
        """Work may be files alone; every other answer needs words."""
        return self.kind == "ws"


def read(token: str, actor: Actor) -> c.Command | NeedsText:
    match = _TOKEN.fullmatch(token.strip())
    if not match:
        raise StaleAction(_("That button is no longer valid; type /help to see what you can do."))
    kind, number = match[1], int(match[2])
    if kind in TEXT_PROMPTS:
        if number > LARGEST_ID:
            raise NotFound(
                _("That button points at nothing here; type /help to see what you can do.")
            )
        if kind in MODERATOR_KINDS:
            actor.require_moderator()  # before asking for words that would be refused
        return NeedsText(kind, number, _(TEXT_PROMPTS[kind]))
    if kind == "oa":
        return c.AcceptOffer(actor=actor, offer_id=number)
    if kind == "od":
        return c.DeclineOffer(actor=actor, offer_id=number)
    if kind == "wa":
        return c.ApproveDelivery(actor=actor, work_id=number)
    if kind == "wl":
        return c.WidenWork(actor=actor, work_id=number)
    if kind == "wn":
        return c.CancelWork(actor=actor, work_id=number)
    if kind[0] == "q":  # a skill check's answer: option, then attempt * 100 + question
        return c.AnswerQuiz(
            actor=actor, attempt_id=number // 100, question=number % 100, option=int(kind[1])
        )
    if kind == "bv":
        return c.VerifyBusiness(actor=actor, business_id=number)
    if kind in ("hj", "hn"):
        return c.AnswerHouseholdInvite(actor=actor, invite_id=number, accept=kind == "hj")
    if kind == "pa":
        return c.ApprovePost(actor=actor, work_id=number)
    if kind == "jr":  # a project's number
        return c.ReofferProject(actor=actor, project_id=number)
    if kind == "jc":
        return c.CancelProject(actor=actor, project_id=number)
    if kind in ("dp", "dr"):
        return c.ResolveDispute(
            actor=actor, work_id=number, outcome="pay" if kind == "dp" else "refund"
        )
    return c.RateWork(actor=actor, work_id=number, stars=int(kind[1]))


def with_text(need: NeedsText, actor: Actor, text: str, files: Sequence[FileRef] = ()) -> c.Command:
    if need.kind == "wc":
        return c.RequestChanges(actor=actor, work_id=need.work_id, note=text)
    if need.kind == "wx":
        return c.OpenDispute(actor=actor, work_id=need.work_id, reason=text)
    if need.kind == "pr":
        return c.RejectPost(actor=actor, work_id=need.work_id, reason=text)
    if need.kind == "bx":  # the number is the business's here
        return c.RejectBusiness(actor=actor, business_id=need.work_id, reason=text)
    return c.SubmitDelivery(actor=actor, work_id=need.work_id, body=text, files=list(files))
