"""A messenger that keeps what it delivers in memory: the demo's transcript, and tests' eyes."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.notices import Notice
from core.ports import RecipientUnreachable


@dataclass
class Delivered:
    address: str
    notice: Notice
    message_id: str
    edited: str | None


@dataclass
class MemoryMessenger:
    platform: str = "demo"
    sent: list[Delivered] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)

    async def deliver(self, address: str, notice: Notice, edit: str | None) -> str:
        if address in self.unreachable:
            raise RecipientUnreachable(f"{address} has blocked the bot")
        message_id = edit or f"m{len(self.sent) + 1}"
        self.sent.append(Delivered(address, notice, message_id, edit))
        return message_id

    def to(self, address: str) -> list[Notice]:
        return [d.notice for d in self.sent if d.address == address]
