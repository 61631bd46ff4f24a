"""Changing one meeting on its own: moving it or cancelling it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from coordinator.cadence.errors import Np_
from coordinator.cadence.recurrence import check_duration
from coordinator.cadence.zones import ensure_aware, get_zone
from coordinator.content import services as content
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.invitations import services as invitations
from coordinator.invitations.messages import Before, MeetingChange
from coordinator.models import Meeting, MeetingStatus
from coordinator.unit import Actor, Unit, unit_of_work

MAX_REASON = 2000


def _get_changeable(unit: Unit, meeting_id: int) -> Meeting:
    meeting = unit.lock_meeting(meeting_id)
    if meeting is None:
        raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(N_("This meeting is cancelled; schedule a new one instead."))
    if not is_changeable(meeting, unit.now):
        raise Conflict(N_("This meeting has already started or taken place; it cannot "
                          "change any more."))
    return meeting


def is_changeable(meeting: Meeting, now: datetime) -> bool:
    """A meeting can be moved, cancelled or have its agenda changed until it starts: after
    that it is a record (what was planned, what was held), and the pages say so."""
    return meeting.status != MeetingStatus.CANCELLED and meeting.start_at > now


def beyond_held_by(meeting: Meeting, start: datetime, zone: str) -> date | None:
    """The series' "held by" date when a start falls after it (in the meeting's own zone),
    else None: the regional meeting must agree the joint work plan by then."""
    held_by = meeting.series.held_by
    if held_by is None or start.astimezone(get_zone(zone)).date() <= held_by:
        return None
    return held_by


def move_meeting(meeting_id: int, new_start: datetime, *, now: datetime, actor: Actor,
                 duration_minutes: int | None = None, zone: str | None = None,
                 reason: str | None = None, past_held_by: bool = False) -> Meeting:
    """Move one meeting off its rule; later rule changes leave it where it was put.

    `new_start` is aware; its wall-clock time is kept in `zone` (default: the meeting's).
    A move past the series' "held by" date is refused unless `past_held_by` says the
    coordinator means it; the override is recorded with the move.
    """
    ensure_aware(now, "now")
    try:
        ensure_aware(new_start, "new start")
    except ValueError as exc:
        raise InvalidInput(N_("Give the new start with its time zone."), field="start") from exc
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidInput(Np_("The reason is longer than %(num)s character.",
                               "The reason is longer than %(num)s characters."),
                           field="reason", num=MAX_REASON)
    with unit_of_work(actor, now) as unit:
        meeting = _get_changeable(unit, meeting_id)
        zone_name = zone or meeting.zone
        get_zone(zone_name)
        length = (timedelta(minutes=duration_minutes) if duration_minutes is not None
                  else meeting.end_at - meeting.start_at)
        check_duration(length)
        try:
            start = new_start.astimezone(UTC)
            if start.year > 2100 or (start + length).year > 2100:
                raise OverflowError
            start.astimezone(get_zone(zone_name))
        except OverflowError as exc:
            raise InvalidInput(N_("Choose a date before the year 2100."), field="start") from exc
        if start <= now:
            raise Conflict(N_("A meeting can only move to a time in the future."),
                           field="start")
        late = beyond_held_by(meeting, start, zone_name)
        if late is not None and not past_held_by:
            raise Conflict(N_("The new date is after %(held_by)s, the date this meeting must "
                              "be held by. Choose an earlier date, or confirm that it moves "
                              "past that date (this is recorded)."), field="past_held_by",
                           held_by=late)
        before = meeting.start_at
        heard = Before.of(meeting)  # what invitees hold: the update says what changed
        meeting.start_at, meeting.end_at, meeting.zone = start, start + length, zone_name
        meeting.moved = True
        # A move made by hand replaces any holiday shift the rule had made.
        meeting.shifted_from = meeting.holiday_name = None
        meeting.sequence += 1  # RFC 5545 3.8.7.4: SEQUENCE grows when the meeting moves
        meeting.updated_at = now
        invitations.meeting_changed(unit, meeting, MeetingChange(heard, reason))
        unit.record("meeting.move", "meeting", meeting.id, before=before, after=start,
                    duration_minutes=int(length.total_seconds() // 60), reason=reason,
                    **({"past_held_by": late} if late is not None else {}))
    return meeting


def cancel_meeting(meeting_id: int, *, now: datetime, actor: Actor,
                   reason: str | None = None) -> Meeting:
    """Cancel one meeting; it stays, marked cancelled, so calendars remove it."""
    ensure_aware(now, "now")
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidInput(Np_("The reason is longer than %(num)s character.",
                               "The reason is longer than %(num)s characters."),
                           field="reason", num=MAX_REASON)
    with unit_of_work(actor, now) as unit:
        meeting = _get_changeable(unit, meeting_id)
        meeting.status = MeetingStatus.CANCELLED
        meeting.cancel_reason = reason
        meeting.written_in = content.author_language(unit) if reason else None
        meeting.sequence += 1
        meeting.updated_at = now
        invitations.meeting_cancelled(unit, meeting)
        unit.record("meeting.cancel", "meeting", meeting.id, reason=reason)
    return meeting
