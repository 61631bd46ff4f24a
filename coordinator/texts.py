"""People's texts as every domain checks them: trimmed, not empty, within a limit, free of
control characters, refused with the field they came from."""

from __future__ import annotations

from coordinator.cadence.errors import Np_
from coordinator.errors import N_, InvalidInput


def has_controls(text: str) -> bool:
    return any(ord(c) < 32 and c not in "\n\t" for c in text)


def check_text(text: str | None, *, field: str, limit: int, empty: InvalidInput) -> str:
    """Trimmed text, or the refusal a door shows beside `field` (`empty` when blank)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise empty
    if len(text) > limit:
        raise InvalidInput(Np_("The text is longer than %(num)s character.",
                               "The text is longer than %(num)s characters."),
                           field=field, num=limit)
    if has_controls(text):
        raise InvalidInput(N_("The text contains control characters."), field=field)
    return text
