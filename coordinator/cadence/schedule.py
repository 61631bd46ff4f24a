"""From a series' rules to dated meetings: the plan that materialisation writes down."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from coordinator.cadence.errors import N_, InvalidRule
from coordinator.cadence.recurrence import Recurrence, wall_clock
from coordinator.cadence.rest_days import Shift, shift_off_rest_day


@dataclass(frozen=True)
class RuleSegment:
    """One version of a series' rule, for slots on local dates [valid_from, valid_until)."""

    recurrence: Recurrence
    duration: timedelta
    valid_from: date | None = None
    valid_until: date | None = None

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_until is None or day < self.valid_until
        )


@dataclass(frozen=True)
class PlannedMeeting:
    key: str  # the rule's own slot in wall-clock time, stable across holiday shifts
    start: datetime  # aware, in the series' zone, after any holiday shift
    end: datetime
    zone_name: str
    shift: Shift | None

    @property
    def start_utc(self) -> datetime:
        return self.start.astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return self.end.astimezone(UTC)


def slot_key(slot: datetime) -> str:
    """The identity of a rule's slot: local date and time, e.g. '2027-01-15T10:00'."""
    return f"{slot.date().isoformat()}T{slot:%H:%M}"


def plan(
    segments: list[RuleSegment],
    holiday_country: str | None,
    window_start: datetime,
    window_end: datetime,
    *,
    allow_weekends: bool = False,
) -> list[PlannedMeeting]:
    """Every meeting the rules call for whose rule slot lies in [window_start, window_end),
    moved off holidays (and weekends unless `allow_weekends`)."""
    planned: dict[str, PlannedMeeting] = {}
    for segment in segments:
        rec = segment.recurrence
        for slot in rec.starts_between(window_start, window_end):
            if not segment.covers(slot.date()):
                continue
            shift = shift_off_rest_day(holiday_country, slot.date(),
                                       allow_weekends=allow_weekends)
            start = wall_clock(shift.new, rec.at, rec.zone) if shift else slot
            end = (start.astimezone(UTC) + segment.duration).astimezone(rec.zone)
            planned[slot_key(slot)] = PlannedMeeting(slot_key(slot), start, end,
                                                     rec.zone_name, shift)
    return sorted(planned.values(), key=lambda p: p.start_utc)


def refuse_crowded_days(planned: list[PlannedMeeting]) -> None:
    """Refuse a plan in which moving off rest days puts two meetings on one day.

    A daily rule with weekends forbidden would send Saturday's and Sunday's meetings to
    Monday, beside Monday's own; nothing may silently merge or disappear, so the person
    choosing the rule is asked to change it.
    """
    taken: dict[date, PlannedMeeting] = {}
    for meeting in sorted(planned, key=lambda p: p.key):
        day = meeting.start.date()
        other = taken.get(day)
        if other is not None and (meeting.shift or other.shift):
            first, second = sorted((other, meeting), key=lambda p: p.key)
            raise InvalidRule(
                N_("After moving off weekends and public holidays, the meetings of %(first)s "
                   "and %(second)s would both fall on %(day)s. Limit the rule to working days "
                   "(for example BYDAY=MO,TU,WE,TH,FR), allow weekends, or choose dates "
                   "further apart."),
                first=date.fromisoformat(first.key[:10]),
                second=date.fromisoformat(second.key[:10]), day=day)
        taken[day] = meeting


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole months, clamped to the month's last day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))
