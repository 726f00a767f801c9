"""Who is asking: a member, on a platform, with roles from the store or verified by the adapter."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from core.errors import NotAllowed


class Role(StrEnum):
    PARENT = "parent"
    BUSINESS = "business"
    MODERATOR = "moderator"
    SYSTEM = "system"


class Actor(BaseModel):
    model_config = ConfigDict(frozen=True)

    member_id: int
    platform: str
    roles: frozenset[Role] = frozenset({Role.PARENT})

    @classmethod
    def system(cls) -> Actor:
        return cls(member_id=0, platform="system", roles=frozenset({Role.SYSTEM}))

    @property
    def is_moderator(self) -> bool:
        return Role.MODERATOR in self.roles or Role.SYSTEM in self.roles

    def require_moderator(self) -> None:
        if not self.is_moderator:
            raise NotAllowed("Only the community's moderators can do that.")
