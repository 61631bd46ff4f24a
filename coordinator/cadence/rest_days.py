"""Meetings that fall on a rest day of the host country (a public holiday, or a weekly
rest day unless the series allows weekends) move to a working day, and say so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

# Saturday and Sunday, unless the `holidays` package knows the country rests otherwise.
DEFAULT_WEEKEND = frozenset({5, 6})
# A month never lacks a working day; the bound only stops a pathological calendar.
MAX_SEARCH_DAYS = 31


@dataclass(frozen=True)
class Shift:
    original: date
    new: date
    # The holiday's name in English (pages look it up again in the reader's language),
    # or None when the original day is a weekly rest day.
    holiday: str | None
    country: str | None = None  # whose holidays and weekends moved it


@lru_cache(maxsize=256)
def _calendar(country: str, year: int, language: str | None) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country, years=(year - 1, year, year + 1),
                                         language=language)
    except (NotImplementedError, KeyError):
        return None


def holiday_name(country: str, day: date, language: str | None = None) -> str | None:
    """The holiday on `day` in `country`, in `language` where the package has it
    ("pt" finds Brazil's "pt_BR", "fr" Haiti's "fr_HT"), in English otherwise."""
    calendar = _calendar(country, day.year, None)
    if calendar is None or day not in calendar:
        return None
    variant = _language_variant(calendar, language) if language else None
    if variant:
        localised = _calendar(country, day.year, variant)
        if localised is not None and day in localised:
            return localised.get(day)
    return calendar.get(day)


def holiday_label(country: str, day: date, language: str | None) -> str | None:
    """The holiday's name for a reader: in their language where the package has it, else
    in English with the country's own name beside it ("Army Day (Día del Ejército)"), so
    a Kreyòl reader of a Guatemalan meeting is not left with English alone."""
    name = holiday_name(country, day, language)
    if name is None or not language:
        return name
    calendar = _calendar(country, day.year, None)
    if calendar is None or _language_variant(calendar, language):
        return name
    own = getattr(calendar, "default_language", None)
    if not own or own.lower().startswith("en"):
        return name
    local = _calendar(country, day.year, own)
    local_name = local.get(day) if local is not None else None
    return f"{name} ({local_name})" if local_name and local_name != name else name


def _language_variant(calendar: holidays.HolidayBase, language: str) -> str | None:
    supported = tuple(getattr(calendar, "supported_languages", ()) or ())
    base = language.replace("-", "_").split("_")[0].lower()
    if base == "en":
        return "en_US" if "en_US" in supported else None
    if language in supported:
        return language
    return next((code for code in supported if code.split("_")[0].lower() == base), None)


def weekend(country: str | None) -> frozenset[int]:
    """The country's weekly rest days (Monday is 0)."""
    calendar = _calendar(country, 2026, None) if country else None
    days = getattr(calendar, "weekend", None)
    return frozenset(days) if days else DEFAULT_WEEKEND


def is_working_day(country: str | None, day: date) -> bool:
    """Neither a weekly rest day nor a public holiday of `country`."""
    return day.weekday() not in weekend(country) and (
        not country or holiday_name(country, day) is None)


def shift_off_rest_day(country: str | None, day: date, *, allow_weekends: bool) -> Shift | None:
    """Where a meeting the rule puts on `day` goes instead, or None when it stays.

    A holiday always moves a meeting; a weekly rest day moves it unless the series allows
    weekends. It goes to the next working day, or, when that would leave the month, to the
    working day before ("modified following", as banks settle payments): a quarterly
    meeting owed in March stays in March, and the quarter's cadence with it.
    """
    holiday = holiday_name(country, day) if country else None
    if holiday is None and (allow_weekends or day.weekday() not in weekend(country)):
        return None
    for step in (1, -1):
        new = day + timedelta(days=step)
        for _ in range(MAX_SEARCH_DAYS):
            if new.month != day.month:
                break
            if is_working_day(country, new):
                return Shift(day, new, holiday, country)
            new += timedelta(days=step)
    return None
