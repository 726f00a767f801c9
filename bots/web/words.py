"""Core's sentences, as the web shows them: a command a sentence mentions ("type /unavailable
to stop") becomes a link to where the page does it ("use /unavailable to stop", linked), from
the catalogue; everything else is escaped as usual."""

from __future__ import annotations

import re
from collections.abc import Mapping

from aiohttp import web
from markupsafe import Markup, escape

from core.catalogue import Place, all_commands

# "/name" not inside an address (https://site/name) or a path; "type" or "tap" before it.
MENTION = re.compile(r"(?:\b(?P<verb>[Tt]ype|[Tt]ap) )?(?<![\w/.:])/(?P<name>[a-z]{2,20})\b")


def addresses(router: web.UrlDispatcher) -> dict[str, str]:
    """Where each command the web offers is done: its form, or the page it lives on."""
    found = {}
    for entry in all_commands():
        if Place.WEB not in entry.places:
            continue
        if entry.run is not None:
            found[entry.name] = str(router["command"].url_for(name=entry.name))
        else:
            found[entry.name] = str(router[entry.web_page or "home"].url_for())
    return found


def speak_web(text: str, where: Mapping[str, str]) -> Markup:
    parts: list[str] = []
    last = 0
    for mention in MENTION.finditer(text):
        address = where.get(mention["name"])
        if address is None:
            continue  # a chat-only command stays as words
        parts.append(escape(text[last : mention.start()]))
        verb = mention["verb"]
        if verb:
            parts.append("Use " if verb[0].isupper() else "use ")
        parts.append(Markup('<a href="{}">/{}</a>').format(address, mention["name"]))
        last = mention.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
