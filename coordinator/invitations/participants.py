"""Inviting organisations and people to a series or to one meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, select

from coordinator.cadence.errors import N_
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import Conflict, InvalidInput, NotFound
from coordinator.extensions import DbSession, db
from coordinator.invitations import services as invitations
from coordinator.models import (
    Account,
    Committee,
    Contact,
    Country,
    Meeting,
    MeetingStatus,
    Organisation,
    Participant,
    ParticipantRole,
    RegistrationState,
    Scope,
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
                    contact_id: int | None = None, account_id: int | None = None,
                    role: ParticipantRole | str = ParticipantRole.INVITED) -> Participant:
    """Invite to every meeting of a series (or to one meeting), in a role its kind has;
    those already in their invitation window are invited at once, in the same
    transaction. An account (a government coordinator) may be invited only to the
    special coordinators' meetings, and takes part in them (never as an observer)."""
    ensure_aware(now, "now")
    if (series_id is None) == (meeting_id is None):
        raise InvalidInput(N_("Invite to a series or to one meeting, not both."),
                           field="target")
    if sum(x is not None for x in (organisation_id, contact_id, account_id)) != 1:
        raise InvalidInput(N_("Invite an organisation or a contact."),
                           field="participant")
    with unit_of_work(actor, now) as unit:
        session = unit.session
        target_series = session.get(Series, series_id) if series_id is not None else None
        target_meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
        owner = target_meeting.series if target_meeting is not None else target_series
        if owner is None:
            raise NotFound(N_("No such series or meeting."))
        role = _role(role, owner.kind)
        organisation = contact = account = None
        if account_id is not None:
            account = _invitable_account(session, account_id, owner, role)
        elif organisation_id is not None:
            organisation = session.get(Organisation, organisation_id)
            if organisation is None:
                raise NotFound(N_("No organisation %(id)s."), id=organisation_id)
            if organisation.registration_state != RegistrationState.APPROVED:
                raise Conflict(N_("Only organisations whose registration was approved "
                                  "can be invited."), field="organisation")
        else:
            contact = session.get(Contact, contact_id)
            if contact is None:
                raise NotFound(N_("No contact %(id)s."), id=contact_id)
        duplicate = session.scalar(select(Participant.id).where(
            Participant.series_id == series_id, Participant.meeting_id == meeting_id,
            Participant.organisation_id == organisation_id,
            Participant.contact_id == contact_id, Participant.account_id == account_id))
        if duplicate is not None:
            raise Conflict(N_("Already invited."), field="participant")
        participant = Participant(series=target_series, meeting=target_meeting,
                                  organisation=organisation, contact=contact, account=account,
                                  role=role, created_at=now)
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
                    **({"account": account_id} if account_id is not None else {}),
                    role=role.value, invitations=queued)
    return participant


def _invitable_account(session: DbSession, account_id: int, owner: Series,
                       role: ParticipantRole) -> Account:
    """The account to invite, refused outside the special coordinators' meetings."""
    if owner.kind != SeriesKind.COORDINATORS:
        raise InvalidInput(N_("Only the special coordinators' meetings invite coordinators' "
                              "accounts; invite organisations to this one."),
                           field="account")
    if role == ParticipantRole.OBSERVER:
        raise InvalidInput(N_("Coordinators take part in their meeting; only organisations "
                              "observe it."), field="role")
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(N_("No account %(id)s."), id=account_id)
    if not account.is_active:
        raise Conflict(N_("This account is closed; it cannot be invited."), field="account")
    return account


def invite_host_observers(meeting_id: int, *, now: datetime, actor: Actor) -> list[Participant]:
    """In one step, invite the convening country's approved national organisations to this
    special coordinators' meeting as observers (recommendation 8); those already invited
    to the meeting or its series are left as they are. Returns the new participants."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        session = unit.session
        meeting = unit.lock_meeting(meeting_id)
        if meeting is None:
            raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
        if meeting.series.kind != SeriesKind.COORDINATORS:
            raise InvalidInput(N_("Only the special coordinators' meetings have observers "
                                  "from the convening country."), field="meeting")
        if meeting.host_country is None:
            raise InvalidInput(N_("Choose the convening country first."),
                               field="host_country")
        if meeting.status != MeetingStatus.SCHEDULED or meeting.end_at <= now:
            raise Conflict(N_("This meeting is over or cancelled; nobody can be invited "
                              "to it any more."), field="meeting")
        organisations = _not_yet_invited(session, meeting.series_id, [meeting.host_country_id],
                                         national_only=True, meeting_id=meeting.id)
        added = [Participant(meeting=meeting, organisation=o, role=ParticipantRole.OBSERVER,
                             created_at=now) for o in organisations]
        session.add_all(added)
        session.flush()
        queued = invitations.send_invitations(unit, meeting)
        unit.record("participant.add_host_observers", "meeting", meeting.id,
                    country=meeting.host_country.iso,
                    organisations=[p.organisation_id for p in added], invitations=queued)
    return added


def _not_yet_invited(session: DbSession, series_id: int, country_ids: list[int | None], *,
                     national_only: bool = False,
                     meeting_id: int | None = None) -> list[Organisation]:
    """Approved organisations working in any of these countries that the series (or the
    meeting) does not invite yet, by name."""
    already = select(Participant.organisation_id).where(
        (Participant.series_id == series_id)
        | (Participant.meeting_id == meeting_id if meeting_id is not None else false()),
        Participant.organisation_id.is_not(None))
    query = select(Organisation).where(
        Organisation.registration_state == RegistrationState.APPROVED,
        Organisation.countries.any(Country.id.in_([c for c in country_ids if c is not None])),
        Organisation.id.not_in(already))
    if national_only:
        query = query.where(Organisation.scope != Scope.REGIONAL)
    return list(session.scalars(query.order_by(Organisation.name, Organisation.id)))


@dataclass(frozen=True)
class Whom:
    """Everyone of a country or of a committee's countries, as a door names them."""

    country: str | None = None  # ISO code
    committee: str | None = None  # slug

    def country_ids(self, session: DbSession) -> list[int | None]:
        if (self.country is None) == (self.committee is None):
            raise InvalidInput(N_("Choose a country or a committee."), field="country")
        if self.country is not None:
            found = session.scalar(select(Country.id).where(
                Country.iso == self.country.strip().upper()[:2]))
            if found is None:
                raise InvalidInput(N_("Unknown country %(country)s; use an ISO code such as "
                                      "GT."), field="country", country=self.country)
            return [found]
        committee = session.scalar(select(Committee).where(Committee.slug == self.committee))
        if committee is None:
            raise InvalidInput(N_("No committee %(id)s."), field="committee",
                               id=self.committee)
        return [member.country_id for member in committee.members]


def organisations_to_invite(series_id: int, whom: Whom) -> list[Organisation]:
    """Who "invite all" would add to a series, without writing anything (for the
    confirmation): approved organisations of the country, or of the committee's member
    countries, that the series does not invite yet."""
    session = db.session
    if session.get(Series, series_id) is None:
        raise NotFound(N_("No series %(id)s."), id=series_id)
    return _not_yet_invited(session, series_id, whom.country_ids(session))


def invite_all(series_id: int, whom: Whom, *, now: datetime, actor: Actor,
               role: ParticipantRole | str = ParticipantRole.INVITED) -> list[Participant]:
    """Invite, in one step and one transaction, every approved organisation of a country
    (or of a committee's member countries) to every meeting of a series; those already
    invited stay as they are. The meetings in their invitation window are sent at once."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        session = unit.session
        series = session.get(Series, series_id)
        if series is None:
            raise NotFound(N_("No series %(id)s."), id=series_id)
        chosen = _role(role, series.kind)
        if chosen == ParticipantRole.REPRESENTATIVE:
            raise InvalidInput(N_("A committee has one representative; designate them on "
                                  "the committees page."), field="role")
        added = [Participant(series=series, organisation=o, role=chosen, created_at=now)
                 for o in _not_yet_invited(session, series.id, whom.country_ids(session))]
        session.add_all(added)
        session.flush()
        meetings = session.scalars(select(Meeting.id).where(
            Meeting.series_id == series.id, Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.end_at > now).order_by(Meeting.id))
        queued = sum(invitations.send_invitations(unit, locked) for meeting_id in list(meetings)
                     if (locked := unit.lock_meeting(meeting_id)) is not None)
        unit.record("participant.add_all", "series", series.id, country=whom.country,
                    committee=whom.committee, role=chosen.value,
                    organisations=[p.organisation_id for p in added], invitations=queued)
    return added


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
