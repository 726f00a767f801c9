"""The skill taxonomy: the founding list, aliases people actually type, and "did you mean"."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.errors import DomainError
from core.language import LANGUAGES, N_, _
from core.language.catalogues import translations

# The founding text's list of work that can be done from home between school runs.
SEED_SKILLS: dict[str, tuple[str, tuple[str, ...]]] = {
    "phone_calls": (N_("Phone calls"), ("calls", "phone", "calling")),
    "emails": (N_("Emails"), ("email", "e-mail", "e-mails", "inbox")),
    "proofreading": (
        N_("Proofreading"),
        ("proof reading", "proof-reading", "proofread", "editing"),
    ),
    "consulting": (N_("Consulting"), ("consultancy", "consult")),
    "advice_requests": (N_("Advice requests"), ("advice",)),
    "content_creation": (N_("Content creation"), ("content", "copywriting", "writing", "blog")),
    "design": (N_("Design"), ("graphic design", "graphics")),
    "drawing": (N_("Drawing"), ("illustration", "sketching")),
    "support": (N_("Support"), ("customer support", "customer service", "helpdesk")),
    "software_development": (
        N_("Software development"),
        ("software", "programming", "coding", "dev", "development", "python", "web development"),
    ),
    "project_management": (N_("Project management"), ("pm", "project manager", "projects")),
    "sales_calls": (N_("Sales calls"), ("cold calls", "cold calling", "telesales")),
    "sales_emails": (N_("Sales emails"), ("cold emails", "outreach")),
    "strategy_planning": (N_("Strategy planning"), ("strategy", "planning")),
    "resourcing": (N_("Resourcing"), ("recruiting", "recruitment", "hiring")),
    "analysis": (N_("Analysis"), ("data analysis", "analytics", "spreadsheets", "excel")),
    "accountancy": (N_("Accountancy"), ("accounting", "bookkeeping", "accounts")),
    "legal_advice": (N_("Legal advice"), ("legal", "law")),
    "parenting_advice": (N_("Parenting advice"), ("parenting",)),
}

# Skills close enough that, once an item has gone unanswered for long, a parent with one may
# be asked about the other (routing widens the net this far last).
ADJACENT_PAIRS = (
    ("phone_calls", "sales_calls"),
    ("phone_calls", "support"),
    ("emails", "sales_emails"),
    ("emails", "support"),
    ("proofreading", "content_creation"),
    ("design", "drawing"),
    ("consulting", "strategy_planning"),
    ("consulting", "advice_requests"),
    ("strategy_planning", "project_management"),
    ("project_management", "resourcing"),
    ("analysis", "accountancy"),
    ("legal_advice", "advice_requests"),
    ("parenting_advice", "advice_requests"),
)


def adjacent(code: str) -> list[str]:
    """Skills next to this one, either way round."""
    return sorted(
        {b for a, b in ADJACENT_PAIRS if a == code} | {a for a, b in ADJACENT_PAIRS if b == code}
    )


LEVELS = {"beginner": 1, "intermediate": 2, "expert": 3}
LEVEL_NAMES = {v: k for k, v in LEVELS.items()}  # shown through _(): each is in the catalogues
N_("beginner"), N_("intermediate"), N_("expert")
LEVEL_ALIASES = {
    "beginner": 1,
    "novice": 1,
    "junior": 1,
    "1": 1,
    "intermediate": 2,
    "mid": 2,
    "good": 2,
    "2": 2,
    "expert": 3,
    "advanced": 3,
    "senior": 3,
    "pro": 3,
    "3": 3,
    # as a parent writing in Spanish types them
    "principiante": 1,
    "intermedio": 2,
    "intermedia": 2,
    "experto": 3,
    "experta": 3,
    "avanzado": 3,
    "avanzada": 3,
}


def normalise(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower())


@dataclass(frozen=True)
class Skill:
    code: str
    name: str
    aliases: tuple[str, ...] = ()


class SkillCatalogue:
    """Resolves what people type to skill codes, with suggestions for near misses."""

    def __init__(self, skills: Iterable[Skill]) -> None:
        self.skills: dict[str, Skill] = {s.code: s for s in skills}
        self._lookup: dict[str, str] = {}
        for skill in self.skills.values():
            # its name in every shipped language too: "corrección de textos" is proofreading
            names = [translations(lang).gettext(skill.name) for lang in LANGUAGES]
            for word in (skill.code, skill.name, *skill.aliases, *names):
                self._lookup.setdefault(normalise(word), skill.code)

    @classmethod
    def seed(cls) -> SkillCatalogue:
        return cls(Skill(code, name, aliases) for code, (name, aliases) in SEED_SKILLS.items())

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, Iterable[str]]]) -> SkillCatalogue:
        return cls(Skill(code, name, tuple(aliases)) for code, name, aliases in rows)

    def words(self) -> set[str]:
        """Every normalised name and alias that already means a skill."""
        return set(self._lookup)

    def name(self, code: str) -> str:
        """The skill's name in the reader's language (a community's own skill as it was named)."""
        skill = self.skills.get(code)
        return _(skill.name) if skill else code.replace("_", " ")

    def resolve(self, text: str) -> str:
        """One skill code for what was typed, or a DomainError with a suggestion."""
        key = normalise(text)
        if not key:
            raise DomainError(_("Please name a skill, for example: proofreading."))
        if key in self._lookup:
            return self._lookup[key]
        close = difflib.get_close_matches(key, list(self._lookup), n=1, cutoff=0.75)
        if close:
            suggestion = self.name(self._lookup[close[0]]).lower()
            raise DomainError(
                _(
                    'I don\'t know the skill "{text}". Did you mean "{suggestion}"?',
                    text=text.strip(),
                    suggestion=suggestion,
                )
            )
        raise DomainError(
            _('I don\'t know the skill "{text}". Type /skills to see the list.', text=text.strip())
        )

    def resolve_many(self, text: str) -> list[str]:
        """Comma- or 'and'-separated skill names to codes, in order, without repeats."""
        parts = [p for p in re.split(r",|;|\band\b|&", text) if p.strip()]
        codes: list[str] = []
        for part in parts:
            code = self.resolve(part)
            if code not in codes:
                codes.append(code)
        return codes

    def resolve_levelled(self, text: str, default_level: int = 2) -> dict[str, int]:
        """'proofreading:expert, design' to {code: level}; a missing level means intermediate."""
        levelled: dict[str, int] = {}
        for part in (p for p in re.split(r",|;", text) if p.strip()):
            name, _sep, level_text = part.partition(":")
            level = default_level
            if level_text.strip():
                found = LEVEL_ALIASES.get(level_text.strip().lower())
                if found is None:
                    raise DomainError(
                        _(
                            '"{level_text}" isn\'t a level; use beginner, intermediate or expert.',
                            level_text=level_text.strip(),
                        )
                    )
                level = found
            levelled[self.resolve(name)] = level
        if not levelled:
            raise DomainError(
                _("Please list at least one skill, for example: proofreading:expert.")
            )
        return levelled

    def resolve_levelled_min(self, text: str) -> dict[str, int]:
        """Skills a work item needs; a missing level means anyone with the skill will do."""
        return self.resolve_levelled(text, default_level=1)

    def listing(self) -> str:
        return ", ".join(s.name.lower() for s in sorted(self.skills.values(), key=lambda s: s.name))


def describe(levels: Mapping[str, int], catalogue: SkillCatalogue) -> str:
    return ", ".join(
        f"{catalogue.name(c).lower()} ({_(LEVEL_NAMES[lv])})" for c, lv in levels.items()
    )
