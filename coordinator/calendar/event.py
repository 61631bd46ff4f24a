"""What the calendar writers need of a meeting: plain data, already in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class EventStatus(StrEnum):
    TENTATIVE = "TENTATIVE"
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class CalendarEvent:
    """One meeting as a VEVENT. Text fields are final (localised, prefixed); writers escape."""

    uid: str  # permanent: the same in invitations and feeds
    sequence: int
    last_modified: datetime  # aware; also DTSTAMP, so the same data renders the same bytes
    created: datetime  # aware
    start: datetime  # aware, tzinfo is the meeting's ZoneInfo (TZID comes from its key)
    end: datetime  # aware, same zone as start
    summary: str
    description: str
    status: EventStatus
    location: str | None = None
    url: str | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class DayEvent:
    """An all-day marker in a feed (e.g. "suggestions close"), free time, no zone."""

    uid: str
    sequence: int
    last_modified: datetime
    created: datetime
    day: date
    summary: str
    description: str
    url: str | None = None
    categories: tuple[str, ...] = ()
