"""Recurrence in wall-clock time: DST, zones whose rules changed, and refused rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from coordinator.cadence.errors import (
    EndBeforeStart,
    InvalidDuration,
    InvalidRule,
    RuleTooFrequent,
    UnknownZone,
)
from coordinator.cadence.recurrence import Recurrence, check_duration, wall_clock
from coordinator.cadence.schedule import RuleSegment, plan
from coordinator.cadence.zones import TZDATA_VERSION, get_zone

WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC))


def starts(rule: str | None, first: date, at: time, zone: str) -> list[datetime]:
    return Recurrence(first, at, zone, rule).validated().starts_between(*WINDOW)


def test_quarterly_meeting_stays_at_ten_local_across_dst() -> None:
    got = starts("FREQ=MONTHLY;INTERVAL=3", date(2027, 1, 15), time(10), "America/New_York")
    assert [t.date() for t in got[:4]] == [date(2027, 1, 15), date(2027, 4, 15),
                                           date(2027, 7, 15), date(2027, 10, 15)]
    assert all((t.hour, t.minute) == (10, 0) for t in got)
    utc_hours = [t.astimezone(UTC).hour for t in got[:5]]
    # EST (UTC-5) in January, EDT (UTC-4) from the second Sunday of March to November.
    assert utc_hours == [15, 14, 14, 14, 15]


def test_weekly_meeting_crosses_both_dst_changes_at_ten_local() -> None:
    got = Recurrence(date(2027, 3, 1), time(10), "America/New_York",
                     "FREQ=WEEKLY").validated().starts_between(
        datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 11, 30, tzinfo=UTC))
    offsets = {t.date(): t.utcoffset() for t in got}
    assert all((t.hour, t.minute) == (10, 0) for t in got)
    assert offsets[date(2027, 3, 8)] == timedelta(hours=-5)  # before 14 March
    assert offsets[date(2027, 3, 15)] == timedelta(hours=-4)  # after spring forward
    assert offsets[date(2027, 11, 1)] == timedelta(hours=-4)  # before 7 November
    assert offsets[date(2027, 11, 8)] == timedelta(hours=-5)  # after fall back


@pytest.mark.parametrize(
    ("zone", "january", "july"),
    [
        ("America/Mexico_City", -6, -6),  # DST abolished in 2022
        ("America/Santiago", -3, -4),  # southern-hemisphere DST: summer in January
        ("America/Asuncion", -3, -3),  # permanent UTC-03 since October 2024
        ("America/Vancouver", -7, -7),  # British Columbia stopped changing clocks in 2026
        ("America/New_York", -5, -4),
    ],
)
def test_zones_behave_as_the_tz_database_says(zone: str, january: int, july: int) -> None:
    got = starts("FREQ=MONTHLY;INTERVAL=6", date(2027, 1, 12), time(10), zone)
    jan, jul = got[0], got[1]
    assert (jan.date(), jul.date()) == (date(2027, 1, 12), date(2027, 7, 12))
    assert (jan.hour, jul.hour) == (10, 10)
    assert jan.utcoffset() == timedelta(hours=january)
    assert jul.utcoffset() == timedelta(hours=july)


def test_zones_come_from_the_shipped_tzdata_package() -> None:
    assert TZDATA_VERSION >= "2026a"
    assert get_zone("America/Asuncion").key == "America/Asuncion"


def test_time_in_a_dst_gap_moves_forward_as_rfc_5545_says() -> None:
    # 02:30 does not exist in New York on 14 March 2027: RFC 5545 3.3.5 reads it with the
    # offset before the gap, i.e. 03:30 EDT.
    moment = wall_clock(date(2027, 3, 14), time(2, 30), get_zone("America/New_York"))
    assert (moment.hour, moment.minute) == (3, 30)
    assert moment.astimezone(UTC) == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)


def test_one_off_meeting_has_one_start() -> None:
    got = starts(None, date(2027, 5, 20), time(9), "America/Panama")
    assert got == [datetime(2027, 5, 20, 9, tzinfo=get_zone("America/Panama"))]


def test_until_given_as_a_local_date_includes_that_day() -> None:
    rec = Recurrence(date(2027, 1, 15), time(10), "America/Guatemala",
                     "FREQ=MONTHLY;INTERVAL=3;UNTIL=20271015").validated()
    assert rec.rrule is not None and "UNTIL=20271016T055959Z" in rec.rrule
    assert [t.month for t in rec.starts_between(*WINDOW)] == [1, 4, 7, 10]


@pytest.mark.parametrize(
    ("rule", "error", "words"),
    [
        ("FREQ=HOURLY", RuleTooFrequent, "more frequent than daily"),
        ("FREQ=MINUTELY;INTERVAL=30", RuleTooFrequent, "more frequent than daily"),
        ("FREQ=FORTNIGHTLY", InvalidRule, "not a frequency"),
        ("INTERVAL=3", InvalidRule, "needs FREQ"),
        ("FREQ=MONTHLY;INTERVAL=0", InvalidRule, "INTERVAL must be a whole number"),
        ("FREQ=MONTHLY;INTERVAL=three", InvalidRule, "INTERVAL must be a whole number"),
        ("FREQ=MONTHLY;COUNT=-2", InvalidRule, "COUNT must be a whole number"),
        ("FREQ=MONTHLY;BYDAY=XX", InvalidRule, "cannot be read"),
        ("FREQ=MONTHLY;BYHOUR=9,15", InvalidRule, "BYHOUR is not allowed"),
        ("FREQ=MONTHLY;COLOUR=blue", InvalidRule, "Unknown rule part"),
        ("FREQ=MONTHLY;FREQ=WEEKLY", InvalidRule, "appears twice"),
        ("FREQ=MONTHLY;UNTIL=20261231", EndBeforeStart, "before the series starts"),
        ("FREQ=MONTHLY;UNTIL=tomorrow", InvalidRule, "YYYYMMDD"),
        ("FREQ=MONTHLY;COUNT=3;UNTIL=20301231", InvalidRule, "COUNT or UNTIL"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", InvalidRule, "never produces"),
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=31", InvalidRule, "BYMONTHDAY=-1"),
        ("", InvalidRule, "empty"),
        ("FREQ=MONTHLY\nEXDATE:20270101", InvalidRule, "single RRULE"),
    ],
)
def test_bad_rules_are_refused_with_a_hint(rule: str, error: type, words: str) -> None:
    with pytest.raises(error) as caught:
        Recurrence(date(2027, 1, 15), time(10), "America/Guatemala", rule).validated()
    assert words in str(caught.value)


def test_quarterly_from_the_31st_is_refused_not_silently_thinned() -> None:
    with pytest.raises(InvalidRule, match="skips the months"):
        Recurrence(date(2027, 3, 31), time(10), "America/Lima",
                   "FREQ=MONTHLY;INTERVAL=3").validated()
    ok = Recurrence(date(2027, 3, 31), time(10), "America/Lima",
                    "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1").validated()
    assert [t.date() for t in ok.starts_between(*WINDOW)][:3] == [
        date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30)]


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "EST5EDT ", "", "../../etc/passwd"])
def test_unknown_zone_is_refused(zone: str) -> None:
    with pytest.raises(UnknownZone, match="IANA"):
        Recurrence(date(2027, 1, 15), time(10), zone, "FREQ=MONTHLY").validated()


@pytest.mark.parametrize("minutes", [0, -30, 24 * 60 + 1])
def test_duration_must_be_positive_and_at_most_a_day(minutes: int) -> None:
    with pytest.raises(InvalidDuration):
        check_duration(timedelta(minutes=minutes))
    assert check_duration(timedelta(hours=24)) == timedelta(hours=24)


def test_rule_segments_split_a_series_at_the_change_date() -> None:
    old = RuleSegment(Recurrence(date(2027, 1, 15), time(10), "America/Bogota",
                                 "FREQ=MONTHLY;INTERVAL=3").validated(),
                      timedelta(minutes=90), None, date(2027, 6, 1))
    new = RuleSegment(Recurrence(date(2027, 6, 1), time(15), "America/Bogota",
                                 "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU").validated(),
                      timedelta(minutes=60), date(2027, 6, 1))
    got = plan([old, new], None, datetime(2027, 1, 1, tzinfo=UTC),
               datetime(2028, 1, 1, tzinfo=UTC))
    assert [(p.start.date(), p.start.hour) for p in got] == [
        (date(2027, 1, 15), 10), (date(2027, 4, 15), 10),
        (date(2027, 6, 8), 15), (date(2027, 9, 14), 15), (date(2027, 12, 14), 15)]
    assert got[-1].end - got[-1].start == timedelta(minutes=60)
