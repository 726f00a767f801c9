"""What a scenario can do on any platform. Each adapter's driver implements this."""

from __future__ import annotations

from typing import Protocol


class Driver(Protocol):
    platform: str

    async def command(
        self, name: str, command: str, args: str = "", *, where: str = "dm"
    ) -> list[str]:
        """Type /command args, in a DM with the bot or in the community ("group"); new texts back."""
        ...

    async def press(self, name: str, label: str) -> list[str]:
        """Press the newest button with this label that the person can see."""
        ...

    async def forge(self, name: str, token: str) -> list[str]:
        """Send a button press the person was never shown (a stale or forged token)."""
        ...

    async def reply(self, name: str, text: str) -> list[str]:
        """Answer the question the bot just asked."""
        ...

    async def send_file(
        self,
        name: str,
        filename: str,
        content: bytes,
        *,
        caption: str = "",
        kind: str = "document",
        claimed_size: int | None = None,
    ) -> list[str]:
        """Deliver a file: as the answer to the Submit work question if one is open, else with
        the caption "/submit <item#> [words]"; `claimed_size` is what the platform reports."""
        ...

    def files(self, name: str) -> list[tuple[str, bytes]]:
        """(name, content) of every file the bot sent the person."""
        ...

    def moderator_files(self) -> list[tuple[str, bytes]]: ...

    async def onboard(self, name: str, skills: list[str], level: str) -> list[str]: ...

    async def post(self, name: str, *, urgent: bool = False, **fields: str) -> list[str]: ...

    async def post_project(self, name: str, **fields: str) -> list[str]:
        """/postproject: a dialog on Telegram, a form on Discord and the web."""
        ...

    def make_moderator(self, name: str) -> None: ...

    def cannot_dm(self, name: str) -> None:
        """The person never opened a DM with the bot (or closed DMs)."""
        ...

    def can_dm(self, name: str) -> None: ...

    def dms(self, name: str) -> list[str]:
        """Every DM the person has from the bot, as it reads now (edits applied)."""
        ...

    def moderators(self) -> list[str]:
        """What the bot posted in the moderators' chat or channel."""
        ...

    def help_channel(self) -> list[str]:
        """What the bot posted where /ask questions go."""
        ...

    async def tick(self, minutes: float) -> None:
        """Let time pass: sweepers run and the outbox is delivered."""
        ...
