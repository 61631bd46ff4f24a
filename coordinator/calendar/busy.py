"""Busy time in another process's iCalendar file, worked out with bounded effort.

The file comes from a server nobody here controls, so reading it must cost bounded CPU and
memory whatever it holds. Three bounds, each for a case the others miss:

- Every occurrence walked counts against MAX_WALKED, free and cancelled ones included (they
  cost as much to expand as busy ones); past it the calendar is refused, not cut short, so
  a clash is never silently missed.
- Rules repeating more often than daily (FREQ=SECONDLY, MINUTELY or HOURLY, or more than
  MAX_PER_DAY times a day through BYHOUR/BYMINUTE/BYSECOND) are refused before expansion,
  with their own error. We refuse rather than cap: a meeting calendar has no such events,
  a busy block every hour would make every date clash, and a cap would hide whatever busy
  time lies after it; the owner learns why and can ask for a better feed.
- dateutil does work the walk never sees: a rule starting in year 1 is replayed from its
  start, and a rule that never matches (30 February) is searched up to year 9999 (seconds
  of CPU each, and a 2 MB file holds thousands). No rule of thumb catches every such
  rule, so the expansion runs in a child process with limits on CPU time, memory and
  wall-clock time, and a child that hits them means the calendar is refused.

Run as a script (`python -I busy.py SINCE UNTIL < file.ics`), this module is the child: it
imports nothing of the coordinator package, so the child starts in about 0.2 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

MAX_EVENTS = 2000  # busy intervals kept
MAX_WALKED = 10_000  # occurrences expanded, whatever their status
MAX_PER_DAY = 24  # occurrences of one rule on one day
EXPAND_SECONDS = 10.0  # CPU for one calendar: a 2 MB file of 5000 events needs about 4 s
SUB_DAILY = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})
CHILD_MEMORY = 1024 * 1024 * 1024  # bytes of address space


class Unusable(Exception):
    """The calendar cannot be used; `code` says why (one of FETCH_ERRORS in
    coordinator.integrations.external_feeds)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def busy_intervals(ics: bytes, since: datetime, until: datetime, *,
                   seconds: float = EXPAND_SECONDS) -> list[list[str]]:
    """Occurrences between since and until that make someone busy, as [start, end, summary]
    in UTC ISO format, sorted; worked out in a child process given `seconds` of CPU."""
    command = [sys.executable, "-I", __file__, since.isoformat(), until.isoformat(),
               str(max(1, int(seconds + 0.999)))]
    try:
        child = subprocess.run(command, input=ics, capture_output=True,  # noqa: S603
                               timeout=seconds + 1, check=False, env={})
    except subprocess.TimeoutExpired as exc:
        raise Unusable("too_complex") from exc
    if child.returncode != 0:  # killed at its CPU or memory limit, or crashed
        raise Unusable("too_complex")
    answer = json.loads(child.stdout)
    if "refused" in answer:
        raise Unusable(str(answer["refused"]))
    return [[str(start), str(end), str(summary)] for start, end, summary in answer["busy"]]


def expand(ics: bytes, since: datetime, until: datetime) -> list[list[str]]:
    """What busy_intervals returns, worked out in this process (the child's work)."""
    import icalendar
    import recurring_ical_events

    try:
        calendar = icalendar.Calendar.from_ical(ics)
        for event in calendar.walk("VEVENT"):
            _refuse_sub_daily(event)
        query = recurring_ical_events.of(calendar)
    except Unusable:
        raise
    except Exception as exc:  # any parser failure: the file is not usable iCalendar
        raise Unusable("unreadable") from exc
    out: list[list[str]] = []
    walked = 0
    try:
        # Series by series rather than in time order (`after`): each series is walked
        # lazily and stops at `until`, so the walk counts every occurrence it makes.
        for series in query.series:
            for occurrence in series.between(since, until):
                walked += 1
                if walked > MAX_WALKED:
                    raise Unusable("too_complex")
                interval = _busy(occurrence.as_component(False), since, until)
                if interval is not None:
                    out.append(interval)
    except Unusable:
        raise
    except Exception as exc:  # mixed dates and times, bad zones: unusable as iCalendar
        raise Unusable("unreadable") from exc
    out.sort()
    return out[:MAX_EVENTS]


def _refuse_sub_daily(event: Any) -> None:
    rules = event.get("RRULE") or []
    for rule in rules if isinstance(rules, list) else [rules]:
        frequency = str((rule.get("FREQ") or [""])[0]).upper()
        per_day = 1
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            per_day *= max(1, len(rule.get(part) or []))
        if frequency in SUB_DAILY or per_day > MAX_PER_DAY:
            raise Unusable("too_frequent")


def _busy(event: Any, since: datetime, until: datetime) -> list[str] | None:
    """Transparent (free) and cancelled events do not make anyone busy."""
    if str(event.get("TRANSP", "")).upper() == "TRANSPARENT" or \
            str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    start, end = event.decoded("DTSTART"), event.decoded("DTEND", None)
    if isinstance(start, date) and not isinstance(start, datetime):
        start = datetime(start.year, start.month, start.day, tzinfo=UTC)
        end = start + timedelta(days=1) if end is None else datetime(
            end.year, end.month, end.day, tzinfo=UTC)
    if start.tzinfo is None:  # floating time: read as UTC, the least surprising guess
        start = start.replace(tzinfo=UTC)
    if end is None:
        end = start + (event.decoded("DURATION", None) or timedelta(hours=1))
    elif end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    if start >= until or end <= since:
        return None
    return [start.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat(),
            str(event.get("SUMMARY", ""))[:200]]


def _child() -> None:
    import resource

    since, until = datetime.fromisoformat(sys.argv[1]), datetime.fromisoformat(sys.argv[2])
    cpu = int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    try:
        answer: dict[str, Any] = {"busy": expand(sys.stdin.buffer.read(), since, until)}
    except Unusable as exc:
        answer = {"refused": exc.code}
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    _child()
