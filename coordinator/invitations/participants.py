"""Inviting organisations and people to a series or to one meeting."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select

from coordinator.cadence.errors import N_
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import Conflict, InvalidInput, NotFound
from coordinator.invitations import services as invitations
from coordinator.models import (
    Contact,
    Meeting,
    MeetingStatus,
    Organisation,
    Participant,
    ParticipantRole,
    RegistrationState,
    Series,
)
from coordinator.unit import Actor, unit_of_work

# Everyone may be invited; coordinators' meetings also have CSO observers (recommendation
# 8), and committee briefings the committee's CSO representative (recommendation 4).
ROLES: dict[SeriesKind, tuple[ParticipantRole, ...]] = {
    kind: (ParticipantRole.INVITED,) for kind in SeriesKind}
ROLES[SeriesKind.COORDINATORS] = (ParticipantRole.INVITED, ParticipantRole.OBSERVER)
ROLES[SeriesKind.COMMITTEE] = (ParticipantRole.INVITED, ParticipantRole.REPRESENTATIVE)


def roles_for(kind: SeriesKind) -> tuple[ParticipantRole, ...]:
    """The roles a participant may have in a series of this kind."""
    return ROLES[SeriesKind(kind)]


def _role(value: str | ParticipantRole | None, kind: SeriesKind) -> ParticipantRole:
    """The role named by a door's input, if this kind of series has it."""
    try:
        role = ParticipantRole(value or ParticipantRole.INVITED)
    except ValueError:
        role = None
    if role is None or role not in roles_for(kind):
        raise InvalidInput(N_("This role does not exist for this kind of meeting."),
                           field="role")
    return role


def add_participant(*, now: datetime, actor: Actor, series_id: int | None = None,
                    meeting_id: int | None = None, organisation_id: int | None = None,
                    contact_id: int | None = None,
                    role: ParticipantRole | str = ParticipantRole.INVITED) -> Participant:
    """Invite to every meeting of a series (or to one meeting), in a role its kind has;
    those already in their invitation window are invited at once, in the same
    transaction."""
    ensure_aware(now, "now")
    if (series_id is None) == (meeting_id is None):
        raise InvalidInput(gettext("Invite to a series or to one meeting, not both."),
                           field="target")
    if (organisation_id is None) == (contact_id is None):
        raise InvalidInput(gettext("Invite an organisation or a contact."),
                           field="participant")
    with unit_of_work(actor, now) as unit:
        session = unit.session
        target_series = session.get(Series, series_id) if series_id is not None else None
        target_meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
        owner = target_meeting.series if target_meeting is not None else target_series
        if owner is None:
            raise NotFound(N_("No such series or meeting."))
        role = _role(role, owner.kind)
        organisation = contact = None
        if organisation_id is not None:
            organisation = session.get(Organisation, organisation_id)
            if organisation is None:
                raise NotFound(N_("No organisation %(id)s."), id=organisation_id)
            if organisation.registration_state != RegistrationState.APPROVED:
                raise Conflict(gettext("Only organisations whose registration was approved "
                                       "can be invited."), field="organisation")
        else:
            contact = session.get(Contact, contact_id)
            if contact is None:
                raise NotFound(N_("No contact %(id)s."), id=contact_id)
        duplicate = session.scalar(select(Participant.id).where(
            Participant.series_id == series_id, Participant.meeting_id == meeting_id,
            Participant.organisation_id == organisation_id,
            Participant.contact_id == contact_id))
        if duplicate is not None:
            raise Conflict(gettext("Already invited."), field="participant")
        participant = Participant(series=target_series, meeting=target_meeting,
                                  organisation=organisation, contact=contact, role=role,
                                  created_at=now)
        session.add(participant)
        session.flush()
        meetings = [target_meeting] if target_meeting is not None else list(session.scalars(
            select(Meeting).where(Meeting.series_id == series_id,
                                  Meeting.status == MeetingStatus.SCHEDULED,
                                  Meeting.end_at > now)))
        # Held in id order, as every multi-meeting change takes them (no deadlock).
        queued = sum(invitations.send_invitations(unit, locked)
                     for m in sorted((m for m in meetings if m is not None), key=lambda m: m.id)
                     if (locked := unit.lock_meeting(m.id)) is not None)
        unit.record("participant.add", "participant", participant.id, series=series_id,
                    meeting=meeting_id, organisation=organisation_id, contact=contact_id,
                    role=role.value, invitations=queued)
    return participant


def remove_participant(participant_id: int, *, now: datetime, actor: Actor) -> int:
    """Stop inviting a participant; future meetings they were invited to are cancelled for
    them alone. Returns how many cancellations were queued."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        session = unit.session
        participant = session.get(Participant, participant_id)
        if participant is None:
            raise NotFound(N_("No participant %(id)s."), id=participant_id)
        details = {"series": participant.series_id, "meeting": participant.meeting_id,
                   "organisation": participant.organisation_id,
                   "contact": participant.contact_id, "role": participant.role.value}
        meetings = [participant.meeting] if participant.meeting is not None else list(
            session.scalars(select(Meeting).where(
                Meeting.series_id == participant.series_id,
                Meeting.status == MeetingStatus.SCHEDULED, Meeting.end_at > now)))
        session.delete(participant)
        session.flush()
        held = [unit.lock_meeting(m.id)
                for m in sorted((m for m in meetings if m is not None), key=lambda m: m.id)]
        cancelled = sum(invitations.withdraw_uninvited(unit, m) for m in held
                        if m is not None and m.status == MeetingStatus.SCHEDULED
                        and m.end_at > now)
        unit.record("participant.remove", "participant", participant_id, **details,
                    cancellations=cancelled)
    return cancelled
