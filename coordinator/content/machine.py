"""Where a machine translation service could plug in later.

None is reachable from where the service runs, and a translation nobody checked must not
reach the public as if a person had written it; so the default translator offers nothing,
and a real one would only *prefill* the workspace's translation form for a person to
check and save (`translate` then stores it as that person's).
"""

from __future__ import annotations

from typing import Protocol

from flask import current_app


class MachineTranslator(Protocol):
    def suggest(self, text: str, source: str | None, target: str) -> str | None:
        """A draft translation of `text` into `target`, or None."""


class NoMachineTranslation:
    def suggest(self, text: str, source: str | None, target: str) -> str | None:
        return None


def machine_translator() -> MachineTranslator:
    """The installed translator (`app.extensions["machine_translator"]`), else none."""
    found = current_app.extensions.get("machine_translator")
    return found if found is not None else NoMachineTranslation()
