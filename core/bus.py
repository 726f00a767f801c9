"""The message bus: a failing command raises to its caller; a failing event handler is logged."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError

from core import requests
from core.audit import audit_entry
from core.commands import MODERATOR_COMMANDS, Command, RegisterAccount
from core.errors import DomainError
from core.events import Event
from core.models import AppliedRequest
from core.ports import Meter, NoMeter
from core.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

# A unit of work cut off by a lost connection (a failover, a restarted server) is tried again
# on a fresh one after each of these pauses: about 15 s in all, the time a failover takes.
RETRY_PAUSES = (0.1, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0)  # about 40 s: a failover
LOST = ("08", "57P01", "57P02", "57P03")  # SQLSTATE: connection exceptions, server shutdown
# What the driver raises while a failover is under way (asyncpg, with several hosts): no
# host is the writable one yet.
BETWEEN_SERVERS = frozenset({"TargetServerAttributeNotMatched"})
UNKEYED = (RegisterAccount,)  # who is asking, asked at every request: no effect to guard


def connection_lost(err: BaseException) -> bool:
    """Whether the database connection broke under the work (not the work failing)."""
    if isinstance(err, DBAPIError):
        if err.connection_invalidated:
            return True
        cause: BaseException | None = err.orig
        while cause is not None:
            code = str(getattr(cause, "sqlstate", "") or "")
            if code.startswith(LOST) or _between_servers(cause):
                return True
            cause = cause.__cause__
        return False
    return _between_servers(err)


def _between_servers(err: BaseException) -> bool:
    """Mid-failover: every host refused, or none is the writable one yet."""
    return isinstance(err, ConnectionError) or type(err).__name__ in BETWEEN_SERVERS


Handler = Callable[..., Awaitable[Any]]
Claim = Callable[[UnitOfWork], Awaitable[None]]


def inject(handler: Handler, dependencies: Mapping[str, Any]) -> Handler:
    """Bind the dependencies a handler names in its signature (after the message and uow)."""
    wanted = inspect.signature(handler).parameters
    return partial(handler, **{name: dep for name, dep in dependencies.items() if name in wanted})


class MessageBus:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        command_handlers: Mapping[type[Command], Handler],
        event_handlers: Mapping[type[Event], Sequence[Handler]],
        dependencies: Mapping[str, Any] | None = None,
        meter: Meter | None = None,
    ) -> None:
        deps = dict(dependencies or {})
        deps["within"] = self.within  # for a handler whose work ends in another command
        self.uow = uow
        self.meter: Meter = meter or NoMeter()
        self.command_handlers = {t: inject(h, deps) for t, h in command_handlers.items()}
        self.event_handlers = {t: [inject(h, deps) for h in hs] for t, hs in event_handlers.items()}
        # The latest failures, for tests and triage; the log has every one.
        self.failed_events: deque[tuple[Event, BaseException]] = deque(maxlen=50)

    async def handle(self, command: Command, *, once: Claim | None = None) -> Any:
        """Run a command in one transaction, then the events it caused, each in its own.

        `once` runs first inside that same transaction, to record that the command's cause
        (a webhook event, say) has been applied: the record and the change commit together
        or not at all, so a crash between them can't leave either without the other.
        """
        handler = self.command_handlers.get(type(command))
        if handler is None:
            raise LookupError(f"no handler for {type(command).__name__}")
        started, outcome = time.perf_counter(), "failed"
        key = None if isinstance(command, UNKEYED) else requests.take()
        try:
            for pause in (*RETRY_PAUSES, None):
                committing = False
                try:
                    async with self.uow() as uow:
                        if key is not None:
                            if await uow.session.get(AppliedRequest, key) is not None:
                                raise requests.AlreadyApplied("That's done already.")
                            uow.session.add(AppliedRequest(key=key, applied_at=uow.now()))
                        if once is not None:
                            await once(uow)
                        result = await handler(command, uow)
                        if isinstance(command, MODERATOR_COMMANDS):
                            uow.session.add(audit_entry(command, uow.now()))
                        committing = True
                        await uow.commit()
                        queue = uow.collect_events()
                    break
                except IntegrityError as err:
                    if key is not None and "applied_requests" in str(err.orig):
                        # The same request, applied at this moment by another process.
                        raise requests.AlreadyApplied("That's done already.") from None
                    raise
                except Exception as err:
                    # Cut off by a failover: nothing was applied unless the commit itself was
                    # cut off; then only a recorded cause (`once`, or the request's id) can
                    # tell, so it is retried, and anything else is the one apology.
                    safe = not committing or once is not None or key is not None
                    retry = connection_lost(err) and safe
                    if not retry or pause is None:
                        raise
                    self.meter.retried()
                    log.warning(
                        "%s: the database connection was lost; trying again in %g s",
                        type(command).__name__,
                        pause,
                    )
                    await asyncio.sleep(pause)
            self._tell_meter(queue)
            await self._run_events(queue)
            outcome = "done"
            return result
        except DomainError:
            outcome = "refused"  # a sentence for the person; nothing changed
            raise
        finally:
            seconds = time.perf_counter() - started
            _log_command(command, outcome, seconds * 1000)
            platform = getattr(getattr(command, "actor", None), "platform", None) or getattr(
                command, "platform", "system"
            )
            self.meter.command(type(command).__name__, str(platform), outcome, seconds)

    async def within(self, command: Command, uow: UnitOfWork) -> Any:
        """Another command's handler, inside the caller's unit of work: a dialog's last
        answer becoming the command it was asking for, so both commit together or neither."""
        handler = self.command_handlers.get(type(command))
        if handler is None:
            raise LookupError(f"no handler for {type(command).__name__}")
        result = await handler(command, uow)
        if isinstance(command, MODERATOR_COMMANDS):
            uow.session.add(audit_entry(command, uow.now()))
        return result

    def _tell_meter(self, events: list[Event]) -> None:
        for event in events:
            try:
                self.meter.event(event)
            except Exception:  # metrics never break the work they count
                log.exception("the meter failed on %r", event)

    async def publish(self, event: Event) -> None:
        await self._run_events([event])

    async def _run_events(self, queue: list[Event]) -> None:
        while queue:
            event = queue.pop(0)
            for handler in self.event_handlers.get(type(event), ()):
                try:
                    async with self.uow() as uow:
                        await handler(event, uow)
                        await uow.commit()
                        caused = uow.collect_events()
                        self._tell_meter(caused)
                        queue.extend(caused)
                except Exception as exc:
                    # The change that raised the event is committed; a sweeper retries
                    # anything left undone (stalled items, unpaid approvals).
                    log.exception("event handler %s failed for %r", _name(handler), event)
                    self.failed_events.append((event, exc))


def _log_command(command: Command, outcome: str, ms: float) -> None:
    actor = getattr(command, "actor", None)
    member = getattr(actor, "member_id", None)
    name = type(command).__name__
    log.info(
        "%s by member %s: %s in %.1f ms",
        name,
        member if member is not None else "-",
        outcome,
        ms,
        extra={"command": name, "member": member, "outcome": outcome, "ms": round(ms, 1)},
    )


def _name(handler: Handler) -> str:
    target = handler.func if isinstance(handler, partial) else handler
    return getattr(target, "__qualname__", repr(target))


async def in_transaction(uow: UnitOfWork, work: Callable[[UnitOfWork], Awaitable[Any]]) -> Any:
    async with uow:
        result = await work(uow)
        await uow.commit()
        return result
