"""Which request a command comes from: the platform's own id for it (a Telegram update, a
Discord interaction, a web form), set by the front end for the time it handles the request.
The first command of a request that changes something records the id with its effects, so a
redelivered request (a webhook sent again) or a retried one (a failover) is recognised."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from sqlalchemy import delete

from core.errors import DomainError
from core.models import AppliedRequest
from core.uow import UnitOfWork

KEPT = timedelta(days=7)  # far longer than any platform sends a request again

# (the request's id, whether a command of it has taken the id already)
_CURRENT: ContextVar[list[object] | None] = ContextVar("parentbrain_request", default=None)


class AlreadyApplied(DomainError):
    """This very request was applied before: answered, not applied again."""


@contextmanager
def request(key: str) -> Iterator[None]:
    """While a front end handles one request: its commands know where they come from."""
    token = _CURRENT.set([key[:100], False])
    try:
        yield
    finally:
        _CURRENT.reset(token)


def take() -> str | None:
    """The request's id for the first command that takes it; None for the rest."""
    current = _CURRENT.get()
    if current is None or current[1]:
        return None
    current[1] = True
    return str(current[0])


async def forget_old(uow: UnitOfWork) -> None:
    """Requests too old to come again are forgotten (a sweep does it)."""
    await uow.session.execute(
        delete(AppliedRequest).where(AppliedRequest.applied_at < uow.now() - KEPT)
    )
