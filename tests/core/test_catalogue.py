"""The command catalogue: help, mistyped commands and the words typed after a name, read from
one table, and rows every platform can take."""

from __future__ import annotations

import re

from core.actors import Actor, Role
from core.catalogue import Place, all_commands, find, help_text, menu, unknown_command

PARENT = Actor(member_id=1, platform="telegram")
MODERATOR = Actor(member_id=2, platform="telegram", roles=frozenset({Role.PARENT, Role.MODERATOR}))


def test_help_lists_what_each_person_may_type_as_their_platform_shows_it() -> None:
    parents = help_text(PARENT)
    assert "/available [2h | until 15:00 | tonight] [for proofreading]:" in parents
    assert "/why <offer#>: why an offer came to you" in parents
    assert "For moderators:" not in parents and "/funded" not in parents
    assert "/myitems" not in parents  # a business's, once they have registered one

    assert "For moderators:\n/funded <item#> [reference]" in help_text(MODERATOR)
    business = PARENT.model_copy(update={"roles": frozenset({Role.PARENT, Role.BUSINESS})})
    assert "For businesses:\n/post: post a piece of paid work (you'll be asked step by step" in (
        help_text(business)
    )

    discord = help_text(PARENT.model_copy(update={"platform": "discord"}))
    assert "/available when:2h skills:proofreading:" in discord
    assert "/submit item:12 work:<your work or a link>: deliver your work (or attach a file)" in (
        discord
    )
    assert "step by step" not in discord and "reply to a message" not in discord


def test_a_mistyped_command_is_answered_with_the_nearest_ones() -> None:
    assert unknown_command("/avalable") == (
        "There's no /avalable here. Did you mean /available or /unavailable? /help lists everything."
    )
    assert "/start" in unknown_command("/strat", frozenset({"start"}))  # Telegram's own
    assert unknown_command("/zzzz") == "There's no /zzzz here. Type /help to see what you can type."


def test_words_after_a_name_become_its_options() -> None:
    funded, business, why = find("funded"), find("business"), find("why")
    assert funded and business and why
    assert funded.read_typed("12 bank ref 0302") == {"item": "12", "reference": "bank ref 0302"}
    assert funded.read_typed("") == {"item": "", "reference": ""}
    assert business.read_typed("Bloom Bakery, mel@bloom.example") == {
        "name": "Bloom Bakery",
        "contact": "mel@bloom.example",
    }
    assert why.read_typed("  #12 please ") == {"offer": "#12 please"}


def test_every_row_fits_every_platform() -> None:
    names = [entry.name for entry in all_commands()]
    assert len(names) == len(set(names))
    for entry in all_commands():
        assert re.fullmatch(r"[a-z0-9_]{1,32}", entry.name), entry.name  # Telegram and Discord
        assert 1 <= len(entry.summary) <= 100, entry.name  # Discord's description
        for option in entry.options:
            assert re.fullmatch(r"[a-z0-9_]{1,32}", option.name), (entry.name, option.name)
            assert 1 <= len(option.describe) <= 100, (entry.name, option.name)
        if entry.run is None and Place.WEB in entry.places:
            assert entry.web_page, f"/{entry.name} is on the web, with neither page nor runner"


def test_menus_hold_the_commands_marked_for_them_and_moderators_get_theirs() -> None:
    private = [name for name, _ in menu(Place.PRIVATE, Role.PARENT, Role.BUSINESS)]
    assert private[:2] == ["available", "unavailable"] and "post" in private and "help" in private
    assert "funded" not in private and "why" not in private
    moderators = [name for name, _ in menu(Place.GROUP, Role.PARENT, Role.MODERATOR)]
    assert {"funded", "owed", "disputes", "resolve", "help"} <= set(moderators)
