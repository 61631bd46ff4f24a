"""Properties every generated schedule has, whatever the rule, zone and time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coordinator.cadence.periods import period_of
from coordinator.cadence.recurrence import Recurrence
from coordinator.cadence.schedule import RuleSegment, plan

ZONES = [
    "America/New_York", "America/Santiago", "America/Asuncion", "America/Mexico_City",
    "America/Guatemala", "America/Sao_Paulo", "America/Port-au-Prince", "America/Havana",
    "America/Toronto", "America/Vancouver", "America/St_Johns", "Pacific/Easter",
    "Europe/Madrid", "America/Tijuana", "America/Argentina/Buenos_Aires",
]
HOLIDAY_COUNTRIES = [None, "GT", "MX", "BR", "CO", "US", "CL", "HT", "CA"]

times = st.builds(time, st.integers(6, 21), st.sampled_from([0, 15, 30, 45]))
firsts = st.dates(date(2024, 1, 1), date(2030, 12, 31)).map(lambda d: d.replace(day=min(d.day, 28)))
by_day = st.one_of(
    st.just(""),
    st.integers(1, 28).map(lambda d: f";BYMONTHDAY={d}"),
    st.tuples(st.sampled_from(["1", "2", "3", "-1"]),
              st.sampled_from(["MO", "TU", "WE", "TH", "FR"])).map(
        lambda t: f";BYDAY={t[0]}{t[1]}"),
)


@settings(max_examples=150, deadline=None)
@given(first=firsts, at=times, zone=st.sampled_from(ZONES), months=st.sampled_from([3, 6]),
       extra=by_day)
def test_every_meeting_is_at_wall_clock_time_strictly_ordered_one_per_period(
    first: date, at: time, zone: str, months: int, extra: str
) -> None:
    rec = Recurrence(first, at, zone, f"FREQ=MONTHLY;INTERVAL={months}{extra}").validated()
    start = datetime.combine(first, time(0), tzinfo=UTC) - timedelta(days=1)
    got = plan([RuleSegment(rec, timedelta(minutes=90))], None, start,
               start + timedelta(days=365 * 4))
    assert len(got) >= 4 * 12 // months - 1
    for meeting in got:
        assert (meeting.start.hour, meeting.start.minute) == (at.hour, at.minute)
        assert meeting.start.tzinfo is not None and meeting.start.utcoffset() is not None
    instants = [m.start_utc for m in got]
    assert instants == sorted(instants) and len(set(instants)) == len(instants)
    periods = [period_of(m.start.date(), months) for m in got]
    assert len(set(periods)) == len(periods)  # one per period
    # ... and no period skipped between the first and the last.
    index = [p.year * (12 // months) + p.index for p in periods]
    assert index == list(range(index[0], index[0] + len(index)))


@settings(max_examples=100, deadline=None)
@given(first=firsts, at=times, zone=st.sampled_from(ZONES),
       country=st.sampled_from(HOLIDAY_COUNTRIES))
def test_holiday_shifts_keep_time_order_and_land_on_working_days(
    first: date, at: time, zone: str, country: str | None
) -> None:
    from coordinator.cadence.rest_days import holiday_name, is_working_day

    rec = Recurrence(first, at, zone, "FREQ=MONTHLY").validated()
    start = datetime.combine(first, time(0), tzinfo=UTC) - timedelta(days=1)
    got = plan([RuleSegment(rec, timedelta(minutes=60))], country, start,
               start + timedelta(days=730))
    instants = [m.start_utc for m in got]
    assert instants == sorted(instants) and len(set(instants)) == len(instants)
    for meeting in got:
        assert (meeting.start.hour, meeting.start.minute) == (at.hour, at.minute)
        if meeting.shift is not None:
            original = meeting.shift.original
            if country is not None:
                assert holiday_name(country, original) == meeting.shift.holiday
            if meeting.shift.holiday is None:
                assert original.weekday() >= 5
            assert is_working_day(country, meeting.start.date())
            # To the next working day, or the one before when that would leave the month.
            assert (meeting.start.year, meeting.start.month) == (original.year, original.month)
            assert meeting.start.date() != original
        else:
            assert meeting.start.weekday() < 5
            assert country is None or holiday_name(country, meeting.start.date()) is None


@settings(max_examples=60, deadline=None)
@given(first=firsts, at=times, zone=st.sampled_from(ZONES))
def test_planning_twice_gives_the_same_meetings(first: date, at: time, zone: str) -> None:
    rec = Recurrence(first, at, zone, "FREQ=MONTHLY;INTERVAL=3").validated()
    start = datetime.combine(first, time(0), tzinfo=UTC)
    segments = [RuleSegment(rec, timedelta(minutes=90))]
    window = (start, start + timedelta(days=800))
    assert plan(segments, "GT", *window) == plan(segments, "GT", *window)


@settings(max_examples=150, deadline=None)
@given(first=st.dates(date(2024, 1, 1), date(2030, 12, 31)), at=times,
       zone=st.sampled_from(ZONES), months=st.sampled_from([3, 6]),
       country=st.sampled_from(HOLIDAY_COUNTRIES))
def test_default_rules_from_any_first_date_keep_every_period(
    first: date, at: time, zone: str, months: int, country: str | None
) -> None:
    """Quarterly and six-monthly series may start on any day: in a shorter month the
    meeting falls on its last day, and moving off rest days never leaves the month."""
    import calendar

    from coordinator.cadence.recurrence import month_end_safe

    rule = month_end_safe(f"FREQ=MONTHLY;INTERVAL={months}", first)
    rec = Recurrence(first, at, zone, rule).validated()
    start = datetime.combine(first, time(0), tzinfo=UTC) - timedelta(days=1)
    got = plan([RuleSegment(rec, timedelta(minutes=90))], country, start,
               start + timedelta(days=365 * 3))
    assert len(got) >= 3 * 12 // months - 1
    for meeting in got:
        slot = date.fromisoformat(meeting.key[:10])
        assert slot.day == min(first.day, calendar.monthrange(slot.year, slot.month)[1])
        assert (meeting.start.year, meeting.start.month) == (slot.year, slot.month)
    periods = [period_of(m.start.date(), months) for m in got]
    index = [p.year * (12 // months) + p.index for p in periods]
    assert index == list(range(index[0], index[0] + len(index)))
