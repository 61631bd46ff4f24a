"""Errors services raise; the web layer maps them to 404, 409 and 422, the CLI to exit 2."""

from coordinator.cadence.errors import InvalidInput


class NotFound(LookupError):
    """The thing asked for does not exist (or is not visible to the asker)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(InvalidInput):
    """The request is well formed but clashes with the current state (e.g. a past meeting)."""


__all__ = ["Conflict", "InvalidInput", "NotFound"]
