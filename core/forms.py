"""Forms declared once: each field's name, label, question, example and limits.

Telegram asks a form one question at a time (a stored dialog, core/handlers/dialogs.py);
Discord shows the text fields in a modal, up to its five boxes, and takes the rest as the
command's options; the web shows every field in one form, each mistake beside its field.
Limits are read from the command the form becomes, so they are written once, there.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from core.commands import PostProject, PostWork, SetPayoutDetails, SetSkills, UpdateProfile
from core.language import N_, _
from core.notices import Action

MODAL_BOXES = 5  # Discord's most text inputs in one modal


@dataclass(frozen=True)
class FormField:
    """A field's words are kept in English, as written here, and read in the language of
    whoever is shown the form (`label`, `question`, `example`, `skip`, `choices`)."""

    name: str
    english_label: str  # beside the box on the web, above it in a Discord modal (≤ 45)
    english_question: str  # asked in a chat, one at a time
    english_example: str
    long: bool = False  # a paragraph
    english_choices: tuple[Action, ...] = ()  # answered with a button (a chat), a list (web)
    max_length: int = 0  # filled from the command's own limit
    english_skip: str = ""  # the button that leaves it as it is, where it may be left

    @property
    def label(self) -> str:
        return _(self.english_label)

    @property
    def question(self) -> str:
        return _(self.english_question)

    @property
    def example(self) -> str:
        return _(self.english_example) if self.english_example else ""

    @property
    def skip(self) -> str:
        return _(self.english_skip) if self.english_skip else ""

    @property
    def choices(self) -> tuple[Action, ...]:
        return tuple(
            choice.model_copy(update={"label": _(choice.label)}) for choice in self.english_choices
        )


@dataclass(frozen=True)
class Form:
    kind: str
    english_title: str
    fields: tuple[FormField, ...]

    @property
    def title(self) -> str:
        return _(self.english_title)

    def field(self, name: str) -> FormField:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def typed(self) -> tuple[FormField, ...]:
        """The fields answered in words, not by choosing."""
        return tuple(f for f in self.fields if not f.english_choices)

    def in_a_modal(self) -> tuple[FormField, ...]:
        """What a Discord modal holds; the rest are the command's options."""
        return self.typed[:MODAL_BOXES]

    def as_options(self) -> tuple[FormField, ...]:
        boxed = set(self.in_a_modal())
        return tuple(f for f in self.fields if f not in boxed)


def _limits(model: type[BaseModel], *fields: FormField) -> tuple[FormField, ...]:
    """Each field's max_length, as the command checks it."""

    def longest(info: FieldInfo) -> int:
        return next((m.max_length for m in info.metadata if hasattr(m, "max_length")), 0)

    return tuple(
        FormField(**{**f.__dict__, "max_length": longest(model.model_fields[f.name])})
        if f.name in model.model_fields
        else f
        for f in fields
    )


POST = Form(
    "post",
    N_("Post a piece of work"),
    _limits(
        PostWork,
        FormField(
            "title",
            "Title",
            N_(
                "Let's post some work. What's a short title? (e.g. Proofread our spring menu)\n"
                "Type /stop to give up."
            ),
            N_("Proofread our spring menu"),
        ),
        FormField(
            "description",
            N_("What needs doing, and what good looks like"),
            N_("Describe the work in a few sentences: what, and what good looks like."),
            N_("Two pages; spelling and consistent prices"),
            long=True,
        ),
        FormField(
            "skills",
            N_("Skills (e.g. proofreading:expert)"),
            N_("Which skills does it need? (e.g. proofreading, or proofreading:expert)"),
            N_("proofreading, or proofreading:expert"),
        ),
        FormField(
            "budget",
            "Budget (e.g. £25)",
            N_("What's the budget? (e.g. £25) The parent receives it less the platform fee."),
            N_("£25 (the parent receives it less the fee)"),
        ),
        FormField(
            "estimate",
            N_("Roughly how long (e.g. 45m or 2h)"),
            N_("Roughly how long will it take? (e.g. 45m or 2h)"),
            "45m or 2h",
        ),
        FormField(
            "deadline",
            "Due (e.g. tomorrow 17:00, friday 3pm)",
            N_("When is it due? (e.g. tomorrow 17:00, 48h or friday)"),
            N_("tomorrow 17:00, 48h or friday"),
        ),
        FormField(
            "urgency",
            N_("Urgent: offer it to several parents at once"),
            N_("Is it urgent? Urgent work is offered to several parents at once."),
            "normal",
            english_choices=(
                Action(label=N_("Normal"), token="post:normal"),
                Action(label=N_("Urgent"), token="post:urgent"),
            ),
        ),
    ),
)

# A project: what a post asks, less the budget and the date, which each milestone has.
PROJECT = Form(
    "project",
    N_("Post a project in milestones"),
    _limits(
        PostProject,
        FormField(
            "title",
            N_("Project title"),
            N_(
                "Let's post a project: larger work in milestones, each paid on its own. What's a "
                "short title? (e.g. Rewrite our website's copy)\nType /stop to give up."
            ),
            N_("Rewrite our website's copy"),
        ),
        FormField(
            "description",
            N_("What the project is, and what good looks like"),
            N_("Describe the project in a few sentences: what, and what good looks like."),
            N_("Five pages, friendly and short; our tone guide is attached"),
            long=True,
        ),
        POST.field("skills"),
        FormField(
            "estimate",
            N_("How long each milestone takes (e.g. 4h)"),
            N_("Roughly how long will each milestone take? (e.g. 4h)"),
            "4h",
        ),
        FormField(
            "milestones",
            N_("Milestones, one per line: what | amount | due"),
            N_(
                "Now the milestones, 2 to 10, one per line: what is delivered | amount | due. "
                "Like:\nHome page copy | £120 | friday 17:00\nAbout and team pages | £150 | "
                "in 2 weeks\nEach is paid for on its own, before work on it starts."
            ),
            N_("Home page copy | £120 | friday 17:00"),
            long=True,
        ),
    ),
)

PAYOUT_EXAMPLE = N_(
    "the account holder's name, then a sort code and account number, like: "
    "Jane Smith 11-22-33 44556677, or an IBAN, like: Jane Smith GB33 BUKB 2020 1555 5555 55"
)

PAYOUT_DETAILS = Form(
    "payoutdetails",
    N_("Where the moderators pay you"),
    _limits(
        SetPayoutDetails,
        FormField(
            "details",
            N_("Name, sort code and account number, or IBAN"),
            N_("Where should the moderators pay you? Send {example}. Or /cancel."),
            N_("Jane Smith 11-22-33 44556677"),
        ),
    ),
)

# The words a pressed button needs (a change asked for, a reason, the work itself); the
# question is the button's own (core/tokens.py).
WORDS = Form(
    "words",
    N_("A few words first"),
    (FormField("words", N_("Your answer"), "", "", long=True, max_length=4000),),
)

SKIP = "step:skip"  # the token of every field's skip button
LEVELS = ("beginner", "intermediate", "expert")

# The profile's fields, each with the question a chat asks for it and the button that skips
# it there: the profile form shows them all at once, the first conversation one at a time.
TIMEZONE, RATE, QUIET = _limits(
    UpdateProfile,
    FormField(
        "timezone",
        "Timezone",
        N_("Which timezone are you in? Tap {zone}, or type one like Europe/Dublin."),
        "Europe/London",
        english_skip="{zone}",
    ),
    FormField(
        "rate_floor",
        N_("Lowest hourly rate you'd accept"),
        N_("What's the lowest hourly rate you'd accept? Type it like £15, or tap No minimum."),
        N_("£15 (empty: none)"),
        english_skip=N_("No minimum"),
    ),
    FormField(
        "quiet_hours",
        N_("Quiet hours, when no offers come"),
        N_("Any hours when you never want offers? Type them like 22:00-07:00, or tap None."),
        N_("22:00-07:00, or none"),
        english_skip=N_("None"),
    ),
)

# A new member's first conversation in a chat (/start): what they can do and how well, then
# the profile's questions, each answered or skipped.
ONBOARDING = Form(
    "onboarding",
    N_("Welcome to Parent Brain"),
    (
        FormField(
            "skills",
            N_("What can you do?"),
            N_(
                "Welcome to Parent Brain: paid work that fits around your family.\n"
                "First, what can you do? Tap everything that fits, then Done."
            ),
            N_("proofreading, design"),
        ),
        FormField(
            "level",
            N_("How experienced are you at these?"),
            N_("How experienced are you at these?"),
            "expert",
            english_choices=(
                Action(label=N_("Beginner"), token="lv:1"),
                Action(label=N_("Intermediate"), token="lv:2"),
                Action(label=N_("Expert"), token="lv:3"),
            ),
        ),
        FormField(
            "years",
            N_("Years of experience"),
            N_("How many years of experience do you have in these? Type a number, or tap Skip."),
            "6",
            english_skip=N_("Skip"),
        ),
        TIMEZONE,
        RATE,
        QUIET,
    ),
)

# A parent's profile all at once (the web's page, Discord's /profile form): every field may
# be left empty, and what is typed is saved by save_profile (core/profiles.py).
PROFILE = Form(
    "profile",
    N_("Your Parent Brain profile"),
    (
        *_limits(
            SetSkills, FormField("skills", N_("What can you do?"), "", N_("proofreading:expert"))
        ),
        TIMEZONE,
        RATE,
        QUIET,
        *_limits(UpdateProfile, FormField("bio", N_("A line about you"), "", "", long=True)),
        FormField("max_jobs", N_("Jobs at once (1 to 5)"), "", "1"),
    ),
)

FORMS = {form.kind: form for form in (POST, PROJECT, PAYOUT_DETAILS, WORDS, ONBOARDING)}
