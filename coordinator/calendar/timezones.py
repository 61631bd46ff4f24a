"""VTIMEZONE observances computed from the shipped `tzdata`, the same rules the app schedules by.

We do not use icalendar's `Timezone.from_tzinfo`: in 7.3.0 it dates every spring-forward an
hour late (03:00 instead of 02:00 in TZOFFSETFROM) and misses changes that keep the offset,
such as Paraguay's DST becoming standard time in October 2024 or British Columbia's PDT
becoming permanent MST in November 2026, so those zones would stay labelled DAYLIGHT forever.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache

from coordinator.cadence.zones import get_zone

_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)
# Long enough to find the change into any rule that lasts less than a year (DST does).
_LOOK_BACK = timedelta(days=400)


@dataclass(frozen=True)
class Observance:
    """One STANDARD or DAYLIGHT sub-component with a single onset (no RRULE, no RDATE)."""

    onset: datetime  # naive wall-clock time in offset_from (RFC 5545 3.6.5, DTSTART)
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool


_State = tuple[timedelta, bool, str]


def _state(zone: tzinfo, instant: datetime) -> _State:
    local = instant.astimezone(zone)
    offset = local.utcoffset() or timedelta()
    return offset, bool(local.dst()), local.tzname() or format_offset(offset)


@lru_cache(maxsize=256)
def observances(key: str, first_year: int, last_year: int) -> tuple[Observance, ...]:
    """Every observance of `key` in force from 1 January `first_year` to the end of `last_year`.

    The first one is the change that brought the rule in force on 1 January, so DAYLIGHT
    opens with a true TZOFFSETFROM; a zone without recent changes (America/Guatemala) gets
    one STANDARD observance that opens the window with TZOFFSETFROM equal to TZOFFSETTO.
    """
    zone = get_zone(key)
    start = datetime(first_year, 1, 1, tzinfo=zone).astimezone(UTC)
    stop = datetime(last_year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    earlier = list(_changes(zone, start - _LOOK_BACK, start))
    if earlier:
        opening = earlier[-1]
    else:
        offset, daylight, name = _state(zone, start)
        local = start.astimezone(zone).replace(tzinfo=None)
        opening = Observance(local, offset, offset, name, daylight)
    return (opening, *_changes(zone, start, stop))


def _changes(zone: tzinfo, start: datetime, stop: datetime) -> Iterator[Observance]:
    """Changes of offset, DST flag or name in (start, stop], to the second.

    Walks in UTC, where time is continuous; wall-clock steps skip or repeat around changes.
    """
    instant, state = start, _state(zone, start)
    while instant < stop:
        step = min(instant + _DAY, stop)
        if _state(zone, step) == state:
            instant = step
            continue
        before, after = instant, step
        while after - before > _SECOND:
            middle = before + (after - before) // 2 // _SECOND * _SECOND
            if _state(zone, middle) == state:
                before = middle
            else:
                after = middle
        new = _state(zone, after)
        onset = (after + state[0]).replace(tzinfo=None)
        yield Observance(onset, state[0], new[0], new[2], new[1])
        state, instant = new, after


def format_offset(offset: timedelta) -> str:
    """A UTC offset as RFC 5545 3.3.14 wants it: -0500, +0530, seconds only when present."""
    sign = "-" if offset < timedelta() else "+"
    seconds = abs(int(offset.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{seconds:02d}" if seconds else "")
