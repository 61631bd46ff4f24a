"""Any first date works with the default rules; rest days move meetings, and say so."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from coordinator.cadence.errors import InvalidRule
from coordinator.cadence.recurrence import Recurrence, month_end_safe
from coordinator.cadence.rest_days import shift_off_rest_day
from coordinator.cadence.schedule import PlannedMeeting, RuleSegment, plan, refuse_crowded_days

QUARTERLY = "FREQ=MONTHLY;INTERVAL=3"
GUATEMALA = "America/Guatemala"


def planned(first: date, rule: str | None, *, country: str | None = None,
            allow_weekends: bool = False, days: int = 800) -> list[PlannedMeeting]:
    rec = Recurrence(first, time(10), GUATEMALA, rule).validated()
    start = datetime.combine(first, time(0), tzinfo=UTC) - timedelta(days=1)
    return plan([RuleSegment(rec, timedelta(minutes=90))], country, start,
                start + timedelta(days=days), allow_weekends=allow_weekends)


def slots(meetings: list[PlannedMeeting]) -> list[str]:
    return [m.key[:10] for m in meetings]


@pytest.mark.parametrize(("day", "expected"), [
    (28, QUARTERLY),
    (29, QUARTERLY + ";BYMONTHDAY=28,29;BYSETPOS=-1"),
    (30, QUARTERLY + ";BYMONTHDAY=28,29,30;BYSETPOS=-1"),
    (31, QUARTERLY + ";BYMONTHDAY=-1"),
])
def test_default_rule_from_late_days_falls_on_the_month_end_instead_of_skipping(
    day: int, expected: str
) -> None:
    assert month_end_safe(QUARTERLY, date(2027, 1, day)) == expected
    # A rule that already chooses its days is the user's own: left alone.
    assert month_end_safe(QUARTERLY + ";BYDAY=2TU", date(2027, 1, day)).endswith("BYDAY=2TU")


@pytest.mark.parametrize(("first", "february"), [
    (date(2026, 11, 30), "2027-02-28"),
    (date(2027, 11, 30), "2028-02-29"),  # a leap year
])
def test_series_starting_on_30_november_meets_on_the_last_day_of_february(
    first: date, february: str
) -> None:
    rule = month_end_safe(QUARTERLY, first)
    got = slots(planned(first, rule, allow_weekends=True))[:5]
    year = first.year
    assert got == [f"{year}-11-30", february, f"{year + 1}-05-30", f"{year + 1}-08-30",
                   f"{year + 1}-11-30"]


def test_quarterly_from_31_march_keeps_every_quarter_on_its_last_day() -> None:
    rule = month_end_safe(QUARTERLY, date(2027, 3, 31))
    got = slots(planned(date(2027, 3, 31), rule, allow_weekends=True))[:5]
    assert got == ["2027-03-31", "2027-06-30", "2027-09-30", "2027-12-31", "2028-03-31"]


def test_a_typed_rule_that_skips_months_is_refused_with_the_corrected_rule() -> None:
    with pytest.raises(InvalidRule) as refused:
        Recurrence(date(2027, 1, 30), time(10), GUATEMALA, QUARTERLY).validated()
    corrected = refused.value.params["rule"]
    assert corrected == QUARTERLY + ";BYMONTHDAY=28,29,30;BYSETPOS=-1"
    assert corrected in refused.value.message and "day 30" in refused.value.message
    # The offered rule works, and meets at the end of April.
    got = slots(planned(date(2027, 1, 30), corrected, allow_weekends=True))[:3]
    assert got == ["2027-01-30", "2027-04-30", "2027-07-30"]

    with pytest.raises(InvalidRule) as refused:
        Recurrence(date(2027, 1, 10), time(10), GUATEMALA,
                   "FREQ=MONTHLY;BYMONTHDAY=31").validated()
    assert refused.value.params["rule"] == "FREQ=MONTHLY;BYMONTHDAY=-1"

    with pytest.raises(InvalidRule) as refused:
        Recurrence(date(2028, 2, 29), time(10), GUATEMALA, "FREQ=YEARLY").validated()
    assert refused.value.params["rule"] == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"


def test_default_rule_meeting_on_a_saturday_moves_to_monday() -> None:
    got = planned(date(2027, 6, 12), QUARTERLY, country="GT")  # a Saturday
    first = got[0]
    assert first.key == "2027-06-12T10:00"
    assert first.start.date() == date(2027, 6, 14) and first.start.strftime("%H:%M") == "10:00"
    assert first.shift is not None and first.shift.holiday is None
    assert first.shift.original == date(2027, 6, 12)


def test_meeting_on_a_holiday_friday_moves_to_monday() -> None:
    first = planned(date(2027, 1, 1), QUARTERLY, country="GT")[0]  # New Year, a Friday
    assert first.start.date() == date(2027, 1, 4)
    assert first.shift is not None and first.shift.holiday == "New Year's Day"


def test_a_series_that_allows_weekends_keeps_its_saturday() -> None:
    first = planned(date(2027, 6, 12), QUARTERLY, country="GT", allow_weekends=True)[0]
    assert first.start.date() == date(2027, 6, 12) and first.shift is None
    # ... but a holiday still moves it.
    new_year = planned(date(2027, 1, 1), QUARTERLY, country="GT", allow_weekends=True)[0]
    assert new_year.start.date() == date(2027, 1, 4)


def test_a_month_end_weekend_moves_back_so_the_quarter_keeps_its_meeting() -> None:
    # 31 July 2027 is a Saturday: Monday would be August, so the Friday before.
    shift = shift_off_rest_day("GT", date(2027, 7, 31), allow_weekends=False)
    assert shift is not None and shift.new == date(2027, 7, 30)
    got = planned(date(2027, 7, 31), month_end_safe(QUARTERLY, date(2027, 7, 31)), country="GT")
    assert all(m.start.month == int(m.key[5:7]) for m in got)


def test_without_a_holiday_country_weekends_still_move() -> None:
    first = planned(date(2027, 6, 12), QUARTERLY)[0]
    assert first.start.date() == date(2027, 6, 14)


def test_moves_that_would_crowd_a_day_are_refused_with_what_to_change() -> None:
    # Saturday's and Sunday's meetings of a daily rule would join Monday's.
    daily = planned(date(2027, 6, 12), "FREQ=DAILY;COUNT=5", country="GT")
    with pytest.raises(InvalidRule) as refused:
        refuse_crowded_days(daily)
    assert refused.value.params["day"] == date(2027, 6, 14)
    assert "BYDAY=MO,TU,WE,TH,FR" in refused.value.message
    # Allowed weekends, or working days only, crowd nothing.
    refuse_crowded_days(planned(date(2027, 6, 12), "FREQ=DAILY;COUNT=5", country="GT",
                                allow_weekends=True))
    refuse_crowded_days(planned(date(2027, 6, 14), "FREQ=DAILY;COUNT=5;BYDAY=MO,TU,WE,TH,FR",
                                country="GT"))


@pytest.mark.parametrize("rule", ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
                                  "FREQ=YEARLY;BYMONTH=4,6;BYMONTHDAY=31",
                                  "FREQ=MONTHLY;BYMONTHDAY=32"])
def test_a_day_no_month_has_is_refused_without_searching_the_calendar(rule: str) -> None:
    with pytest.raises(InvalidRule) as refused:
        Recurrence(date(2027, 1, 10), time(10), GUATEMALA, rule).validated()
    assert "No month in this rule has such a day" in refused.value.message
