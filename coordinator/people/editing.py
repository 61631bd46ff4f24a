"""Changing organisations and contacts after registration, and a contact's own preferences.

The secretariat and the special coordinator of an organisation's country correct names,
websites and contacts (the doors ask `permissions.can_edit_organisation` first; only the
secretariat moves an organisation to other countries). A contact changes their own
language, time zone and whether they receive non-essential mail through the personal link
in the footer of every mail (`links.PREFERENCES_LINK`). Each change is one transaction with
its audit entry, naming each field's old and new value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import message_from_string
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from coordinator.accounts.permissions import is_secretariat
from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, Conflict, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.invitations import services as invitations
from coordinator.links import row
from coordinator.mail.compose import serialise
from coordinator.models import (
    Account,
    Contact,
    Country,
    Invitation,
    Meeting,
    MeetingStatus,
    Organisation,
    OutboxMessage,
    OutboxState,
    Role,
)
from coordinator.models.people import checked_email
from coordinator.people.registration import MAX_NAME, checked_website
from coordinator.unit import Actor, Unit, unit_of_work

_PREFERENCES = Actor("preferences-link")


def find_organisation(organisation_id: int) -> Organisation:
    """The organisation, or NotFound (404 on every door)."""
    found = row(Organisation, organisation_id)
    if found is None:
        raise NotFound(N_("No organisation %(id)s."), id=organisation_id)
    return found


def find_contact(contact_id: int) -> Contact:
    """The contact, or NotFound (404 on every door)."""
    found = row(Contact, contact_id)
    if found is None:
        raise NotFound(N_("No contact %(id)s."), id=contact_id)
    return found


def editable_organisations(account: Account) -> list[Organisation]:
    """The organisations this account may edit, by name: all for the secretariat, those
    working in their country for a special coordinator, none for anyone else."""
    stmt = select(Organisation).options(selectinload(Organisation.countries),
                                        selectinload(Organisation.contacts))
    if not is_secretariat(account):
        if not account.is_active or account.role != Role.SPECIAL_COORDINATOR \
                or account.country_id is None:
            return []
        stmt = stmt.where(Organisation.countries.any(Country.id == account.country_id))
    return list(db.session.scalars(stmt.order_by(Organisation.name, Organisation.id)))


def zone_choices() -> list[str]:
    """The time zones a contact may choose: those of the Declaration's countries, and UTC."""
    zones = {"UTC"}
    for country_zones, capital in db.session.execute(select(Country.zones,
                                                            Country.capital_zone)):
        zones.update(country_zones or [capital])
    return sorted(zones)


# --- checks shared by the secretariat's edits and the contact's own page -----------------

def _name(value: str, limit: int = MAX_NAME) -> str:
    name = " ".join((value or "").split())
    # Control and format characters (NUL, bidi overrides) would break mail headers and
    # pages that show the name.
    if not name or len(name) > limit or any(unicodedata.category(c).startswith("C")
                                             for c in name):
        raise InvalidInput(Np_("Give a name of at most %(num)s character.",
                               "Give a name of at most %(num)s characters."), field="name",
                           num=limit)
    return name


def _language(value: str) -> str:
    if value not in LANGUAGE_NAMES:
        raise InvalidInput(N_("Choose a language from the list."), field="language")
    return value


def _zone(value: str) -> str:
    if value not in zone_choices():
        raise InvalidInput(N_("Choose a time zone from the list."), field="zone")
    return value


def _email(value: str) -> str:
    try:
        return checked_email((value or "").strip())
    except InvalidInput as exc:
        raise InvalidInput(N_("Give a valid e-mail address."), field="email") from exc


def _changed(record: Any, changes: dict[str, list[Any]], field: str, value: Any) -> None:
    old = getattr(record, field)
    if old != value:
        changes[field] = [old, value]
        setattr(record, field, value)


# --- organisations ------------------------------------------------------------------------

def edit_organisation(organisation_id: int, *, now: datetime, actor: Actor,
                      name: str | None = None, website: str | None = None,
                      countries: Sequence[str] | None = None) -> Organisation:
    """Correct an organisation's name, website ("" removes it) or countries; None leaves a
    field as it is. Only the secretariat's doors pass `countries`."""
    ensure_aware(now, "now")
    new_name = _name(name) if name is not None else None
    new_website = checked_website((website or "").strip()) if website is not None else None
    with unit_of_work(actor, now) as unit:
        organisation = find_organisation(organisation_id)
        changes: dict[str, list[Any]] = {}
        if new_name is not None:
            _changed(organisation, changes, "name", new_name)
        if website is not None:
            _changed(organisation, changes, "website", new_website)
        if countries is not None:
            codes = sorted({(code or "").strip().upper() for code in countries} - {""})
            found = list(unit.session.scalars(select(Country).where(Country.iso.in_(codes))))
            if not codes or len(found) != len(codes):
                raise InvalidInput(N_("Choose at least one country from the list."),
                                   field="countries")
            before = sorted(c.iso for c in organisation.countries)
            if before != codes:
                organisation.countries = found
                changes["countries"] = [before, codes]
        if changes:
            unit.record("organisation.edit", "organisation", organisation.id,
                        changes=changes)
    return organisation


# --- contacts -----------------------------------------------------------------------------

@dataclass
class ContactEdit:
    """The contact after the edit, and how many failed mails went out again to a new
    address (0 when the address stayed)."""

    contact: Contact
    requeued: int = 0


def edit_contact(contact_id: int, *, now: datetime, actor: Actor, name: str | None = None,
                 email: str | None = None, language: str | None = None,
                 zone: str | None = None, active: bool | None = None) -> ContactEdit:
    """Correct a contact; None leaves a field as it is.

    A new address must not be another active contact's (one person, one contact), and
    mail that failed to the old address (a bounce) goes out again to the new one, unless
    its meeting is over; the preferences link mailed to the old address stops working.
    """
    ensure_aware(now, "now")
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = _name(name)
    if email is not None:
        values["email"] = _email(email)
    if language is not None:
        values["language"] = _language(language)
    if zone is not None:
        values["zone"] = _zone(zone)
    if active is not None:
        values["active"] = bool(active)
    with unit_of_work(actor, now) as unit:
        session = unit.session
        contact = find_contact(contact_id)
        old_email = contact.email
        address = values.get("email")
        if address is not None and address.lower() != old_email.lower():
            unit.serialise(f"contact-address:{address.lower()}")
            clash = session.scalar(select(Contact.id).where(
                func.lower(Contact.email) == address.lower(), Contact.id != contact.id,
                or_(Contact.active.is_(True),
                    Contact.organisation_id == contact.organisation_id)))
            if clash is not None:
                raise Conflict(N_("Another contact already has the address %(email)s."),
                               field="email", email=address)
        if values.get("active") and not contact.active and address is None:
            clash = session.scalar(select(Contact.id).where(
                func.lower(Contact.email) == contact.email.lower(), Contact.id != contact.id,
                Contact.active.is_(True)))
            if clash is not None:
                raise Conflict(N_("Another active contact already has the address "
                                  "%(email)s."), field="active", email=contact.email)
        changes: dict[str, list[Any]] = {}
        for field, value in values.items():
            _changed(contact, changes, field, value)
        followed = 0
        if "active" in changes:
            session.flush()
            followed = _follow_invitations(unit, contact)
        requeued = 0
        if "email" in changes and old_email.lower() != contact.email.lower():
            contact.preferences_version = (contact.preferences_version or 0) + 1
            session.flush()
            requeued = _send_failed_again(contact, old_email, now)
        if changes:
            unit.record("contact.edit", "contact", contact.id,
                        organisation=contact.organisation_id, changes=changes,
                        requeued=requeued, invitations=followed)
    return ContactEdit(contact, requeued)


def _follow_invitations(unit: Unit, contact: Contact) -> int:
    """A contact made inactive is told that their invitations to the meetings ahead are
    withdrawn (those meetings would otherwise stay in their calendar, untrue); one made
    active again is invited again to them. Meetings are held in id order, as every
    multi-meeting change takes them."""
    ahead = unit.session.scalars(
        select(Meeting.id).join(Invitation, Invitation.meeting_id == Meeting.id)
        .where(Invitation.contact_id == contact.id, Meeting.status == MeetingStatus.SCHEDULED,
               Meeting.end_at > unit.now)
        .order_by(Meeting.id)).all()
    count = 0
    for meeting_id in ahead:
        meeting = unit.lock_meeting(meeting_id)
        if meeting is None:
            continue
        count += (invitations.send_invitations(unit, meeting) if contact.active
                  else invitations.withdraw_uninvited(unit, meeting))
    return count


def _send_failed_again(contact: Contact, old_email: str, now: datetime) -> int:
    """Put the mail that failed to the old address back in the queue, addressed to the
    new one (same Message-ID, so a copy that did arrive after all is dropped as a twin).
    Mail about a meeting that is over stays as it was: it would tell nothing true."""
    session = db.session
    over = select(Meeting.id).where(Meeting.end_at <= now)
    failed = session.scalars(select(OutboxMessage).where(
        OutboxMessage.contact_id == contact.id, OutboxMessage.state == OutboxState.FAILED,
        func.lower(OutboxMessage.recipient) == old_email.lower(),
        or_(OutboxMessage.meeting_id.is_(None), OutboxMessage.meeting_id.not_in(over)))
        .order_by(OutboxMessage.id))
    count = 0
    for message in failed:
        message.body = _readdressed(message.body, contact.name, contact.email)
        message.recipient = contact.email
        message.state = OutboxState.QUEUED
        message.attempts = 0
        message.next_attempt_at = now
        message.claimed_at = None
        count += 1
    return count


def _readdressed(body: str, name: str, email: str) -> str:
    parsed = message_from_string(body, policy=SMTP)
    assert isinstance(parsed, EmailMessage)
    local, _, domain = email.rpartition("@")
    del parsed["To"]
    parsed["To"] = Address(display_name=" ".join(name.split()), username=local, domain=domain)
    return serialise(parsed)


# --- the contact's own preferences ------------------------------------------------------

def update_preferences(contact: Contact, *, language: str, zone: str,
                       non_essential_mail: bool, now: datetime) -> Contact:
    """The contact's own choices, through their preferences link: the next mail comes in
    this language and zone; reminders and digests stop when `non_essential_mail` is off."""
    ensure_aware(now, "now")
    values = {"language": _language(language), "zone": _zone(zone),
              "non_essential_mail": bool(non_essential_mail)}
    with unit_of_work(_PREFERENCES, now) as unit:
        changes: dict[str, list[Any]] = {}
        for field, value in values.items():
            _changed(contact, changes, field, value)
        if changes:
            unit.record("contact.preferences", "contact", contact.id, changes=changes)
    return contact
