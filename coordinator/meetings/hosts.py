"""The convening (host) country of a special coordinators' meeting (recommendation 8:
"including the national CSOs when the meetings are held in the different convening
countries")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.models import Country, Meeting, MeetingStatus
from coordinator.unit import Actor, unit_of_work


def set_host_country(meeting_id: int, country: str | None, *, now: datetime,
                     actor: Actor) -> Meeting:
    """Name the country that convenes one special coordinators' meeting (an ISO code), or
    none. Its approved national organisations can then be invited as observers in one
    step (invitations.participants.invite_host_observers)."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        meeting = unit.lock_meeting(meeting_id)
        if meeting is None:
            raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
        if meeting.series.kind != SeriesKind.COORDINATORS:
            raise InvalidInput(N_("Only the special coordinators' meetings have a convening "
                                  "country."), field="host_country")
        if meeting.status != MeetingStatus.SCHEDULED or meeting.end_at <= now:
            raise Conflict(N_("This meeting is over or cancelled; it cannot change any "
                              "more."), field="host_country")
        found = None
        if country:
            found = unit.session.scalar(select(Country).where(Country.iso == country.upper()))
            if found is None:
                raise InvalidInput(N_("Unknown country %(country)s; use an ISO code such as "
                                      "GT."), field="host_country", country=repr(country))
        before = meeting.host_country.iso if meeting.host_country else None
        meeting.host_country = found
        meeting.updated_at = now
        unit.session.flush()
        unit.record("meeting.set_host_country", "meeting", meeting.id, before=before,
                    after=found.iso if found else None)
    return meeting
