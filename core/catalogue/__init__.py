"""The command catalogue: what people can type, said once, rendered by every front end."""

from core.catalogue.lookups import (
    all_commands,
    find,
    help_text,
    menu,
    runnable,
    unknown_command,
    usable,
)
from core.catalogue.shapes import Entry, Option, Place, Runner, Services, Typed

__all__ = [
    "Entry",
    "Option",
    "Place",
    "Runner",
    "Services",
    "Typed",
    "all_commands",
    "find",
    "help_text",
    "menu",
    "runnable",
    "unknown_command",
    "usable",
]
