"""The attendance register of a meeting: read it, record or correct it (token)."""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, Field

from coordinator.accounts import permissions
from coordinator.api import bp, registry
from coordinator.api.access import allowed, api_actor, required
from coordinator.api.schemas import Input, text
from coordinator.api.spec import json_response
from coordinator.cadence.zones import utc_now
from coordinator.meetings import attendance as service
from coordinator.meetings.reads import find_meeting


class AttendanceIn(Input):
    held: bool
    organisation_ids: list[int] = Field(default_factory=list, max_length=2000)
    note: text(service.MAX_NOTE) | None = None  # type: ignore[valid-type]


class OrganisationRef(BaseModel):
    id: int
    name: str


class AttendanceOut(BaseModel):
    meeting_id: int
    recorded: bool  # False: nobody has recorded it yet (the tracker says "awaiting record")
    can_record: bool  # the meeting has started and is not cancelled
    held: bool | None
    present: list[OrganisationRef]
    invited: list[OrganisationRef]  # who may be marked present
    note: str | None
    recorded_at: AwareDatetime | None
    updated_at: AwareDatetime | None


def _out(meeting_id: int) -> AttendanceOut:
    sheet = service.attendance_sheet(meeting_id, now=utc_now())
    record = sheet.record
    return AttendanceOut(
        meeting_id=meeting_id, recorded=record is not None, can_record=sheet.can_record,
        held=record.held if record else None,
        present=[OrganisationRef(id=o.id, name=o.name)
                 for o in (record.organisations if record else [])],
        invited=[OrganisationRef(id=o.id, name=o.name) for o in sheet.organisations],
        note=record.note if record else None,
        recorded_at=record.recorded_at if record else None,
        updated_at=record.updated_at if record else None)


@registry.operation(bp, "GET", "/meetings/{meeting_id}/attendance",
                    summary="A meeting's attendance register", tag="meetings",
                    response=AttendanceOut, token=True)
def attendance(meeting_id: int):
    """Whether the meeting was recorded as held, and which organisations came."""
    account = required()
    allowed(permissions.can_manage_meeting(account, find_meeting(meeting_id)))
    return json_response(_out(meeting_id))


@registry.operation(bp, "POST", "/meetings/{meeting_id}/attendance",
                    summary="Record whether a meeting was held and who came",
                    tag="meetings", body=AttendanceIn, response=AttendanceOut, token=True,
                    errors=(409,))
def record_attendance(meeting_id: int, body: AttendanceIn):
    """Only once the meeting has started (409 before); sending it again corrects the
    record, and the meeting's history keeps each version. The tracker counts a meeting
    as held only when it is recorded as held."""
    account = required()
    allowed(permissions.can_manage_meeting(account, find_meeting(meeting_id)))
    service.record_attendance(meeting_id, held=body.held, organisation_ids=body.organisation_ids,
                              note=body.note, now=utc_now(), actor=api_actor(account))
    return json_response(_out(meeting_id))
