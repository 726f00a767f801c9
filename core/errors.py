"""Errors a person may see: each carries one sentence that says what to do next."""

from core.language import _


class DomainError(Exception):
    """A request that cannot be carried out, explained in words a member can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotAllowed(DomainError):
    """The actor may not do this (wrong role, someone else's item or offer)."""


class NotFound(DomainError):
    """The thing referred to does not exist, or the actor may not see it."""


class StaleAction(DomainError):
    """A button or command refers to something whose state has moved on."""


def explain_invalid(error: Exception) -> str:
    """One sentence for a command whose fields don't fit (too long, too short, wrong kind)."""
    details: list[dict[str, object]] = getattr(error, "errors", list)()
    if details:
        first = details[0]
        where = first.get("loc") or ("that",)
        field = str(list(where)[-1]).replace("_", " ")  # type: ignore[call-overload]
        return _(
            "The {field} doesn't look right: {first}.",
            field=field,
            first=first.get("msg", "please check it"),
        )
    return _("That doesn't look right; type /help to see what to type.")
