"""Recurrence in plain words: "every 3 months, on the second Tuesday" as an RFC 5545 RRULE.

The new-series and rule-change forms offer select fields (how many months apart, and on
which day of the month) instead of RRULE text; this module turns those choices into the
rule and back, so every door writes the same rule for the same words. The RRULE stays
the truth that is stored; an expert's typed rule wins over the picker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil.rrule import rrulestr

from coordinator.cadence.errors import N_, InvalidInput
from coordinator.cadence.recurrence import month_end_day

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# "first" .. "fourth", and "last": a fifth weekday is missing from most months, so a rule
# on it would skip them (RFC 5545 drops occurrences that do not exist).
NTHS = (1, 2, 3, 4, -1)
MONTH_STEPS = (1, 2, 3, 4, 6, 12)


class DayChoice:
    """How the picker chooses the day within the month."""

    SAME_DAY = "same"  # the first meeting's day of the month (the series' anchor)
    MONTH_DAY = "day"  # a fixed day of the month, 1..31 (31: the month's last day)
    WEEKDAY = "weekday"  # the nth weekday, e.g. the second Tuesday


@dataclass(frozen=True)
class Picker:
    """The choices of the plain-words recurrence picker."""

    months: int  # how many months apart the meetings are
    on: str = DayChoice.SAME_DAY
    day: int | None = None  # with MONTH_DAY
    nth: int | None = None  # with WEEKDAY: 1..4, or -1 for the last
    weekday: str | None = None  # with WEEKDAY: MO..SU

    def validated(self) -> Picker:
        """The same choices, or InvalidInput naming the field that is out of range."""
        if self.months not in MONTH_STEPS:
            raise InvalidInput(N_("Choose how many months apart the meetings are."),
                               field="every_months")
        if self.on == DayChoice.MONTH_DAY:
            if self.day is None or not 1 <= self.day <= 31:
                raise InvalidInput(N_("Choose a day of the month from 1 to 31."),
                                   field="month_day")
        elif self.on == DayChoice.WEEKDAY:
            if self.nth not in NTHS:
                raise InvalidInput(N_("Choose which weekday of the month (first to fourth, "
                                      "or last)."), field="nth")
            if self.weekday not in WEEKDAYS:
                raise InvalidInput(N_("Choose a day of the week."), field="weekday")
        elif self.on != DayChoice.SAME_DAY:
            raise InvalidInput(N_("Choose on which day of the month the meetings fall."),
                               field="on")
        return self


def picker_rrule(picker: Picker, first_date: date) -> str:
    """The RRULE for the picker's choices, with the series starting on `first_date`.

    A day past the 28th falls on the month's last day in shorter months instead of
    skipping them, as the kinds' default rules do.
    """
    chosen = picker.validated()
    parts = {"FREQ": "MONTHLY"}
    if chosen.months != 1:
        parts["INTERVAL"] = str(chosen.months)
    if chosen.on == DayChoice.WEEKDAY:
        parts["BYDAY"] = f"{chosen.nth}{chosen.weekday}"
    else:
        day = chosen.day if chosen.on == DayChoice.MONTH_DAY else first_date.day
        assert day is not None
        parts.update(month_end_day(day) if day > 28 else
                     ({"BYMONTHDAY": str(day)} if chosen.on == DayChoice.MONTH_DAY else {}))
    return ";".join(f"{k}={v}" for k, v in parts.items())


_NTH_DAY = re.compile(r"^(-1|[1-4])(MO|TU|WE|TH|FR|SA|SU)$")
_MONTH_END = re.compile(r"^28(,29)?(,30)?$")


def picker_of(rule: str | None) -> Picker | None:
    """The picker's choices that give `rule`, or None when the rule says more than the
    picker can (an expert's rule, shown as text only)."""
    if not rule:
        return None
    parts: dict[str, str] = {}
    for chunk in rule.upper().removeprefix("RRULE:").split(";"):
        name, sep, value = chunk.partition("=")
        if not sep:
            return None
        parts[name] = value
    if parts.pop("FREQ", None) != "MONTHLY":
        return None
    interval = parts.pop("INTERVAL", "1")
    if not interval.isdigit() or int(interval) not in MONTH_STEPS:
        return None
    months = int(interval)
    byday = parts.pop("BYDAY", None)
    bymonthday = parts.pop("BYMONTHDAY", None)
    bysetpos = parts.pop("BYSETPOS", None)
    if parts:
        return None  # COUNT, UNTIL, BYMONTH ...: more than plain words
    if byday is not None:
        match = _NTH_DAY.match(byday)
        if match is None or bymonthday is not None or bysetpos is not None:
            return None
        return Picker(months, DayChoice.WEEKDAY, nth=int(match.group(1)),
                      weekday=match.group(2))
    if bymonthday is None:
        return None if bysetpos is not None else Picker(months)
    if bymonthday == "-1" and bysetpos is None:
        return Picker(months, DayChoice.MONTH_DAY, day=31)
    if bysetpos == "-1" and _MONTH_END.match(bymonthday) and "," in bymonthday:
        return Picker(months, DayChoice.MONTH_DAY, day=int(bymonthday.split(",")[-1]))
    if bysetpos is None and bymonthday.isdigit() and 1 <= int(bymonthday) <= 28:
        return Picker(months, DayChoice.MONTH_DAY, day=int(bymonthday))
    return None


_DAY_PARTS = ("BYDAY", "BYMONTHDAY", "BYSETPOS")


def keep_anchor(rule: str, anchor: date) -> date:
    """The first date for a changed monthly rule that keeps the series' anchor month.

    A rule that chooses its own days (the second Tuesday, day 15) keeps the anchor's
    months but not its day: with the anchor itself as DTSTART, RFC 5545 would drop the
    anchor month's occurrence whenever it falls before the anchor's day (the second
    Tuesday of December is the 8th; an anchor on the 10th would skip December). So the
    new rule starts at its own occurrence in the anchor month, a real meeting date.
    Any other rule keeps the anchor as it is.
    """
    parts = dict(chunk.partition("=")[::2] for chunk in rule.upper().split(";") if chunk)
    if parts.get("FREQ") != "MONTHLY" or not any(p in parts for p in _DAY_PARTS):
        return anchor
    start = datetime.combine(anchor.replace(day=1), time(0))
    try:
        found = rrulestr(rule, dtstart=start).after(start, inc=True)
    except (ValueError, TypeError, KeyError, IndexError):
        return anchor  # the rule's own validation says what is wrong with it
    if found is None or (found.year, found.month) != (anchor.year, anchor.month):
        return anchor
    return found.date()
