"""Who belongs where, for the drivers: set `home`, and everyone the suite talks about except
the `outsiders` is a member of that community before their first message, as their platform
would say when they joined its group or server."""

from __future__ import annotations

from bots.app import ParentBrain
from core import commands as c
from core.language import _, speaking


class HomeCommunity:
    platform: str
    brain: ParentBrain
    home: int | None
    outsiders: set[str]
    _joined: set[str]
    languages: dict[str, str]  # each person's app language, where not English

    def uid(self, name: str) -> int:
        raise NotImplementedError

    def app_language(self, name: str) -> str:
        """The language this person's chat app (or browser) is set to: English unless
        `speaks` said otherwise."""
        return self.languages.get(name, "en")

    def in_their_words(self, name: str, english: str) -> str:
        """A button's or a box's label as this person sees it, in their language."""
        with speaking(self.app_language(name)):
            return _(english)

    def speaks(self, name: str, language: str) -> None:
        """Set this person's app (and browser) to a language, as a phone's settings do."""
        self.languages[name] = language

    def _belong_nowhere_yet(self) -> None:
        self.home, self.outsiders, self._joined = None, set(), set()
        self.languages = {}

    async def belongs(self, name: str) -> None:
        if self.home is None or name in self.outsiders or name in self._joined:
            return
        self._joined.add(name)
        await self.brain.handle(
            c.RegisterAccount(
                platform=self.platform,
                external_id=str(self.uid(name)),
                display_name=name,
                handle=name.lower(),
                community_id=self.home,
                platform_says_member=True,
            )
        )
