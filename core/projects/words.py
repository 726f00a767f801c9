"""How a project and its milestones read, wherever they are shown."""

from __future__ import annotations

from core.states import WorkStatus

TITLE_ROOM = 120  # a work item's title, which a milestone's is


def milestone_title(project_title: str, n: int, what: str) -> str:
    """A milestone's item title: the project's, then the milestone's number and what it is."""
    tail = f" · {n}: {what}"
    return f"{project_title[: TITLE_ROOM - len(tail)]}{tail}"[:TITLE_ROOM]


# Where a milestone stands, for both sides.
MILESTONE_STATE = {
    WorkStatus.DRAFT: "waiting for a moderator",
    WorkStatus.AWAITING_PAYMENT: "not funded yet",
    WorkStatus.OPEN: "funded",
    WorkStatus.OFFERED: "funded",
    WorkStatus.ASSIGNED: "funded, being worked on",
    WorkStatus.SUBMITTED: "delivered, waiting for approval",
    WorkStatus.APPROVED: "approved, parent being paid",
    WorkStatus.PAID: "approved and paid",
    WorkStatus.DISPUTED: "in dispute",
    WorkStatus.CANCELLED: "dropped",
    WorkStatus.EXPIRED: "dropped (past its date)",
    WorkStatus.REFUNDED: "refunded",
}

PROJECT_STATE = {
    "open": "looking for a parent",
    "under_way": "under way",
    "done": "done",
    "cancelled": "cancelled",
    "parent_gone": "its parent left; waiting for your choice",
}
