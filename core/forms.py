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
from core.notices import Action

MODAL_BOXES = 5  # Discord's most text inputs in one modal


@dataclass(frozen=True)
class FormField:
    name: str
    label: str  # beside the box on the web, above it in a Discord modal (≤ 45 characters)
    question: str  # asked in a chat, one at a time
    example: str
    long: bool = False  # a paragraph
    choices: tuple[Action, ...] = ()  # answered with a button (a chat), a list (the web)
    max_length: int = 0  # filled from the command's own limit
    skip: str = ""  # the button that leaves it as it is, where it may be left


@dataclass(frozen=True)
class Form:
    kind: str
    title: str
    fields: tuple[FormField, ...]

    def field(self, name: str) -> FormField:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def typed(self) -> tuple[FormField, ...]:
        """The fields answered in words, not by choosing."""
        return tuple(f for f in self.fields if not f.choices)

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
    "Post a piece of work",
    _limits(
        PostWork,
        FormField(
            "title",
            "Title",
            "Let's post some work. What's a short title? (e.g. Proofread our spring menu)\n"
            "Type /stop to give up.",
            "Proofread our spring menu",
        ),
        FormField(
            "description",
            "What needs doing, and what good looks like",
            "Describe the work in a few sentences: what, and what good looks like.",
            "Two pages; spelling and consistent prices",
            long=True,
        ),
        FormField(
            "skills",
            "Skills (e.g. proofreading:expert)",
            "Which skills does it need? (e.g. proofreading, or proofreading:expert)",
            "proofreading, or proofreading:expert",
        ),
        FormField(
            "budget",
            "Budget (e.g. £25)",
            "What's the budget? (e.g. £25) The parent receives it less the platform fee.",
            "£25 (the parent receives it less the fee)",
        ),
        FormField(
            "estimate",
            "Roughly how long (e.g. 45m or 2h)",
            "Roughly how long will it take? (e.g. 45m or 2h)",
            "45m or 2h",
        ),
        FormField(
            "deadline",
            "Due (e.g. tomorrow 17:00, friday 3pm)",
            "When is it due? (e.g. tomorrow 17:00, 48h or friday)",
            "tomorrow 17:00, 48h or friday",
        ),
        FormField(
            "urgency",
            "Urgent: offer it to several parents at once",
            "Is it urgent? Urgent work is offered to several parents at once.",
            "normal",
            choices=(
                Action(label="Normal", token="post:normal"),
                Action(label="Urgent", token="post:urgent"),
            ),
        ),
    ),
)

# A project: what a post asks, less the budget and the date, which each milestone has.
PROJECT = Form(
    "project",
    "Post a project in milestones",
    _limits(
        PostProject,
        FormField(
            "title",
            "Project title",
            "Let's post a project: larger work in milestones, each paid on its own. What's a "
            "short title? (e.g. Rewrite our website's copy)\nType /stop to give up.",
            "Rewrite our website's copy",
        ),
        FormField(
            "description",
            "What the project is, and what good looks like",
            "Describe the project in a few sentences: what, and what good looks like.",
            "Five pages, friendly and short; our tone guide is attached",
            long=True,
        ),
        POST.field("skills"),
        FormField(
            "estimate",
            "How long each milestone takes (e.g. 4h)",
            "Roughly how long will each milestone take? (e.g. 4h)",
            "4h",
        ),
        FormField(
            "milestones",
            "Milestones, one per line: what | amount | due",
            "Now the milestones, 2 to 10, one per line: what is delivered | amount | due. "
            "Like:\nHome page copy | £120 | friday 17:00\nAbout and team pages | £150 | "
            "in 2 weeks\nEach is paid for on its own, before work on it starts.",
            "Home page copy | £120 | friday 17:00",
            long=True,
        ),
    ),
)

PAYOUT_EXAMPLE = (
    "the account holder's name, then a sort code and account number, like: "
    "Jane Smith 11-22-33 44556677, or an IBAN, like: Jane Smith GB33 BUKB 2020 1555 5555 55"
)

PAYOUT_DETAILS = Form(
    "payoutdetails",
    "Where the moderators pay you",
    _limits(
        SetPayoutDetails,
        FormField(
            "details",
            "Name, sort code and account number, or IBAN",
            f"Where should the moderators pay you? Send {PAYOUT_EXAMPLE}. Or /cancel.",
            "Jane Smith 11-22-33 44556677",
        ),
    ),
)

# The words a pressed button needs (a change asked for, a reason, the work itself); the
# question is the button's own (core/tokens.py).
WORDS = Form(
    "words",
    "A few words first",
    (FormField("words", "Your answer", "", "", long=True, max_length=4000),),
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
        "Which timezone are you in? Tap {zone}, or type one like Europe/Dublin.",
        "Europe/London",
        skip="{zone}",
    ),
    FormField(
        "rate_floor",
        "Lowest hourly rate you'd accept",
        "What's the lowest hourly rate you'd accept? Type it like £15, or tap No minimum.",
        "£15 (empty: none)",
        skip="No minimum",
    ),
    FormField(
        "quiet_hours",
        "Quiet hours, when no offers come",
        "Any hours when you never want offers? Type them like 22:00-07:00, or tap None.",
        "22:00-07:00, or none",
        skip="None",
    ),
)

# A new member's first conversation in a chat (/start): what they can do and how well, then
# the profile's questions, each answered or skipped.
ONBOARDING = Form(
    "onboarding",
    "Welcome to Parent Brain",
    (
        FormField(
            "skills",
            "What can you do?",
            "Welcome to Parent Brain: paid work that fits around your family.\n"
            "First, what can you do? Tap everything that fits, then Done.",
            "proofreading, design",
        ),
        FormField(
            "level",
            "How experienced are you at these?",
            "How experienced are you at these?",
            "expert",
            choices=tuple(
                Action(label=name.title(), token=f"lv:{n}")
                for n, name in enumerate(LEVELS, start=1)
            ),
        ),
        FormField(
            "years",
            "Years of experience",
            "How many years of experience do you have in these? Type a number, or tap Skip.",
            "6",
            skip="Skip",
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
    "Your Parent Brain profile",
    (
        *_limits(SetSkills, FormField("skills", "What can you do?", "", "proofreading:expert")),
        TIMEZONE,
        RATE,
        QUIET,
        *_limits(UpdateProfile, FormField("bio", "A line about you", "", "", long=True)),
        FormField("max_jobs", "Jobs at once (1 to 5)", "", "1"),
    ),
)

FORMS = {form.kind: form for form in (POST, PROJECT, PAYOUT_DETAILS, WORDS, ONBOARDING)}
