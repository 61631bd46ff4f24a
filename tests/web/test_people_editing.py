"""Organisations and contacts corrected after registration (issue 14, item 6): by the
secretariat and by the special coordinator of the organisation's country, refused for
anyone else, through the workspace and the command line."""

from __future__ import annotations

from email import message_from_string
from email.policy import default

from sqlalchemy import select

from coordinator.cli import main
from coordinator.extensions import db
from coordinator.models import (
    AuditEntry,
    Contact,
    Country,
    OutboxMessage,
    OutboxState,
    Role,
)
from tests.conftest import NOW
from tests.mail.scenario import make_world
from tests.support.organisations import approved_contact
from tests.web.people import csrf_of, log_in, make_account


def guatemalan_contact() -> Contact:
    contact = approved_contact("Red GT", "Ana Ixcot", "ana@red.example")
    contact.organisation.countries = [db.session.scalars(select(Country).where(
        Country.iso == "GT")).one()]
    db.session.commit()
    return contact


def post(client, path: str, **fields):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf_of(client, "/workspace/account"),
                                   **fields})


def contact_form(contact: Contact, **changes: str) -> dict[str, str]:
    form = {"name": contact.name, "email": contact.email, "language": contact.language,
            "zone": contact.zone, "active": "yes"}
    form.update(changes)
    return form


def test_the_secretariat_corrects_an_organisation_and_its_countries(seeded, client) -> None:
    contact = guatemalan_contact()
    organisation_id = contact.organisation_id
    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    page = client.get(f"/workspace/organisations/{organisation_id}/edit")
    assert page.status_code == 200 and 'name="countries"' in page.get_data(as_text=True)
    saved = post(client, f"/workspace/organisations/{organisation_id}/edit",
                 name="Red GT y MX", website="https://red.example", countries=["GT", "MX"])
    assert saved.status_code == 302
    organisation = contact.organisation
    db.session.refresh(organisation)
    assert organisation.name == "Red GT y MX" and organisation.website == "https://red.example"
    assert sorted(c.iso for c in organisation.countries) == ["GT", "MX"]
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "organisation.edit")).one()
    assert entry.details["changes"]["countries"] == [["GT"], ["GT", "MX"]]
    assert entry.actor == "account:sec@example.org"


def test_the_countrys_coordinator_corrects_a_contact(seeded, client) -> None:
    contact = guatemalan_contact()
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    log_in(client, "gt@example.org")
    listing = client.get("/workspace/organisations").get_data(as_text=True)
    assert "Red GT" in listing
    page = client.get(f"/workspace/organisations/{contact.organisation_id}/edit")
    assert page.status_code == 200
    assert 'name="countries"' not in page.get_data(as_text=True)  # the secretariat's
    saved = post(client, f"/workspace/contacts/{contact.id}/edit",
                 **contact_form(contact, name="Ana María Ixcot", language="ht",
                                zone="America/Guatemala"))
    assert saved.status_code == 302
    db.session.refresh(contact)
    assert (contact.name, contact.language) == ("Ana María Ixcot", "ht")
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "contact.edit")).one()
    assert entry.details["changes"]["language"] == ["es", "ht"]


def test_others_are_refused_with_403(seeded, client) -> None:
    contact = guatemalan_contact()
    make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    log_in(client, "mx@example.org")
    assert client.get(f"/workspace/organisations/{contact.organisation_id}/edit"
                      ).status_code == 403
    assert client.get(f"/workspace/contacts/{contact.id}/edit").status_code == 403
    refused = post(client, f"/workspace/contacts/{contact.id}/edit",
                   **contact_form(contact, name="Someone else"))
    assert refused.status_code == 403
    assert "Red GT" not in client.get("/workspace/organisations").get_data(as_text=True)
    db.session.refresh(contact)
    assert contact.name == "Ana Ixcot"


def test_a_committee_coordinator_cannot_edit_either(seeded, client) -> None:
    contact = guatemalan_contact()
    make_account(Role.COMMITTEE_COORDINATOR, email="cc@example.org")
    log_in(client, "cc@example.org")
    assert client.get(f"/workspace/organisations/{contact.organisation_id}/edit"
                      ).status_code == 403


def test_bad_input_is_refused_with_422_and_the_form_kept(seeded, client) -> None:
    contact = guatemalan_contact()
    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    refused = post(client, f"/workspace/contacts/{contact.id}/edit",
                   **contact_form(contact, name="Ana typed this", email="not an address"))
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "Ana typed this" in body and "not an address" in body
    assert 'aria-invalid="true"' in body
    bad_site = post(client, f"/workspace/organisations/{contact.organisation_id}/edit",
                    name="Red GT", website="javascript:alert(1)", countries=["GT"])
    assert bad_site.status_code == 422
    assert "javascript:alert(1)" in bad_site.get_data(as_text=True)
    db.session.refresh(contact)
    assert contact.email == "ana@red.example"


def test_an_address_another_active_contact_has_is_refused(seeded, client) -> None:
    contact = guatemalan_contact()
    approved_contact("Otra", "Beto", "beto@otra.example")
    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    refused = post(client, f"/workspace/contacts/{contact.id}/edit",
                   **contact_form(contact, email="Beto@otra.example"))
    assert refused.status_code == 409
    assert "beto@otra.example" in refused.get_data(as_text=True).lower()


def test_a_new_address_sends_the_failed_mail_again_to_it(seeded, client, frozen) -> None:
    world = make_world(NOW)
    contact = next(c for c in world.organisation.contacts if c.email == "ana@cso.example")
    contact.organisation.countries = [world.series.country]
    failed = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.contact_id == contact.id)).one()
    failed.state, failed.attempts, failed.last_error = OutboxState.FAILED, 3, "550 no such user"
    db.session.commit()
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    log_in(client, "gt@example.org")
    saved = post(client, f"/workspace/contacts/{contact.id}/edit",
                 **contact_form(contact, email="ana.ixcot@new.example"))
    assert saved.status_code == 302
    db.session.refresh(failed)
    assert failed.state == OutboxState.QUEUED and failed.attempts == 0
    assert failed.recipient == "ana.ixcot@new.example"
    message = message_from_string(failed.body, policy=default)
    assert message["To"].addresses[0].addr_spec == "ana.ixcot@new.example"


def test_the_command_line_edits_a_contact_and_refuses_with_exit_2(seeded) -> None:
    contact = guatemalan_contact()
    runner = seeded.test_cli_runner()
    done = runner.invoke(main, ["contact", "edit", str(contact.id), "--language", "pt",
                                "--zone", "America/Guatemala"])
    assert done.exit_code == 0, done.output
    assert "pt" in done.output
    db.session.refresh(contact)
    assert contact.language == "pt"
    refused = runner.invoke(main, ["contact", "edit", str(contact.id), "--language", "xx"])
    assert refused.exit_code == 2 and "language" in refused.output
    missing = runner.invoke(main, ["contact", "edit", "424242", "--name", "X"])
    assert missing.exit_code == 2
    renamed = runner.invoke(main, ["organisation", "edit", str(contact.organisation_id),
                                   "--name", "Red GT renamed", "--country", "GT"])
    assert renamed.exit_code == 0, renamed.output
    db.session.refresh(contact.organisation)
    assert contact.organisation.name == "Red GT renamed"


def test_the_three_doors_refuse_a_bad_zone_in_the_same_words(seeded, client) -> None:
    import html

    from coordinator.accounts.api_tokens import create_token
    from coordinator.unit import Actor

    contact = guatemalan_contact()
    secretariat = make_account(Role.SECRETARIAT, email="sec@example.org")
    token = create_token(secretariat.id, "t", now=NOW, actor=Actor.cli())
    words = "Choose a time zone from the list."
    api = client.patch(f"/api/v1/contacts/{contact.id}", json={"zone": "Mars/Olympus"},
                       headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 422 and words in api.get_data(as_text=True)
    log_in(client, "sec@example.org")
    page = post(client, f"/workspace/contacts/{contact.id}/edit",
                **contact_form(contact, zone="Mars/Olympus"))
    assert page.status_code == 422 and words in html.unescape(page.get_data(as_text=True))
    cli = seeded.test_cli_runner().invoke(main, ["contact", "edit", str(contact.id),
                                                 "--zone", "Mars/Olympus"])
    assert cli.exit_code == 2 and words in cli.output
