"""Meetings that fall on a public holiday of the host country move to the next working day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays


@dataclass(frozen=True)
class Shift:
    original: date
    new: date
    holiday: str  # the holiday's name, in English; pages look it up again in the reader's language


@lru_cache(maxsize=256)
def _calendar(country: str, year: int, language: str | None) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country, years=(year, year + 1), language=language)
    except (NotImplementedError, KeyError):
        return None


def holiday_name(country: str, day: date, language: str | None = None) -> str | None:
    """The holiday on `day` in `country`, in `language` where the package has it."""
    calendar = _calendar(country, day.year, None)
    if calendar is None or day not in calendar:
        return None
    if language:
        localised = _calendar(country, day.year, language)
        if localised is not None and day in localised:
            return localised.get(day)
    return calendar.get(day)


def is_working_day(country: str, day: date) -> bool:
    calendar = _calendar(country, day.year, None)
    weekend = getattr(calendar, "weekend", None) or {5, 6}
    return day.weekday() not in weekend and (calendar is None or day not in calendar)


def shift_for_holiday(country: str | None, day: date) -> Shift | None:
    """Where a meeting on `day` must go instead, or None if `day` is not a holiday.

    Only a holiday moves a meeting: a rule that asks for Saturdays means Saturdays.
    """
    if not country:
        return None
    name = holiday_name(country, day)
    if name is None:
        return None
    new = day + timedelta(days=1)
    for _ in range(31):
        if is_working_day(country, new):
            return Shift(day, new, name)
        new += timedelta(days=1)
    return None
