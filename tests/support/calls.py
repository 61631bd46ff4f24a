"""A published call for civil-society seats, open at a given instant, on a high-level
meeting of its own (for tests that need one working application link)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from coordinator.cadence.kinds import SeriesKind
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.selection.calls import CallInput, CriterionInput, create_call, publish_call
from coordinator.selection.models import Call
from coordinator.unit import Actor


def open_call(now: datetime) -> Call:
    """Open from a day before `now` to ten days after; the meeting two months on."""
    first = (now + timedelta(days=60)).date()
    while first.weekday() >= 5:
        first += timedelta(days=1)
    meeting = schedule_series(SeriesInput(
        kind=SeriesKind.HIGH_LEVEL, first_date=first, start_time=time(10),
        zone="America/Panama"), now=now, actor=Actor.cli()).meetings[0]
    call = create_call(meeting.id, CallInput(
        title="Seats", description="Apply.", seats_in_person=2, seats_online=0,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10),
        selection_on=(now + timedelta(days=20)).date(),
        criteria=[CriterionInput("category", "Services.", 1)], targets=[]),
        now=now, actor=Actor.cli())
    return publish_call(call.id, now=now, actor=Actor.cli())



