"""Spans of time as words in the reader's language: quarters and half-years ("1st quarter
of 2027", "1.er trimestre de 2027", "premye trimès 2027"; readers do not say "2027 Q1"),
and how long something lasts ("7 days", not "168 hours")."""

from __future__ import annotations

from typing import Literal

from babel.dates import get_quarter_names
from flask_babel import gettext, ngettext

from coordinator.cadence.periods import Period
from coordinator.i18n import reader_locale

PeriodKind = Literal["quarter", "half"]


def period_name(kind: PeriodKind, year: int, index: int) -> str:
    """A quarter (index 1-4) or half-year (1-2) of `year`, named for the current reader.

    Quarter names are CLDR's (through Babel, and the project's overlay for Kreyòl); CLDR
    has no half-years, so their two names are in the catalogs.
    """
    if kind == "quarter":
        if not 1 <= index <= 4:
            raise ValueError(f"a quarter is 1-4, not {index}")
        quarter = get_quarter_names("wide", context="format", locale=reader_locale())[index]
        return gettext("%(quarter)s of %(year)s", quarter=quarter, year=year)
    if index == 1:
        return gettext("1st half of %(year)s", year=year)
    if index == 2:
        return gettext("2nd half of %(year)s", year=year)
    raise ValueError(f"a half-year is 1 or 2, not {index}")


def name_of_period(period: Period) -> str:
    """A compliance period (a quarter or a half-year) for the current reader."""
    return period_name("quarter" if period.months == 3 else "half", period.year, period.index)


def duration_words(hours: int) -> str:
    """How long something lasts (a link, a window), as people say it: in days when it is
    a whole number of days ("7 days", never "168 hours"), otherwise in hours."""
    if hours and hours % 24 == 0:
        return ngettext("%(num)s day", "%(num)s days", hours // 24)
    return ngettext("%(num)s hour", "%(num)s hours", hours)
