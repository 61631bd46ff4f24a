"""When the secretariat approves an organisation, the special coordinators of its
countries are told, each in their own language (issue 14, item 10)."""

from __future__ import annotations

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import (
    Contact,
    Country,
    Organisation,
    OutboxMessage,
    RegistrationState,
    Role,
    Scope,
)
from coordinator.people.registration import approve_registration, decline_registration
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.web.people import make_account


def verified_in(iso: str) -> Organisation:
    organisation = Organisation(
        name="Colectivo Frontera Sur", scope=Scope.NATIONAL, kinds=[], led_by=[],
        registration_state=RegistrationState.VERIFIED, created_at=NOW, verified_at=NOW,
        countries=[db.session.scalars(select(Country).where(Country.iso == iso)).one()])
    organisation.contacts.append(Contact(name="Lucía", email="lucia@frontera.example",
                                         language="es", zone="America/Guatemala",
                                         created_at=NOW))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def approvals() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "organisation-approved")))


def test_approval_mails_the_countrys_coordinator_in_their_language(seeded) -> None:
    organisation = verified_in("GT")
    guatemala = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    guatemala.language = "fr"
    make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    make_account(Role.SECRETARIAT, email="sec@example.org")
    db.session.commit()
    approve_registration(organisation.id, now=NOW, actor=Actor.cli())
    (mail,) = approvals()
    assert mail.recipient == "gt@example.org" and mail.account_id == guatemala.id
    assert mail.language == "fr" and "Colectivo Frontera Sur" in mail.subject
    assert f"/workspace/organisations/{organisation.id}/edit" in mail.body


def test_a_declined_organisation_is_not_announced(seeded) -> None:
    organisation = verified_in("GT")
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    decline_registration(organisation.id, "Outside the region.", now=NOW, actor=Actor.cli())
    assert approvals() == []
