"""Dates for tests whose servers read the real clock: valid on any day of the year."""

from __future__ import annotations

from datetime import UTC, date, datetime


def safe_first_date(today: date | None = None, *, months_ahead: int = 2) -> date:
    """The first Monday-to-Friday from the 10th of the month `months_ahead` months on.

    Far enough ahead that no deadline has passed, on a day every month has and on a
    working day, so no rule, holiday or weekend move makes a test depend on today.
    """
    today = today or datetime.now(UTC).date()
    index = today.month - 1 + months_ahead
    day = date(today.year + index // 12, index % 12 + 1, 10)
    while day.weekday() >= 5:
        day = day.replace(day=day.day + 1)
    return day
