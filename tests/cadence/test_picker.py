"""The recurrence picker in plain words: every choice gives a valid RRULE that means it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordinator.cadence.errors import InvalidInput
from coordinator.cadence.picker import (
    MONTH_STEPS,
    NTHS,
    WEEKDAYS,
    DayChoice,
    Picker,
    keep_anchor,
    picker_of,
    picker_rrule,
)
from coordinator.cadence.recurrence import Recurrence

WEEKDAY_INDEX = {code: i for i, code in enumerate(WEEKDAYS)}

firsts = st.dates(date(2025, 1, 1), date(2032, 12, 31))
pickers = st.one_of(
    st.builds(Picker, st.sampled_from(MONTH_STEPS)),
    st.builds(lambda m, d: Picker(m, DayChoice.MONTH_DAY, day=d),
              st.sampled_from(MONTH_STEPS), st.integers(1, 31)),
    st.builds(lambda m, n, w: Picker(m, DayChoice.WEEKDAY, nth=n, weekday=w),
              st.sampled_from(MONTH_STEPS), st.sampled_from(NTHS), st.sampled_from(WEEKDAYS)),
)


def _starts(picker: Picker, first: date, years: int = 3) -> list[datetime]:
    rule = picker_rrule(picker, first)
    recurrence = Recurrence(first, time(10), "America/Guatemala", rule).validated()
    begin = datetime.combine(first, time(0), tzinfo=UTC)
    return recurrence.starts_between(begin, begin + timedelta(days=365 * years))


def _month_index(day: date) -> int:
    return day.year * 12 + day.month


@settings(max_examples=200, deadline=None)
@given(picker=pickers, first=firsts)
def test_every_choice_gives_one_meeting_every_n_months_on_the_chosen_day(
        picker: Picker, first: date) -> None:
    starts = [s.date() for s in _starts(picker, first)]
    assert len(starts) >= 36 // picker.months - 1
    months = [_month_index(d) for d in starts]
    # Exactly every `months` months: none skipped (not even February), none doubled.
    assert all(b - a == picker.months for a, b in pairwise(months))
    for day in starts:
        if picker.on == DayChoice.WEEKDAY:
            assert picker.nth is not None and picker.weekday is not None
            assert day.weekday() == WEEKDAY_INDEX[picker.weekday]
            if picker.nth > 0:
                assert (day.day - 1) // 7 + 1 == picker.nth
            else:
                assert (day + timedelta(days=7)).month != day.month  # the last one
        else:
            wanted = picker.day if picker.on == DayChoice.MONTH_DAY else first.day
            assert wanted is not None
            last = ((day.replace(day=28) + timedelta(days=4)).replace(day=1)
                    - timedelta(days=1)).day
            assert day.day == min(wanted, last)  # past the month's end: its last day


@settings(max_examples=200, deadline=None)
@given(picker=pickers, first=firsts)
def test_the_rule_reads_back_as_the_same_plain_words(picker: Picker, first: date) -> None:
    rule = picker_rrule(picker, first)
    again = picker_of(rule)
    assert again is not None
    assert picker_rrule(again, first) == rule


def test_examples_in_plain_words() -> None:
    first = date(2027, 1, 12)
    assert picker_rrule(Picker(3, DayChoice.WEEKDAY, nth=2, weekday="TU"), first) == \
        "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"
    assert picker_rrule(Picker(6, DayChoice.MONTH_DAY, day=15), first) == \
        "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15"
    assert picker_rrule(Picker(1), first) == "FREQ=MONTHLY"
    assert picker_rrule(Picker(3, DayChoice.MONTH_DAY, day=31), first) == \
        "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1"


def test_rules_beyond_plain_words_stay_typed() -> None:
    for rule in ("FREQ=WEEKLY", "FREQ=MONTHLY;COUNT=4", "FREQ=MONTHLY;INTERVAL=5",
                 "FREQ=MONTHLY;BYDAY=MO,TU", "FREQ=MONTHLY;BYMONTHDAY=1,15", None, ""):
        assert picker_of(rule) is None


@pytest.mark.parametrize("picker, field", [
    (Picker(5), "every_months"),
    (Picker(3, DayChoice.MONTH_DAY, day=0), "month_day"),
    (Picker(3, DayChoice.MONTH_DAY), "month_day"),
    (Picker(3, DayChoice.WEEKDAY, nth=5, weekday="TU"), "nth"),
    (Picker(3, DayChoice.WEEKDAY, nth=2, weekday="XX"), "weekday"),
    (Picker(3, "sometimes"), "on"),
])
def test_impossible_choices_are_refused_on_their_field(picker: Picker, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        picker_rrule(picker, date(2027, 1, 1))
    assert refused.value.field == field


def test_a_changed_rule_keeps_the_anchor_month_on_its_own_day() -> None:
    anchor = date(2026, 12, 10)  # a Thursday; the second Tuesday of December is the 8th
    assert keep_anchor("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", anchor) == date(2026, 12, 8)
    assert keep_anchor("FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=15", anchor) == date(2026, 12, 15)
    assert keep_anchor("FREQ=MONTHLY;INTERVAL=3", anchor) == anchor  # the anchor's own day
    assert keep_anchor("FREQ=WEEKLY;BYDAY=TU", anchor) == anchor


@settings(max_examples=150, deadline=None)
@given(picker=pickers, anchor=firsts)
def test_the_kept_anchor_is_a_meeting_of_the_rule_in_the_anchor_month(
        picker: Picker, anchor: date) -> None:
    rule = picker_rrule(picker, anchor)
    kept = keep_anchor(rule, anchor)
    assert (kept.year, kept.month) == (anchor.year, anchor.month)
    starts = _starts(picker, kept, years=1)
    assert starts[0].date() == kept  # DTSTART is the rule's first meeting (RFC 5545)
