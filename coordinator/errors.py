"""Refusals services raise, and the one mapping every door uses: `status_of` gives the
HTTP status of pages and problem documents; the CLI exits 2 for any of them."""

from coordinator.cadence.errors import N_, InvalidInput, Refusal


class NotFound(Refusal, LookupError):
    """The thing asked for does not exist (or is not visible to the asker)."""


class Conflict(InvalidInput):
    """The request is well formed but clashes with the current state (e.g. a past meeting)."""


def status_of(refusal: Refusal) -> int:
    """404 for what is not there, 409 for a clash with the current state, 422 for input
    that cannot be used: the same number on a page and in the API."""
    if isinstance(refusal, NotFound):
        return 404
    if isinstance(refusal, Conflict):
        return 409
    return 422


__all__ = ["N_", "Conflict", "InvalidInput", "NotFound", "Refusal", "status_of"]
