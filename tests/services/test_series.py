"""Scheduling, materialising, moving, cancelling and re-ruling series, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.cadence.deadlines import DeadlineOffsets
from coordinator.cadence.errors import (
    DeadlineOrder,
    EndBeforeStart,
    InvalidDuration,
    InvalidInput,
    InvalidRule,
    RuleTooFrequent,
    UnknownZone,
)
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.recurrence import wall_clock
from coordinator.cadence.zones import get_zone
from coordinator.errors import Conflict, NotFound
from coordinator.extensions import db
from coordinator.meetings.series import (
    RuleChange,
    SeriesInput,
    change_rule,
    materialise_all,
    schedule_series,
)
from coordinator.meetings.services import cancel_meeting, move_meeting
from coordinator.models import AuditEntry, Meeting, MeetingStatus, Series, SeriesRule
from coordinator.unit import Actor
from tests.conftest import NOW

ACTOR = Actor("tester")
NY = get_zone("America/New_York")


def national(**changes) -> SeriesInput:  # type: ignore[no-untyped-def]
    base = {"kind": SeriesKind.NATIONAL, "country": "US", "first_date": date(2027, 1, 15),
            "start_time": time(10), "zone": "America/New_York", "duration_minutes": 90}
    base.update(changes)
    return SeriesInput(**base)


def meetings_of(series_id: int) -> list[Meeting]:
    return list(db.session.scalars(
        select(Meeting).where(Meeting.series_id == series_id).order_by(Meeting.start_at)))


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Series, SeriesRule, Meeting, AuditEntry))


def test_quarterly_series_is_materialised_to_the_horizon_at_ten_local(seeded) -> None:
    series = schedule_series(national(), now=NOW, actor=ACTOR)
    got = meetings_of(series.id)
    # From January 2027 up to 18 months after 22 November 2026 (May 2028).
    assert [m.start_local.date() for m in got] == [
        date(2027, 1, 15), date(2027, 4, 15), date(2027, 7, 15), date(2027, 10, 15),
        # Saturday 15 January 2028 moves off the weekend, past Martin Luther King Jr. Day.
        date(2028, 1, 18), date(2028, 4, 17)]
    assert [m.shifted_from for m in got if m.shifted_from] == [date(2028, 1, 15),
                                                               date(2028, 4, 15)]
    db.session.expire_all()
    for meeting in meetings_of(series.id):
        assert meeting.start_at.tzinfo is not None
        assert meeting.start_local.time() == time(10)
        assert meeting.end_at - meeting.start_at == timedelta(minutes=90)
    assert {m.start_at.astimezone(UTC).hour for m in got} == {15, 14}  # EST and EDT
    assert len({m.uid for m in got}) == len(got)


def test_materialising_twice_changes_nothing(seeded) -> None:
    series = schedule_series(national(), now=NOW, actor=ACTOR)
    before = [(m.id, m.uid, m.start_at, m.sequence, m.updated_at) for m in meetings_of(series.id)]
    audit_before = counts()
    assert materialise_all(now=NOW) == 0
    assert materialise_all(now=NOW + timedelta(hours=1)) == 0
    db.session.expire_all()
    assert [(m.id, m.uid, m.start_at, m.sequence, m.updated_at)
            for m in meetings_of(series.id)] == before
    assert counts() == audit_before


def test_materialising_later_extends_the_horizon_only(seeded) -> None:
    series = schedule_series(national(), now=NOW, actor=ACTOR)
    first_ids = [m.id for m in meetings_of(series.id)]
    created = materialise_all(now=NOW + timedelta(days=200))
    assert created == 2
    got = meetings_of(series.id)
    assert [m.id for m in got[:len(first_ids)]] == first_ids
    # Saturday 15 July and Sunday 15 October 2028 move to the Mondays after.
    assert [m.start_local.date() for m in got[-2:]] == [date(2028, 7, 17), date(2028, 10, 16)]


def test_meeting_on_a_holiday_is_stored_moved_with_the_reason(seeded) -> None:
    series = schedule_series(national(country="GT", zone="America/Guatemala",
                                      first_date=date(2027, 1, 1)), now=NOW, actor=ACTOR)
    first = meetings_of(series.id)[0]
    assert first.start_local.replace(tzinfo=None) == datetime(2027, 1, 4, 10)
    assert first.shifted_from == date(2027, 1, 1)
    assert first.holiday_name == "New Year's Day"
    assert first.occurrence_key == "2027-01-01T10:00"


def test_moved_meeting_survives_a_later_rule_change(seeded) -> None:
    series = schedule_series(national(), now=NOW, actor=ACTOR)
    april = meetings_of(series.id)[1]
    new_start = wall_clock(date(2027, 4, 20), time(15, 30), NY)
    moved = move_meeting(april.id, new_start, now=NOW, actor=ACTOR, reason="Room unavailable")
    assert moved.moved and moved.sequence == 1
    assert moved.start_local == new_start and moved.end_at - moved.start_at == timedelta(minutes=90)

    change_rule(series.id, RuleChange(
        effective_from=date(2027, 2, 1), start_time=time(9), zone="America/New_York",
        duration_minutes=60, rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=2WE",
        first_date=date(2027, 4, 1)), now=NOW, actor=ACTOR)
    db.session.expire_all()
    got = {m.id: m for m in meetings_of(series.id)}
    kept = got[april.id]
    assert kept.start_local == new_start and kept.moved and kept.sequence == 1
    assert kept.status == MeetingStatus.SCHEDULED
    live = [m for m in got.values() if m.status == MeetingStatus.SCHEDULED]
    # January stays (before the change); April is the moved one; then the new rule.
    assert [m.start_local.replace(tzinfo=None) for m in live] == [
        datetime(2027, 1, 15, 10), datetime(2027, 4, 20, 15, 30),
        datetime(2027, 7, 14, 9), datetime(2027, 10, 13, 9),
        datetime(2028, 1, 12, 9), datetime(2028, 4, 12, 9)]
    # The moved April meeting stands in for the new rule's April slot: no second April.


def test_rule_change_retimes_future_meetings_and_leaves_the_past(seeded) -> None:
    series = schedule_series(national(), now=NOW, actor=ACTOR,
                             since=datetime(2026, 1, 1, tzinfo=UTC))
    series_id = series.id
    jan, apr, jul = meetings_of(series_id)[:3]
    uids = {m.id: m.uid for m in meetings_of(series_id)}
    later = NOW + timedelta(days=100)  # 2 March 2027: January is past
    change_rule(series_id, RuleChange(
        effective_from=date(2027, 3, 5), start_time=time(11), zone="America/New_York",
        duration_minutes=90, rrule="FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15",
        first_date=date(2027, 4, 15)), now=later, actor=ACTOR)
    db.session.expire_all()
    got = {m.id: m for m in meetings_of(series_id)}
    assert got[jan.id].start_local.time() == time(10) and got[jan.id].sequence == 0
    for old in (apr, jul):
        m = got[old.id]
        assert m.start_local.time() == time(11) and m.sequence == 1  # an update, not a new one
        assert m.uid == uids[old.id]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "series.change_rule")) == 1


def test_rule_change_cancels_meetings_the_new_rule_no_longer_calls_for(seeded) -> None:
    series = schedule_series(national(rrule="FREQ=MONTHLY"), now=NOW, actor=ACTOR)
    before = meetings_of(series.id)
    change_rule(series.id, RuleChange(
        effective_from=date(2027, 3, 1), start_time=time(10), zone="America/New_York",
        duration_minutes=90, rrule="FREQ=MONTHLY;INTERVAL=3", first_date=date(2027, 4, 15)),
        now=NOW, actor=ACTOR)
    db.session.expire_all()
    got = {m.id: m for m in meetings_of(series.id)}
    march = next(m for m in before if m.start_local.month == 3 and m.start_local.year == 2027)
    assert got[march.id].status == MeetingStatus.CANCELLED
    assert got[march.id].sequence == 1
    assert "schedule changed" in (got[march.id].cancel_reason or "")
    feb = next(m for m in before if m.start_local.month == 2)
    assert got[feb.id].status == MeetingStatus.SCHEDULED  # before the change date
    live_after = sorted(m.start_local.date() for m in got.values()
                        if m.status == MeetingStatus.SCHEDULED and m.start_local.date()
                        >= date(2027, 3, 1))
    assert live_after[:3] == [date(2027, 4, 15), date(2027, 7, 15), date(2027, 10, 15)]


def test_cancelled_meeting_stays_with_a_higher_sequence(seeded) -> None:
    series = schedule_series(national(), now=NOW, actor=ACTOR)
    target = meetings_of(series.id)[2]
    cancel_meeting(target.id, now=NOW, actor=ACTOR, reason="Elections")
    db.session.expire_all()
    again = db.session.get(Meeting, target.id)
    assert again is not None and again.status == MeetingStatus.CANCELLED
    assert again.sequence == 1 and again.cancel_reason == "Elections"
    assert materialise_all(now=NOW) == 0  # the cancelled slot is not refilled
    with pytest.raises(Conflict, match="cancelled"):
        move_meeting(target.id, wall_clock(date(2027, 8, 1), time(10), NY), now=NOW, actor=ACTOR)
    with pytest.raises(NotFound):
        cancel_meeting(999999, now=NOW, actor=ACTOR)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "meeting.cancel")
                               ).one()
    assert (entry.entity_id, entry.actor, entry.details["reason"]) == (target.id, "tester",
                                                                      "Elections")


def test_a_meeting_cannot_move_into_the_past(seeded) -> None:
    series = schedule_series(national(), now=NOW, actor=ACTOR)
    target = meetings_of(series.id)[0]
    with pytest.raises(Conflict, match="future"):
        move_meeting(target.id, NOW - timedelta(days=1), now=NOW, actor=ACTOR)
    with pytest.raises(InvalidInput, match="time zone"):
        move_meeting(target.id, datetime(2027, 2, 1, 10), now=NOW, actor=ACTOR)
    db.session.expire_all()
    assert db.session.get(Meeting, target.id).sequence == 0  # type: ignore[union-attr]


BAD = [
    (national(rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=9ZZ"), InvalidRule),
    (national(rrule="FREQ=HOURLY"), RuleTooFrequent),
    (national(zone="America/Atlantis"), UnknownZone),
    (national(rrule="FREQ=MONTHLY;UNTIL=20261001"), EndBeforeStart),
    (national(duration_minutes=25 * 60), InvalidDuration),
    (national(offsets=DeadlineOffsets(14, 21, 42)), DeadlineOrder),
    (national(country="XX"), InvalidInput),
    (national(country=None), InvalidInput),
    (national(kind=SeriesKind.COMMITTEE, country=None), InvalidInput),
    (national(kind=SeriesKind.REGIONAL, country=None, rrule=None), InvalidInput),
    (national(kind=SeriesKind.REGIONAL, country=None, rrule=None,
              held_by=date(2027, 1, 1)), EndBeforeStart),
    (national(kind=SeriesKind.EXTRAORDINARY, country=None, rrule=None,
              first_date=date(2026, 11, 1)), Conflict),
    (national(online_url="javascript:alert(1)"), InvalidInput),
    (national(first_date=date(2025, 1, 15), rrule="FREQ=MONTHLY;INTERVAL=3;COUNT=2"), Conflict),
    (national(title="x" * 201), InvalidInput),
]


@pytest.mark.parametrize(("data", "error"), BAD)
def test_bad_input_is_refused_and_nothing_is_written(seeded, data: SeriesInput,
                                                     error: type) -> None:
    before = counts()
    with pytest.raises(error) as caught:
        schedule_series(data, now=NOW, actor=ACTOR)
    assert caught.value.message  # a sentence a person can act on
    assert counts() == before


def test_one_off_regional_meeting_with_held_by(seeded) -> None:
    series = schedule_series(national(kind=SeriesKind.REGIONAL, country=None, rrule=None,
                                      first_date=date(2027, 6, 8), held_by=date(2027, 6, 30),
                                      zone="America/Panama", holiday_country="PA"),
                             now=NOW, actor=ACTOR)
    got = meetings_of(series.id)
    assert len(got) == 1 and got[0].start_local.date() == date(2027, 6, 8)
    assert materialise_all(now=NOW) == 0


def test_naive_datetimes_are_never_stored(seeded) -> None:
    series = schedule_series(national(), now=NOW, actor=ACTOR)
    meeting = meetings_of(series.id)[0]
    meeting.start_at = datetime(2027, 1, 1, 10)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.commit()
    db.session.rollback()
