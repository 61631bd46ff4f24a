"""Reading workspace forms into service inputs; a bad field becomes InvalidInput on that field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time

from coordinator.cadence.deadlines import DeadlineOffsets
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import get_zone
from coordinator.errors import N_, InvalidInput
from coordinator.meetings.series import RuleChange, SeriesInput

WEEKEND_CHOICES: dict[str, bool | None] = {"auto": None, "move": False, "allow": True}


def text(form: Mapping[str, str], name: str, limit: int = 5000) -> str | None:
    value = (form.get(name) or "").strip()
    return value[: limit + 1] or None


def a_date(form: Mapping[str, str], name: str, *, required: bool = True) -> date | None:
    value = text(form, name, 20)
    if value is None:
        if required:
            raise InvalidInput(N_("Give a date."), field=name)
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(N_("Give a date as YYYY-MM-DD."), field=name) from exc
    if not 2000 <= day.year <= 2100:
        raise InvalidInput(N_("Give a date as YYYY-MM-DD."), field=name)
    return day


def a_time(form: Mapping[str, str], name: str) -> time:
    value = text(form, name, 10)
    try:
        return time.fromisoformat(value or "")
    except ValueError as exc:
        raise InvalidInput(N_("Give a time as HH:MM."), field=name) from exc


def a_number(form: Mapping[str, str], name: str, default: int | None = None,
             *, low: int = 0, high: int = 100_000) -> int:
    value = text(form, name, 12)
    if value is None and default is not None:
        return default
    try:
        number = int(value or "")
    except ValueError as exc:
        raise InvalidInput(N_("Give a whole number."), field=name) from exc
    if not low <= number <= high:
        raise InvalidInput(N_("Give a number from %(low)s to %(high)s."), field=name, low=low,
                           high=high)
    return number


def a_zone(form: Mapping[str, str], name: str = "zone") -> str:
    value = text(form, name, 64) or ""
    try:
        get_zone(value)
    except InvalidInput as exc:
        raise InvalidInput(N_("Choose a time zone from the list."), field=name) from exc
    return value


def a_moment(form: Mapping[str, str], zone: str) -> datetime:
    """A local date and time in `zone`, as an aware datetime (the wall clock is kept)."""
    from coordinator.cadence.recurrence import wall_clock

    day = a_date(form, "date")
    assert day is not None
    return wall_clock(day, a_time(form, "time"), get_zone(zone))


def series_input(form: Mapping[str, str], *, coordinator_id: int | None) -> SeriesInput:
    try:
        kind = SeriesKind(form.get("kind") or "")
    except ValueError as exc:
        raise InvalidInput(N_("Choose a kind of meeting."), field="kind") from exc
    first = a_date(form, "first_date")
    assert first is not None
    return SeriesInput(
        kind=kind, first_date=first, start_time=a_time(form, "start_time"),
        zone=a_zone(form), duration_minutes=a_number(form, "duration", 90, low=1, high=1440),
        rrule=text(form, "rrule", 500), title=text(form, "title", 200),
        country=text(form, "country", 2), committee=text(form, "committee", 80),
        coordinator_id=coordinator_id,
        # "auto" (or absent): the country's holidays, or the committee lead's; "": none.
        holiday_country=None if form.get("holiday_country") in (None, "auto")
        else (form.get("holiday_country") or "").strip()[:2],
        # "auto" (or absent): the kind's default; "allow": keep weekends; "move": move off.
        allow_weekends=WEEKEND_CHOICES.get(form.get("weekends") or "auto"),
        location=text(form, "location", 300), online_url=text(form, "online_url", 500),
        description=text(form, "description", 5000),
        held_by=a_date(form, "held_by", required=False),
        offsets=DeadlineOffsets(
            a_number(form, "suggestions_open", 42, high=365),
            a_number(form, "suggestions_close", 21, high=365),
            a_number(form, "agenda_due", 14, high=365),
            tuple(a_number({"r": part}, "r", high=365)
                  for part in (form.get("reminders") or "7, 1").replace(";", ",").split(",")
                  if part.strip())[:5]),
        short_notice_justification=text(form, "short_notice_justification", 2000),
    )


def rule_change(form: Mapping[str, str]) -> RuleChange:
    effective = a_date(form, "effective_from")
    assert effective is not None
    return RuleChange(effective_from=effective, start_time=a_time(form, "start_time"),
                      zone=a_zone(form),
                      duration_minutes=a_number(form, "duration", 90, low=1, high=1440),
                      rrule=text(form, "rrule", 500),
                      first_date=a_date(form, "first_date", required=False))
