"""The command catalogue: what people can type, said once, rendered by every front end."""

from core.catalogue.lookups import find, help_text, menu, runnable, unknown_command, usable
from core.catalogue.shapes import Entry, Option, Place, Runner, Services, Typed
from core.catalogue.table import COMMANDS

__all__ = [
    "COMMANDS",
    "Entry",
    "Option",
    "Place",
    "Runner",
    "Services",
    "Typed",
    "find",
    "help_text",
    "menu",
    "runnable",
    "unknown_command",
    "usable",
]
