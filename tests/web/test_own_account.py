"""Every account holder's own page (issue 14, item 10): name, language, time zone, and a
password change that needs the current password."""

from __future__ import annotations

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Account, AuditEntry, Role
from tests.web.people import PASSWORD, csrf_of, log_in, make_account

NEW = "another long passphrase"


def post(client, path: str, **fields):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf_of(client, "/workspace/account"),
                                   **fields})


def test_an_account_changes_its_name_language_and_zone(seeded, client) -> None:
    account = make_account(Role.COMMITTEE_COORDINATOR, email="cc@example.org")
    log_in(client, "cc@example.org")
    page = client.get("/workspace/account")
    assert page.status_code == 200 and "cc@example.org" in page.get_data(as_text=True)
    saved = post(client, "/workspace/account", name="Marie Desrosiers", language="fr",
                 zone="America/Port-au-Prince")
    assert saved.status_code == 302
    db.session.refresh(account)
    assert (account.name, account.language, account.zone) == (
        "Marie Desrosiers", "fr", "America/Port-au-Prince")
    assert db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "account", AuditEntry.action == "account.edit")).one()


def test_a_bad_zone_keeps_the_form(seeded, client) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    refused = post(client, "/workspace/account", name="Typed name", language="es",
                   zone="Mars/Olympus")
    assert refused.status_code == 422
    assert "Typed name" in refused.get_data(as_text=True)


def test_a_password_change_needs_the_current_password(seeded, client, app) -> None:
    account = make_account(Role.SECRETARIAT, email="sec@example.org")
    other_device = app.test_client()
    log_in(other_device, "sec@example.org")
    log_in(client, "sec@example.org")
    wrong = post(client, "/workspace/account/password", current_password="not it",
                 password=NEW)
    assert wrong.status_code == 422
    db.session.refresh(account)
    assert account.password_changed_at is None
    changed = post(client, "/workspace/account/password", current_password=PASSWORD,
                   password=NEW)
    assert changed.status_code == 302
    # This session goes on; the other device is logged out; the new password works.
    assert client.get("/workspace/account").status_code == 200
    assert other_device.get("/workspace/account").status_code == 302
    log_in(app.test_client(), "sec@example.org", NEW)
    assert db.session.scalar(select(Account.password_changed_at)) is not None


def test_a_weak_new_password_is_refused(seeded, client) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    refused = post(client, "/workspace/account/password", current_password=PASSWORD,
                   password="short")
    assert refused.status_code == 422
