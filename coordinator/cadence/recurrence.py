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
    EndBeforeStart,
    InvalidDuration,
    InvalidInput,
    InvalidRule,
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
        raise InvalidRule("The recurrence rule is empty. Example: 'FREQ=MONTHLY;INTERVAL=3'.")
    if len(text) > MAX_RULE_LENGTH:
        raise InvalidRule(f"The recurrence rule is longer than {MAX_RULE_LENGTH} characters.")
    body = text.strip().upper()
    if body.startswith("RRULE:"):
        body = body[len("RRULE:"):]
    if "\n" in body or "\r" in body:
        raise InvalidRule("Give a single RRULE line, without DTSTART or EXDATE lines.")
    parts: dict[str, str] = {}
    for chunk in body.split(";"):
        if not chunk:
            continue
        name, sep, value = chunk.partition("=")
        if not sep or not value:
            raise InvalidRule(f"'{chunk}' is not NAME=VALUE. Example: 'FREQ=MONTHLY;INTERVAL=3'.")
        if name in FORBIDDEN_PARTS:
            raise InvalidRule(
                f"{name} is not allowed in the rule: the series' start date, time and zone "
                "are set separately."
            )
        if name not in KNOWN_PARTS:
            raise InvalidRule(f"Unknown rule part {name!r} (RFC 5545 section 3.3.10).")
        if name in parts:
            raise InvalidRule(f"{name} appears twice in the rule.")
        parts[name] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise InvalidRule("The rule needs FREQ, e.g. 'FREQ=MONTHLY;INTERVAL=3' for quarterly.")
    if freq in ("SECONDLY", "MINUTELY", "HOURLY"):
        raise RuleTooFrequent(
            f"FREQ={freq} is more frequent than daily. Meetings recur at most daily: "
            "use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."
        )
    if freq not in ALLOWED_FREQS:
        raise InvalidRule(f"FREQ={freq} is not a frequency; use DAILY, WEEKLY, MONTHLY or YEARLY.")
    for name, low, high in (("INTERVAL", 1, 120), ("COUNT", 1, 1000)):
        if name in parts and not (parts[name].isdigit() and low <= int(parts[name]) <= high):
            raise InvalidRule(f"{name} must be a whole number from {low} to {high}; "
                              f"got {parts[name]!r}.")
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidRule("Use COUNT or UNTIL, not both (RFC 5545 section 3.3.10).")
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_in_utc(parts["UNTIL"], zone)
    _refuse_skipped_months(parts, first_date)
    canonical = ";".join(f"{k}={v}" for k, v in parts.items())
    start = wall_clock(first_date, at, zone)
    try:
        parsed = rrulestr(canonical, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise InvalidRule(f"The recurrence rule cannot be read: {exc}.") from exc
    if not isinstance(parsed, rrule):
        raise InvalidRule("Give a single recurrence rule.")
    if "UNTIL" in parts:
        until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        if until < start:
            raise EndBeforeStart(
                f"The rule ends ({until:%Y-%m-%d}) before the series starts "
                f"({first_date.isoformat()}). Move UNTIL after the start date."
            )
    if parsed.after(start, inc=True) is None:
        raise InvalidRule("The rule never produces a meeting; check BYMONTHDAY, BYMONTH and BYDAY.")
    return canonical


def _refuse_skipped_months(parts: dict[str, str], first_date: date) -> None:
    """RFC 5545 drops dates that do not exist (a 31st in June), so "quarterly from 31 March"
    silently skips quarters. Say so instead of losing meetings."""
    if any(p in parts for p in ("BYDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")):
        return
    day = parts.get("BYMONTHDAY")
    days = [first_date.day] if day is None else [int(d) for d in day.split(",") if d.strip()
                                                  .lstrip("+-").isdigit()]
    freq = parts["FREQ"]
    if freq == "MONTHLY" and "BYMONTH" not in parts and days and min(days) > 28:
        raise InvalidRule(
            f"A monthly rule on day {min(days)} skips the months that have no such day. "
            "Use BYMONTHDAY=-1 for the last day of the month, or a day up to 28."
        )
    if freq == "YEARLY" and day is None and "BYMONTH" not in parts and (
        first_date.month, first_date.day) == (2, 29):
        raise InvalidRule("A yearly rule from 29 February only recurs in leap years; "
                          "use BYMONTH=2;BYMONTHDAY=-1 for the last day of February.")


def _until_in_utc(value: str, zone: ZoneInfo) -> str:
    """People type UNTIL as a local date; RFC 5545 wants UTC with a zoned DTSTART."""
    match = _UNTIL.match(value)
    if not match:
        raise InvalidRule(
            f"UNTIL={value} is not a date; write it as YYYYMMDD, e.g. UNTIL=20301231.")
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
        raise InvalidRule(f"UNTIL={value} is not a valid date.") from exc
    return instant.strftime("%Y%m%dT%H%M%SZ")


def check_duration(duration: timedelta) -> timedelta:
    if duration <= timedelta(0):
        raise InvalidDuration("The duration must be positive, e.g. 90 minutes.")
    if duration > MAX_DURATION:
        raise InvalidDuration(
            "A meeting lasts at most 24 hours. For a longer event, schedule one meeting a day."
        )
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
            raise InvalidRule("Give the time of day without a zone; the zone is set separately.")
        if not FIRST_YEAR <= self.first_date.year <= LAST_YEAR:
            raise InvalidInput(f"Use a first date from {FIRST_YEAR} to {LAST_YEAR}.",
                               field="first_date")
        if self.rrule is None:
            return self
        try:
            rule = normalise_rule(self.rrule, self.first_date, self.at, zone)
        except OverflowError as exc:  # e.g. UNTIL=99991231 in a zone west of UTC
            raise InvalidRule(f"The rule reaches beyond the year {LAST_YEAR}.") from exc
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
