"""The shape of a catalogue row: one thing a person can ask for, said once for every front end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from core.actors import Actor, Role
from core.answers import Reply
from core.commands import Command
from core.config import Settings
from core.files import FileStore
from core.language import _
from core.lms.site import LearningSites
from core.uow import UnitOfWorkFactory


class Place(StrEnum):
    GROUP = "group"  # the community's Telegram group or moderators' chat, or its Discord server
    PRIVATE = "private"  # a private chat with the bot
    WEB = "web"  # the web pages and the Mini App


EVERYWHERE = frozenset(Place)
IN_THE_COMMUNITY = frozenset({Place.GROUP, Place.WEB})


class Services(Protocol):
    """What a catalogue command needs to be carried out: the bus and the store."""

    @property
    def settings(self) -> Settings: ...

    @property
    def uow(self) -> UnitOfWorkFactory: ...

    @property
    def lms(self) -> LearningSites: ...

    @property
    def files(self) -> FileStore: ...

    async def handle(self, command: Command) -> Any: ...


Typed = Mapping[str, str]  # each option's value as typed ("" when left out)
Runner = Callable[[Services, Actor, Typed], Awaitable[Reply]]


@dataclass(frozen=True)
class Option:
    """Something typed after the command's name: a Discord option, a web form field, and
    (in Telegram, in order, the last taking the rest of the line) a word typed after it."""

    name: str
    describe: str  # Discord's option description and the web field's label, ≤ 100 characters
    example: str  # what the chats' help shows for it
    required: bool = False
    choices: tuple[str, ...] = ()  # the only values it takes, offered as a list where that fits
    suggests: str | None = None  # what to suggest while typing: "skills"
    long: bool = False  # a paragraph rather than a line, on forms
    secret: bool = False  # never shown back (a password box on the web)
    max_length: int = 300  # what a form lets be typed (the command checks its own limit too)


@dataclass(frozen=True)
class Entry:
    """A command: who may use it, where, what it says about itself, and how it is carried out.

    `run` turns the options typed into a reply through core alone, so every front end can
    offer it without code of its own. Commands without one need something only a front end
    has (a file, a form, a platform user, the platform's chat) and each front end carries
    them out, named here so that menus, help and "did you mean" still know them.
    """

    name: str
    role: Role
    summary: str  # one short line: Telegram's menu, Discord's description, the web's link
    usage: str = ""  # what follows the name in the chats' help, as typed on Telegram
    options: tuple[Option, ...] = ()
    places: frozenset[Place] = EVERYWHERE
    menu: bool = False  # in Telegram's command menu
    private_answer: bool = True  # typed in a group, the answer goes by DM
    run: Runner | None = None
    web_page: str | None = None  # a page of its own on the web, by route name
    separator: str = " "  # what parts the words typed in a chat, as in "/business Name, email"
    # Said only where the platform works that way: Telegram's step-by-step questions, say.
    notes: Mapping[str, str] = field(default_factory=dict)
    # Anyone may use it, and moderators can do more with it: the front end asks the platform
    # whether the person moderates, as for a moderator's command.
    moderators_too: bool = False

    @property
    def asks_platform_about_moderators(self) -> bool:
        """Whether the front end must ask the platform if the person moderates, first."""
        return self.role is Role.MODERATOR or self.name == "help" or self.moderators_too

    def for_role(self, roles: frozenset[Role]) -> bool:
        if self.role is Role.PARENT:
            return True
        if self.role is Role.MODERATOR:
            return Role.MODERATOR in roles or Role.SYSTEM in roles
        return self.role in roles

    def help_line(self, platform: str) -> str:
        """How the chats' /help shows it: Telegram as typed, Discord by option name."""
        if platform == "discord":
            shown = " ".join(f"{o.name}:{o.example}" for o in self.options[:2])
        else:
            shown = self.usage
        note = self.notes.get(platform)
        head = f"/{self.name} {shown}".rstrip()
        return f"{head}: {_(self.summary)}" + (f" ({_(note)})" if note else "")

    def read_typed(self, text: str) -> dict[str, str]:
        """Words typed after the name in a chat, as options: one word each, in order, the
        last option taking the rest of the line."""
        values: dict[str, str] = {}
        rest = text.strip()
        for n, option in enumerate(self.options):
            if n == len(self.options) - 1:
                values[option.name] = rest
            else:
                word, _, rest = rest.partition(self.separator)
                values[option.name] = word.strip()
                rest = rest.strip()
        return values
