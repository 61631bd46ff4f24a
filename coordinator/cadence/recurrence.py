"""RFC 5545 recurrence rules expanded in wall-clock time in an IANA zone.

A quarterly meeting at 10:00 in America/Guatemala stays at 10:00 there whatever
the offsets do; the UTC instant is derived from the wall-clock time, never stored
as the rule's truth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from coordinator.cadence.errors import (
    N_,
    EndBeforeStart,
    InvalidDuration,
    InvalidInput,
    InvalidRule,
    Np_,
    RuleTooFrequent,
)
from coordinator.cadence.zones import get_zone

MAX_DURATION = timedelta(hours=24)
# Years the service plans in: far enough either way, and every zone can show them.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_RULE_LENGTH = 500
ALLOWED_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# The time of day is the series' own; a rule that sets it would make several meetings a day.
FORBIDDEN_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND", "DTSTART", "TZID")
KNOWN_PARTS = {
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYYEARDAY",
    "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST",
}
_UNTIL = re.compile(r"^(\d{8})(T(\d{6})(Z?))?$")


def wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware datetime for a local date and time.

    RFC 5545 3.3.5: a local time inside a DST gap is read with the offset before
    the gap (so 02:30 on a spring-forward night becomes 03:30); zoneinfo's fold=0
    does exactly that once the value goes through UTC.
    """
    local = datetime.combine(day, at, tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone)


def normalise_rule(text: str, first_date: date, at: time, zone: ZoneInfo) -> str:
    """Check a rule and return it in canonical form (upper case, UNTIL in UTC).

    Raises InvalidRule, RuleTooFrequent or EndBeforeStart with a message that says
    how to fix the rule.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidRule(N_("The recurrence rule is empty. Example: %(example)s."),
                          example="FREQ=MONTHLY;INTERVAL=3")
    if len(text) > MAX_RULE_LENGTH:
        raise InvalidRule(Np_("The recurrence rule is longer than %(num)s character.",
                              "The recurrence rule is longer than %(num)s characters."),
                          num=MAX_RULE_LENGTH)
    body = text.strip().upper()
    if body.startswith("RRULE:"):
        body = body[len("RRULE:"):]
    if "\n" in body or "\r" in body:
        raise InvalidRule(N_("Give a single RRULE line, without DTSTART or EXDATE lines."))
    parts: dict[str, str] = {}
    for chunk in body.split(";"):
        if not chunk:
            continue
        name, sep, value = chunk.partition("=")
        if not sep or not value:
            raise InvalidRule(N_("%(part)s is not NAME=VALUE. Example: %(example)s."),
                              part=chunk, example="FREQ=MONTHLY;INTERVAL=3")
        if name in FORBIDDEN_PARTS:
            raise InvalidRule(N_("%(part)s is not allowed in the rule: the series' start "
                                 "date, time and zone are set separately."), part=name)
        if name not in KNOWN_PARTS:
            raise InvalidRule(N_("Unknown rule part %(part)s (RFC 5545 section 3.3.10)."),
                              part=name)
        if name in parts:
            raise InvalidRule(N_("%(part)s appears twice in the rule."), part=name)
        parts[name] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise InvalidRule(N_("The rule needs FREQ, for example %(example)s for quarterly."),
                          example="FREQ=MONTHLY;INTERVAL=3")
    if freq in ("SECONDLY", "MINUTELY", "HOURLY"):
        raise RuleTooFrequent(
            N_("FREQ=%(freq)s is more frequent than daily. Meetings recur at most daily: "
               "use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."), freq=freq)
    if freq not in ALLOWED_FREQS:
        raise InvalidRule(N_("FREQ=%(freq)s is not a frequency; use DAILY, WEEKLY, MONTHLY or "
                             "YEARLY."), freq=freq)
    for name, low, high in (("INTERVAL", 1, 120), ("COUNT", 1, 1000)):
        if name in parts and not (parts[name].isdigit() and low <= int(parts[name]) <= high):
            raise InvalidRule(N_("%(part)s must be a whole number from %(low)s to %(high)s; "
                                 "got %(value)s."), part=name, low=low, high=high,
                              value=parts[name])
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidRule(N_("Use COUNT or UNTIL, not both (RFC 5545 section 3.3.10)."))
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_in_utc(parts["UNTIL"], zone)
    _refuse_impossible_days(parts)
    _refuse_skipped_months(parts, first_date)
    canonical = ";".join(f"{k}={v}" for k, v in parts.items())
    start = wall_clock(first_date, at, zone)
    try:
        parsed = rrulestr(canonical, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise InvalidRule(N_("The recurrence rule cannot be read: %(reason)s."),
                          reason=str(exc)) from exc
    if not isinstance(parsed, rrule):
        raise InvalidRule(N_("Give a single recurrence rule."))
    if "UNTIL" in parts:
        until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        if until < start:
            raise EndBeforeStart(
                N_("The rule ends (%(end)s) before the series starts (%(start)s). Move UNTIL "
                   "after the start date."), end=until.date(), start=first_date)
    if parsed.after(start, inc=True) is None:
        raise InvalidRule(N_("The rule never produces a meeting; check BYMONTHDAY, BYMONTH "
                             "and BYDAY."))
    return canonical


# Parts that already choose the days themselves: a month-end fix must not touch them.
_DAY_CHOOSING = ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS", "BYMONTH")


def month_end_day(day: int) -> dict[str, str]:
    """Rule parts for "on `day`, or the month's last day when the month is shorter".

    RFC 5545 drops dates that do not exist, so a plain monthly rule from the 30th loses
    February. BYMONTHDAY=-1 is the last day; for the 29th and 30th the set 28..day with
    BYSETPOS=-1 takes the latest of those days the month has (3.3.10, BYSETPOS).
    """
    if day >= 31:
        return {"BYMONTHDAY": "-1"}
    return {"BYMONTHDAY": ",".join(str(d) for d in range(28, day + 1)), "BYSETPOS": "-1"}


def month_end_safe(rule: str, first_date: date) -> str:
    """A default monthly rule from any first date: past the 28th it keeps every month."""
    parts = _parts(rule)
    if (parts.get("FREQ") != "MONTHLY" or first_date.day <= 28
            or any(p in parts for p in _DAY_CHOOSING)):
        return rule
    return _joined({**parts, **month_end_day(first_date.day)})


def _parts(rule: str) -> dict[str, str]:
    pairs = (chunk.partition("=") for chunk in rule.upper().split(";") if chunk)
    return {name: value for name, _, value in pairs}


def _joined(parts: dict[str, str]) -> str:
    return ";".join(f"{k}={v}" for k, v in parts.items())


def _refuse_skipped_months(parts: dict[str, str], first_date: date) -> None:
    """RFC 5545 drops dates that do not exist (a 31st in June), so "quarterly from 31 March"
    silently skips quarters. Say so, and offer the rule that keeps every month."""
    if any(p in parts for p in ("BYDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")):
        return
    day = parts.get("BYMONTHDAY")
    days = [first_date.day] if day is None else [int(d) for d in day.split(",") if d.strip()
                                                  .lstrip("+-").isdigit()]
    freq = parts["FREQ"]
    if freq == "MONTHLY" and "BYMONTH" not in parts and days and min(days) > 28:
        if len(days) == 1 and days[0] > 0:
            fixed = {k: v for k, v in parts.items() if k != "BYMONTHDAY"}
            raise InvalidRule(
                N_("A rule on day %(day)s of the month skips the months that have no such "
                   "day. To meet on the last day of those months instead, use %(rule)s."),
                day=days[0], rule=_joined({**fixed, **month_end_day(days[0])}))
        raise InvalidRule(
            N_("A rule on day %(day)s of the month skips the months that have no such day. "
               "Use BYMONTHDAY=-1 for the last day of the month, or days up to 28."),
            day=min(days))
    if freq == "YEARLY" and day is None and "BYMONTH" not in parts and (
        first_date.month, first_date.day) == (2, 29):
        raise InvalidRule(
            N_("A yearly rule from 29 February only recurs in leap years. To meet on the "
               "last day of February every year, use %(rule)s."),
            rule=_joined({**parts, "BYMONTH": "2", "BYMONTHDAY": "-1"}))


# The most days each month can have (February: 29, in leap years).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _refuse_impossible_days(parts: dict[str, str]) -> None:
    """A day no chosen month has (30 February) is refused at once: dateutil would search
    for it day by day up to the year 9999, seconds of CPU for every preview."""
    if "BYMONTHDAY" not in parts:
        return
    try:
        days = [int(d) for d in parts["BYMONTHDAY"].split(",")]
        months = ([int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts
                  else list(range(1, 13)))
    except ValueError:
        return  # dateutil's parser says what is wrong with the numbers
    if not any(0 < abs(d) <= _MONTH_DAYS[m - 1] for d in days for m in months if 1 <= m <= 12):
        raise InvalidRule(N_("No month in this rule has such a day, so it never produces a "
                             "meeting; check BYMONTHDAY and BYMONTH."))


def _until_in_utc(value: str, zone: ZoneInfo) -> str:
    """People type UNTIL as a local date; RFC 5545 wants UTC with a zoned DTSTART."""
    match = _UNTIL.match(value)
    if not match:
        raise InvalidRule(N_("UNTIL=%(value)s is not a date; write it as YYYYMMDD, for "
                             "example UNTIL=20301231."), value=value)
    try:
        digits = match.group(1)
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        if match.group(2) is None:
            local_end = datetime.combine(day, time(23, 59, 59), tzinfo=zone)
            instant = local_end.astimezone(UTC)
        else:
            hms = match.group(3)
            clock = time(int(hms[:2]), int(hms[2:4]), int(hms[4:]))
            zoned = UTC if match.group(4) else zone
            instant = datetime.combine(day, clock, tzinfo=zoned).astimezone(UTC)
    except ValueError as exc:
        raise InvalidRule(N_("UNTIL=%(value)s is not a valid date."), value=value) from exc
    return instant.strftime("%Y%m%dT%H%M%SZ")


def check_duration(duration: timedelta) -> timedelta:
    if duration <= timedelta(0):
        raise InvalidDuration(N_("The duration must be positive, for example 90 minutes."))
    if duration > MAX_DURATION:
        raise InvalidDuration(N_("A meeting lasts at most 24 hours. For a longer event, "
                                 "schedule one meeting a day."))
    return duration


@dataclass(frozen=True)
class Recurrence:
    """A rule, or a single date when `rrule` is None, at a wall-clock time in a zone."""

    first_date: date
    at: time
    zone_name: str
    rrule: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        return get_zone(self.zone_name)

    def validated(self) -> Recurrence:
        """A copy with the rule in canonical form; raises InvalidInput subclasses."""
        zone = get_zone(self.zone_name)
        if self.at.tzinfo is not None:
            raise InvalidRule(N_("Give the time of day without a zone; the zone is set "
                                 "separately."))
        if not FIRST_YEAR <= self.first_date.year <= LAST_YEAR:
            raise InvalidInput(N_("Use a first date from %(first)s to %(last)s."),
                               field="first_date", first=FIRST_YEAR, last=LAST_YEAR)
        if self.rrule is None:
            return self
        try:
            rule = normalise_rule(self.rrule, self.first_date, self.at, zone)
        except OverflowError as exc:  # e.g. UNTIL=99991231 in a zone west of UTC
            raise InvalidRule(N_("The rule reaches beyond the year %(last)s."),
                              last=LAST_YEAR) from exc
        return Recurrence(self.first_date, self.at.replace(second=0, microsecond=0),
                          self.zone_name, rule)

    def starts_between(self, start: datetime, end: datetime) -> list[datetime]:
        """Local, aware start times with `start <= t < end` (instants compared in UTC)."""
        zone = self.zone
        first = wall_clock(self.first_date, self.at, zone)
        if self.rrule is None:
            return [first] if start <= first < end else []
        parsed = rrulestr(self.rrule, dtstart=first)
        # dateutil keeps the wall-clock time and the zone; re-derive each through UTC so
        # a time in a DST gap gets its RFC 5545 meaning.
        return [
            wall_clock(t.date(), self.at, zone)
            for t in parsed.between(start - timedelta(days=1), end + timedelta(days=1), inc=True)
            if start <= wall_clock(t.date(), self.at, zone) < end
        ]

    def next_after(self, moment: datetime) -> datetime | None:
        """The first start at or after `moment`, or None when the rule has ended."""
        zone = self.zone
        first = wall_clock(self.first_date, self.at, zone)
        if self.rrule is None:
            return first if first >= moment else None
        found = rrulestr(self.rrule, dtstart=first).after(moment - timedelta(days=1), inc=True)
        while found is not None and wall_clock(found.date(), self.at, zone) < moment:
            found = rrulestr(self.rrule, dtstart=first).after(found, inc=False)
        return wall_clock(found.date(), self.at, zone) if found is not None else None
