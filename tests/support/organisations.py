"""Organisations and their contacts as the registration leaves them: approved, reachable."""

from __future__ import annotations

from datetime import UTC, datetime

from coordinator.extensions import db
from coordinator.models import Contact, Organisation, RegistrationState, Scope

REGISTERED = datetime(2026, 1, 1, tzinfo=UTC)


def approved_contact(organisation: str, name: str, email: str, *, language: str = "es",
                     zone: str = "America/Guatemala") -> Contact:
    """A contact of a newly approved national organisation, committed."""
    contact = Contact(organisation=Organisation(
        name=organisation, scope=Scope.NATIONAL, kinds=["advocacy"], led_by=[],
        languages=[language], registration_state=RegistrationState.APPROVED,
        created_at=REGISTERED), name=name, email=email, language=language, zone=zone,
        created_at=REGISTERED)
    db.session.add(contact)
    db.session.commit()
    return contact
