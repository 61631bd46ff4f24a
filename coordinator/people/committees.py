"""Recommendation 4: each committee has a designated CSO representative."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from coordinator.accounts import permissions
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, Conflict, NotFound
from coordinator.extensions import db
from coordinator.invitations import services as invitations
from coordinator.links import row
from coordinator.mail.outbox import enqueue
from coordinator.models import (
    Account,
    Committee,
    Contact,
    Organisation,
    Participant,
    ParticipantRole,
    RegistrationState,
    Role,
    Series,
)
from coordinator.people.messages import representative_message
from coordinator.unit import Actor, Unit, unit_of_work


def committee_coordinators(unit: Unit, committee: Committee) -> list[Account]:
    return list(unit.session.scalars(select(Account).where(
        Account.committee_id == committee.id, Account.role == Role.COMMITTEE_COORDINATOR,
        Account.active.is_(True)).order_by(Account.id)))


def designate_representative(committee_id: int, contact_id: int, *, now: datetime,
                             actor: Actor) -> Committee:
    """Name the committee's CSO representative: they are invited to every briefing of the
    committee and receive the committee coordinators' contact details, in one transaction."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        session = unit.session
        committee = session.get(Committee, committee_id)
        if committee is None:
            raise NotFound(N_("No committee %(id)s."), id=committee_id)
        contact = session.get(Contact, contact_id)
        if contact is None or not contact.active:
            raise NotFound(N_("No contact %(id)s."), id=contact_id)
        if contact.organisation.registration_state != RegistrationState.APPROVED:
            raise Conflict(N_("Only a contact of an approved organisation can represent "
                              "civil society."), field="contact")
        if committee.representative_contact_id == contact.id:
            raise Conflict(N_("This person is already the representative."),
                           field="contact")
        previous = committee.representative_contact_id
        committee.representative_contact_id = contact.id
        briefings = session.scalars(select(Series).where(
            Series.committee_id == committee.id, Series.kind == SeriesKind.COMMITTEE,
            Series.active.is_(True))).all()
        if previous is not None:
            # The former representative stops being invited as such (their copies are
            # cancelled unless their organisation is invited in its own right).
            for stale in session.scalars(select(Participant).where(
                    Participant.series_id.in_([s.id for s in briefings]),
                    Participant.contact_id == previous,
                    Participant.role == ParticipantRole.REPRESENTATIVE)):
                session.delete(stale)
        for series in briefings:
            exists = session.scalar(select(Participant.id).where(
                Participant.series_id == series.id, Participant.contact_id == contact.id))
            if exists is None:
                session.add(Participant(series=series, contact=contact,
                                        role=ParticipantRole.REPRESENTATIVE, created_at=now))
        session.flush()
        for series in briefings:
            for meeting in series.meetings:
                if not meeting.cancelled and meeting.end_at > now:
                    invitations.withdraw_uninvited(unit, meeting)
                    invitations.send_invitations(unit, meeting)
        _introduce(unit, committee, contact)
        unit.record("committee.representative", "committee", committee.id,
                    contact=contact.id, previous=previous)
    return committee


def _introduce(unit: Unit, committee: Committee, contact: Contact) -> None:
    """Tell the representative who coordinates the committee and how to reach them."""
    coordinators = committee_coordinators(unit, committee)
    enqueue(unit.session, representative_message(committee, contact, coordinators,
                                                 now=unit.now), unit.now)


def find_committee_by_id(committee_id: int) -> Committee:
    found = row(Committee, committee_id)
    if found is None:
        raise NotFound(N_("No committee %(id)s."), id=committee_id)
    return found


def committees_managed_by(account: Account) -> list[Committee]:
    """The committees an account may designate a representative for, by pillar."""
    return [c for c in db.session.scalars(
        select(Committee).options(selectinload(Committee.representative)
                                  .selectinload(Contact.organisation))
        .order_by(Committee.pillar, Committee.id))
        if permissions.can_manage_committee(account, c)]


def representative_candidates() -> list[Contact]:
    """Who may be designated: active contacts of approved organisations, by organisation
    and name."""
    return list(db.session.scalars(
        select(Contact).join(Contact.organisation)
        .where(Organisation.registration_state == RegistrationState.APPROVED,
               Contact.active.is_(True))
        .options(contains_eager(Contact.organisation))
        .order_by(Organisation.name, Contact.name)))
