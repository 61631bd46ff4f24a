"""The attendance register: once a meeting has started, its coordinator records whether it
was held and which organisations came. The tracker counts a quarter as kept from this
record, not from the calendar; a correction later is kept in the meeting's history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.models import (
    Contact,
    Invitation,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    Organisation,
    Participant,
)
from coordinator.unit import Actor, unit_of_work

MAX_NOTE = 2000


@dataclass
class AttendanceSheet:
    """What the register's form shows: the meeting, its record if any, and the
    organisations that may be marked present (those invited, and any already marked)."""

    meeting: Meeting
    record: MeetingAttendance | None
    organisations: list[Organisation]
    can_record: bool  # the meeting has started and is not cancelled

    @property
    def present(self) -> set[int]:
        return {o.id for o in self.record.organisations} if self.record else set()


def can_record(meeting: Meeting, now: datetime) -> bool:
    """Attendance is a fact about the past: from the meeting's start on, never before."""
    return meeting.status != MeetingStatus.CANCELLED and meeting.start_at <= now


def _invited(meeting: Meeting) -> list[Organisation]:
    """Organisations invited to the meeting (by contact, or as participants of the
    meeting or its series)."""
    by_invitation = select(Contact.organisation_id).join(
        Invitation, Invitation.contact_id == Contact.id).where(
        Invitation.meeting_id == meeting.id)
    by_participation = select(Participant.organisation_id).where(
        Participant.organisation_id.is_not(None),
        or_(Participant.meeting_id == meeting.id, Participant.series_id == meeting.series_id))
    return list(db.session.scalars(select(Organisation).where(or_(
        Organisation.id.in_(by_invitation), Organisation.id.in_(by_participation)))
        .order_by(Organisation.name, Organisation.id)))


def attendance_sheet(meeting_id: int, *, now: datetime) -> AttendanceSheet:
    """The register of one meeting as its form and the API show it."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
    record = db.session.get(MeetingAttendance, meeting_id)
    organisations = _invited(meeting)
    if record is not None:
        known = {o.id for o in organisations}
        organisations += [o for o in record.organisations if o.id not in known]
    return AttendanceSheet(meeting, record, organisations, can_record(meeting, now))


def record_attendance(meeting_id: int, *, held: bool, organisation_ids: Iterable[int],
                      note: str | None = None, now: datetime,
                      actor: Actor) -> MeetingAttendance:
    """Record (or correct) whether a meeting was held and who came.

    Refused before the meeting starts (nothing has happened yet) and for a cancelled
    meeting; only invited organisations (or ones already on the record) can be marked
    present, and a meeting not held has nobody present. Each version is audited with what
    it replaced, so a correction never hides the first record.
    """
    ensure_aware(now, "now")
    wanted = sorted(set(organisation_ids))
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise InvalidInput(Np_("The note is longer than %(num)s character.",
                               "The note is longer than %(num)s characters."),
                           field="note", num=MAX_NOTE)
    if not held and wanted:
        raise InvalidInput(N_("A meeting that was not held has no organisations present; "
                              "untick them, or record that it was held."),
                           field="organisations")
    with unit_of_work(actor, now) as unit:
        meeting = unit.lock_meeting(meeting_id)
        if meeting is None:
            raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
        if meeting.status == MeetingStatus.CANCELLED:
            raise Conflict(N_("This meeting is cancelled; there is no attendance to record."))
        if meeting.start_at > now:
            raise Conflict(N_("This meeting has not started yet; its attendance can be "
                              "recorded once it starts."))
        record = unit.session.get(MeetingAttendance, meeting.id)
        allowed = {o.id: o for o in _invited(meeting)}
        if record is not None:
            allowed.update({o.id: o for o in record.organisations})
        unknown = [i for i in wanted if i not in allowed]
        if unknown:
            raise InvalidInput(N_("Organisation %(id)s was not invited to this meeting."),
                               field="organisations", id=unknown[0])
        present = [allowed[i] for i in wanted]
        before = None
        if record is None:
            record = MeetingAttendance(meeting_id=meeting.id, recorded_at=now)
            unit.session.add(record)
        else:
            before = {"held": record.held, "organisations": _names(record.organisations),
                      "note": record.note}
        record.held, record.note, record.updated_at = held, note, now
        record.organisations = present
        unit.session.flush()
        details = {"held": held, "organisations": _names(present),
                   "organisation_ids": wanted, "note": note}
        if before is None:
            unit.record("attendance.record", "meeting", meeting.id, **details)
        else:
            unit.record("attendance.update", "meeting", meeting.id, **details,
                        before=before)
    return record


def _names(organisations: Iterable[Organisation]) -> list[str]:
    return sorted(o.name for o in organisations)
