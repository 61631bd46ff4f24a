"""Holiday shifts in several countries, and deadline arithmetic in local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from coordinator.cadence.deadlines import DeadlineOffsets, deadlines_for
from coordinator.cadence.errors import DeadlineOrder
from coordinator.cadence.recurrence import Recurrence
from coordinator.cadence.rest_days import holiday_name, shift_off_rest_day
from coordinator.cadence.schedule import RuleSegment, plan
from coordinator.cadence.zones import get_zone


@pytest.mark.parametrize(
    ("country", "day", "new", "holiday"),
    [
        ("GT", date(2027, 1, 1), date(2027, 1, 4), "New Year's Day"),  # Friday -> Monday
        ("GT", date(2027, 3, 25), date(2027, 3, 29), "Maundy Thursday"),  # and Good Friday
        ("MX", date(2027, 9, 16), date(2027, 9, 17), "Independence Day"),
        ("BR", date(2027, 9, 7), date(2027, 9, 8), "Independence Day"),
        ("CO", date(2027, 7, 20), date(2027, 7, 21), "Independence Day"),
        ("HT", date(2027, 1, 1), date(2027, 1, 4), "Independence Day"),  # and Ancestors' Day
        ("US", date(2027, 7, 5), date(2027, 7, 6), "Independence Day"),  # observed on Monday
    ],
)
def test_meeting_on_a_public_holiday_moves_to_the_next_working_day(
    country: str, day: date, new: date, holiday: str
) -> None:
    shift = shift_off_rest_day(country, day, allow_weekends=False)
    assert shift is not None
    assert (shift.original, shift.new) == (day, new)
    assert holiday in shift.holiday


def test_working_day_and_no_country_do_not_move() -> None:
    assert shift_off_rest_day("GT", date(2027, 1, 5), allow_weekends=False) is None
    # Without a holiday country, only weekends move a meeting.
    assert shift_off_rest_day(None, date(2027, 1, 1), allow_weekends=False) is None
    # A series that allows weekends keeps the Saturday its rule asks for.
    assert shift_off_rest_day("GT", date(2027, 1, 9), allow_weekends=True) is None


def test_holiday_names_are_available_in_the_readers_language() -> None:
    assert holiday_name("GT", date(2027, 1, 1), "es") == "Año Nuevo"
    assert holiday_name("GT", date(2027, 1, 1)) == "New Year's Day"


def test_planned_meeting_keeps_its_rule_slot_and_says_why_it_moved() -> None:
    rec = Recurrence(date(2027, 1, 1), time(10), "America/Guatemala",
                     "FREQ=MONTHLY;INTERVAL=3").validated()
    first = plan([RuleSegment(rec, timedelta(hours=2))], "GT",
                 datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC))[0]
    assert first.key == "2027-01-01T10:00"
    assert first.start == datetime(2027, 1, 4, 10, tzinfo=get_zone("America/Guatemala"))
    assert first.shift is not None and first.shift.holiday == "New Year's Day"
    assert first.end - first.start == timedelta(hours=2)


def test_default_deadlines_count_back_in_local_time_across_dst() -> None:
    start = datetime(2027, 4, 15, 10, tzinfo=get_zone("America/New_York"))
    d = deadlines_for(start, DeadlineOffsets())
    ny = get_zone("America/New_York")
    assert d.suggestions_open == datetime(2027, 3, 4, 10, tzinfo=ny)  # EST, before DST
    assert d.suggestions_open.astimezone(UTC).hour == 15
    assert d.suggestions_close == datetime(2027, 3, 25, 10, tzinfo=ny)
    assert d.agenda_due == datetime(2027, 4, 1, 10, tzinfo=ny)
    assert d.reminders == (datetime(2027, 4, 8, 10, tzinfo=ny),
                           datetime(2027, 4, 14, 10, tzinfo=ny))


@pytest.mark.parametrize(
    ("offsets", "words"),
    [
        (DeadlineOffsets(21, 42, 14), "wrong order"),
        (DeadlineOffsets(42, 14, 21), "wrong order"),
        (DeadlineOffsets(42, 21, 21), "wrong order"),
        (DeadlineOffsets(400, 21, 14), "between 0 and 365"),
        (DeadlineOffsets(42, 21, -1), "between 0 and 365"),
        (DeadlineOffsets(42, 21, 14, (7, 90)), "Reminders"),
        (DeadlineOffsets(20, 10, 3), "Only an extraordinary meeting"),
    ],
)
def test_deadline_offsets_in_the_wrong_order_are_refused(offsets: DeadlineOffsets,
                                                         words: str) -> None:
    with pytest.raises(DeadlineOrder, match=words):
        offsets.validated()


def test_extraordinary_meetings_may_shorten_deadlines_with_a_justification() -> None:
    short = DeadlineOffsets(9, 5, 3, (1,))
    with pytest.raises(DeadlineOrder, match="justification"):
        short.validated(short_notice_allowed=True, justification="  ")
    assert short.validated(short_notice_allowed=True,
                           justification="Hurricane response") == short
    assert DeadlineOffsets(42, 21, 14, (1, 7, 7)).validated().reminders == (7, 1)
