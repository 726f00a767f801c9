"""A second parent, when the first may well not take the work in time.

An offer that times out costs the business the whole time-out, ten minutes by default. When
the router believes the parents asked are unlikely to take it in time (their record near this
hour is of offers let lapse or turned down: a school run, the tea-time rush), a sweep asks one
more parent a few minutes later if nobody has taken it by then, and the first of them to
accept takes it (core/handlers/spares.py). Those asked first keep a head start, so the work
still goes to whom the router put first whenever they answer promptly. The spare's offer says
that someone else was asked first; an offer withdrawn because another parent took the work
counts against nobody (core/rhythm.py). A router with no belief about answering
(routing/simple.py) never gets a spare: it is asked for exactly as many as the settings say.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from core.config import Settings
from core.models import WorkItem
from core.ports import Candidate


def spare_due(
    item: WorkItem,
    chosen: Sequence[Candidate],
    now: datetime,
    expires: datetime,
    settings: Settings,
) -> datetime | None:
    """When to ask one more parent, if those `chosen` now may well not take it in time."""
    if settings.spare_offer_after_minutes == 0 or item.project_id is not None or not chosen:
        return None  # a milestone is its project's lead's to offer (core/projects/)
    beliefs = [c.takes_it for c in chosen]
    if any(b is None for b in beliefs):
        return None
    nobody = math.prod(1.0 - b for b in beliefs if b is not None)
    if 1.0 - nobody >= settings.spare_offer_below:
        return None
    due = now + timedelta(minutes=settings.spare_offer_after_minutes)
    return due if due < expires else None
