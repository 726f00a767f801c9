"""How a project and its milestones read, wherever they are shown."""

from __future__ import annotations

from core.language import N_
from core.states import WorkStatus

TITLE_ROOM = 120  # a work item's title, which a milestone's is


def milestone_title(project_title: str, n: int, what: str) -> str:
    """A milestone's item title: the project's, then the milestone's number and what it is."""
    tail = f" · {n}: {what}"
    return f"{project_title[: TITLE_ROOM - len(tail)]}{tail}"[:TITLE_ROOM]


# Where a milestone stands, for both sides.
MILESTONE_STATE = {
    WorkStatus.DRAFT: N_("waiting for a moderator"),
    WorkStatus.AWAITING_PAYMENT: N_("not funded yet"),
    WorkStatus.OPEN: "funded",
    WorkStatus.OFFERED: "funded",
    WorkStatus.ASSIGNED: N_("funded, being worked on"),
    WorkStatus.SUBMITTED: N_("delivered, waiting for approval"),
    WorkStatus.APPROVED: N_("approved, parent being paid"),
    WorkStatus.PAID: N_("approved and paid"),
    WorkStatus.DISPUTED: N_("in dispute"),
    WorkStatus.CANCELLED: "dropped",
    WorkStatus.EXPIRED: N_("dropped (past its date)"),
    WorkStatus.REFUNDED: "refunded",
}

PROJECT_STATE = {
    "open": N_("looking for a parent"),
    "under_way": N_("under way"),
    "done": "done",
    "cancelled": "cancelled",
    "parent_gone": N_("its parent left; waiting for your choice"),
}
