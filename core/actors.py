"""Who is asking: a member, on a platform, with roles from the store or verified by the adapter."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from core.errors import NotAllowed
from core.language import _


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
    # The community they act in: the group or server they typed in, or their only one from a
    # DM. MODERATOR means a moderator of this community, as the platform said.
    community_id: int | None = None
    # The language they read (core/language): chosen, their app's, their community's.
    language: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(member_id=0, platform="system", roles=frozenset({Role.SYSTEM}))

    @property
    def is_moderator(self) -> bool:
        return Role.MODERATOR in self.roles or Role.SYSTEM in self.roles

    def require_moderator(self) -> None:
        if not self.is_moderator:
            raise NotAllowed(_("Only the community's moderators can do that."))

    def require_moderator_of(self, community_id: int) -> None:
        """A moderator of this very community: another community's moderators may not act."""
        self.require_moderator()
        if Role.SYSTEM not in self.roles and self.community_id != community_id:
            raise NotAllowed(
                _("Only that community's moderators can do that; act from its own chat.")
            )

    def moderated_community(self) -> int | None:
        """The community whose moderator this is (None for the system, which sees all)."""
        self.require_moderator()
        return None if Role.SYSTEM in self.roles else self.community_id
