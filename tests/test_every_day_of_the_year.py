"""The date-sensitive scenarios under awkward "today"s: month ends, leap days, the year's
end and the days around the US and Chilean clock changes.

Each run freezes the clock (time-machine) at one such day and schedules series whose
first dates are taken from that day, as a coordinator would: today, tomorrow, the end of
this month. Whatever the day, the default rules must accept them, every meeting must land
on a working day in its own month, the deadlines and suggestion windows must agree with
each other, the compliance table must count each period once, and the feeds' window must
hold exactly the meetings it promises.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from icalendar import Calendar

from coordinator.agendas.suggestions import window_open
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.periods import period_of
from coordinator.cadence.rest_days import holiday_name
from coordinator.calendar.feeds import window
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import Series
from coordinator.tracking.compliance import compliance_report
from coordinator.unit import Actor

AWKWARD_DAYS = [
    date(2027, 1, 29), date(2027, 1, 30), date(2027, 1, 31),  # month ends
    date(2028, 2, 28), date(2028, 2, 29),  # a leap year
    date(2027, 2, 28),  # and another year
    date(2027, 12, 31),
    date(2027, 3, 13), date(2027, 3, 15),  # either side of the US spring-forward
    date(2027, 4, 3), date(2027, 4, 5),  # Chile falls back (4 April)
    date(2027, 9, 4), date(2027, 9, 6),  # Chile springs forward (5 September)
    date(2027, 11, 6), date(2027, 11, 8),  # the US falls back (7 November)
]


def first_dates(today: date) -> list[date]:
    last = date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    return sorted({today, today + timedelta(days=1), last})


def check_series(series: Series, now: datetime, months: int) -> None:
    meetings = sorted(series.meetings, key=lambda m: m.start_at)
    assert meetings, f"no meeting for {series.current_rule.first_date}"
    country = series.holiday_country
    for meeting in meetings:
        local = meeting.start_local
        slot = date.fromisoformat(meeting.occurrence_key[:10])
        assert local.weekday() < 5, f"{local} is a weekend day"
        assert country is None or holiday_name(country, local.date()) is None
        assert (local.year, local.month) == (slot.year, slot.month)
        assert local.strftime("%H:%M") == "10:00"
        deadlines = meeting.deadlines
        assert (deadlines.suggestions_open < deadlines.suggestions_close
                < deadlines.agenda_due < meeting.start_at)
        expected_open = deadlines.suggestions_open <= now < deadlines.suggestions_close
        assert window_open(meeting, now) == expected_open
    # One meeting per period, none skipped, from the first on.
    periods = [period_of(m.start_local.date(), months) for m in meetings]
    index = [p.year * (12 // months) + p.index for p in periods]
    assert index == list(range(index[0], index[0] + len(index)))


def feed_uids(client, path: str) -> set[str]:  # type: ignore[no-untyped-def]
    answer = client.get(path)
    assert answer.status_code == 200
    return {str(e["UID"]) for e in Calendar.from_ical(answer.data).walk("VEVENT")}


@pytest.mark.parametrize("today", AWKWARD_DAYS, ids=str)
def test_the_cadence_holds_on_an_awkward_day(seeded, client, today: date) -> None:
    now = datetime.combine(today, time(15), tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        made: list[tuple[Series, int]] = []
        for first in first_dates(today):
            made.append((schedule_series(SeriesInput(
                kind=SeriesKind.NATIONAL, country="GT", first_date=first,
                start_time=time(10), zone="America/Guatemala"), now=now, actor=Actor.cli()), 3))
            made.append((schedule_series(SeriesInput(
                kind=SeriesKind.COMMITTEE, committee="labor-mobility", first_date=first,
                start_time=time(10), zone="America/Santiago", holiday_country="CL"),
                now=now, actor=Actor.cli()), 6))
        for series, months in made:
            check_series(series, now, months)

        # Compliance: this year's periods from the first meeting on are kept, once each.
        report = compliance_report(today.year, now=now)
        quarter = period_of(today, 3)
        cell = next(c for c in report.countries["GT"] if c.period == quarter)
        ours = [m for s, _ in made if s.kind == SeriesKind.NATIONAL for m in s.meetings
                if period_of(m.start_local.date(), 3) == quarter]
        assert {m.id for m in ours} == set(cell.meeting_ids)
        # A meeting already started and not yet recorded is awaiting its record.
        assert cell.state.value in ("unrecorded", "scheduled") if ours else \
            cell.state.value == "due"
        for cell in report.countries["GT"]:
            assert cell.period.after_last_day <= today or cell.state.value != "missed"

        # The feeds' window: exactly the meetings from twelve months back to the horizon.
        first, last = window(today)
        for series, _ in made:
            wanted = {m.uid for m in series.meetings if first <= m.start_at < last}
            assert wanted and feed_uids(client, f"/feeds/series/{series.id}.ics") == wanted
        everything = {m.uid for s, _ in made for m in s.meetings if first <= m.start_at < last}
        assert feed_uids(client, "/feeds/all.ics") == everything


@pytest.mark.parametrize("today", [date(2027, 1, 31), date(2028, 2, 29), date(2027, 12, 31)],
                         ids=str)
def test_the_demo_puts_no_meeting_on_a_weekend(seeded, today: date) -> None:
    from sqlalchemy import select

    from coordinator.demo import load_demo
    from coordinator.extensions import db
    from coordinator.models import Meeting

    now = datetime.combine(today, time(12), tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        load_demo(now=now)
    meetings = db.session.scalars(select(Meeting)).all()
    assert len(meetings) > 60
    assert [m.start_local for m in meetings if m.start_local.weekday() >= 5] == []
    for series in db.session.scalars(select(Series)):
        # A day every month has: each series repeats on the same day of the month.
        assert all(rule.first_date.day <= 28 for rule in series.rules)
