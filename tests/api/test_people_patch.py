"""PATCH /organisations/{id} and /contacts/{id}: the same service and the same refusals as
the workspace (issue 14, item 6)."""

from __future__ import annotations

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import AuditEntry, Contact, Country, Organisation
from tests.api.conftest import World, bearer


def in_guatemala(world: World) -> Organisation:
    organisation = db.session.get(Organisation, world.organisation_id)
    assert organisation is not None
    organisation.countries = [db.session.scalars(select(Country).where(
        Country.iso == "GT")).one()]
    db.session.commit()
    return organisation


def contact_of(organisation: Organisation) -> Contact:
    return organisation.contacts[0]


def test_the_countrys_coordinator_patches_a_contact(world: World, client) -> None:
    contact = contact_of(in_guatemala(world))
    answer = client.patch(f"/api/v1/contacts/{contact.id}", json={"language": "fr"},
                          headers=bearer(world.guatemala))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["language"] == "fr"
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "contact.edit")).one()
    assert entry.actor.startswith("api:")


def test_another_countrys_coordinator_gets_403_and_a_stranger_401(world: World,
                                                                  client) -> None:
    contact = contact_of(in_guatemala(world))
    assert client.patch(f"/api/v1/contacts/{contact.id}", json={"name": "X"},
                        headers=bearer(world.mexico)).status_code == 403
    assert client.patch(f"/api/v1/contacts/{contact.id}", json={"name": "X"}
                        ).status_code == 401
    assert client.patch(f"/api/v1/organisations/{world.organisation_id}",
                        json={"name": "X"}, headers=bearer(world.mexico)).status_code == 403


def test_only_the_secretariat_moves_an_organisation_to_other_countries(world: World,
                                                                       client) -> None:
    in_guatemala(world)
    path = f"/api/v1/organisations/{world.organisation_id}"
    assert client.patch(path, json={"countries": ["MX"]},
                        headers=bearer(world.guatemala)).status_code == 403
    renamed = client.patch(path, json={"name": "Red GT renombrada"},
                           headers=bearer(world.guatemala))
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Red GT renombrada"
    moved = client.patch(path, json={"countries": ["GT", "MX"]},
                         headers=bearer(world.secretariat))
    assert moved.status_code == 200 and moved.get_json()["countries"] == ["GT", "MX"]


def test_bad_input_is_a_422_problem_naming_the_field(world: World, client) -> None:
    contact = contact_of(in_guatemala(world))
    answer = client.patch(f"/api/v1/contacts/{contact.id}", json={"zone": "Mars/Olympus"},
                          headers=bearer(world.secretariat))
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert "zone" in answer.get_data(as_text=True)
    unknown = client.patch("/api/v1/contacts/424242", json={"name": "X"},
                           headers=bearer(world.secretariat))
    assert unknown.status_code == 404
    typo = client.patch(f"/api/v1/contacts/{contact.id}", json={"nmae": "X"},
                        headers=bearer(world.secretariat))
    assert typo.status_code == 422
