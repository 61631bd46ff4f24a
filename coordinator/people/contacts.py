"""Finding the registered people behind an address someone typed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from coordinator.errors import InvalidInput
from coordinator.extensions import db
from coordinator.models import Contact, Organisation, RegistrationState
from coordinator.models.people import checked_email


def registered_contacts(address: str) -> list[Contact]:
    """Active contacts of approved organisations at this address; none for a bad address.

    Callers answer the same whatever this finds, so nobody learns who is registered.
    """
    try:
        email = checked_email((address or "").strip())
    except InvalidInput:
        return []
    return list(db.session.scalars(
        select(Contact).join(Contact.organisation)
        .where(Contact.email == email, Contact.active.is_(True),
               Organisation.registration_state == RegistrationState.APPROVED)))


def no_longer_registered(contact: Contact, now: datetime) -> str | None:
    """Why a contact's personal links (proposals, private feed) stop working: the contact
    left, or the organisation is no longer approved. None while both hold."""
    if not contact.active or \
            contact.organisation.registration_state != RegistrationState.APPROVED:
        return "inactive"
    return None
