"""Clashes: a planned meeting overlapping something its people are already busy with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from coordinator.cadence.zones import ensure_aware


@dataclass(frozen=True)
class Busy:
    """Time taken by something else: another process's event, or one of our meetings."""

    start: datetime
    end: datetime
    title: str
    source: Literal["external", "meeting"]


def overlapping(planned: Sequence[tuple[datetime, datetime]],
                busy: Iterable[Busy]) -> list[list[Busy]]:
    """For each planned (start, end), the busy intervals it overlaps (touching is fine:
    a meeting may start when another ends)."""
    taken = sorted(busy, key=lambda b: b.start)
    for b in taken:
        ensure_aware(b.start, "busy start")
    result: list[list[Busy]] = []
    for start, end in planned:
        ensure_aware(start, "start")
        result.append([b for b in taken if b.start < end and start < b.end])
    return result
