"""Issue 14, item 10: the secretariat's CSV of registrations (UTF-8 with BOM, guarded
against formulas), on both databases."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Contact, Country, Organisation, RegistrationState, Role, Scope
from tests.web.people import log_in, make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def organisation(name: str, state: RegistrationState, contacts: list[tuple[str, str, str]],
                 countries: tuple[str, ...] = ("HT",)) -> Organisation:
    found = Organisation(name=name, scope=Scope.NATIONAL, kinds=["advocacy"], led_by=[],
                         languages=["ht", "fr"], registration_state=state, created_at=NOW,
                         website="https://example.org",
                         countries=list(db.session.scalars(select(Country).where(
                             Country.iso.in_(countries)))))
    for name_, email, language in contacts:
        found.contacts.append(Contact(name=name_, email=email, language=language,
                                      zone="America/Port-au-Prince", created_at=NOW))
    db.session.add(found)
    db.session.commit()
    return found


def test_registrations_csv_lists_states_countries_and_contacts_safely(seeded, client,
                                                                        frozen) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    organisation("Fanm Vanyan Lakay", RegistrationState.APPROVED,
                 [("Rozlò Pòl", "rozlo@example.org", "ht"),
                  ("Jean Baptiste", "jb@example.org", "fr")])
    organisation('=HYPERLINK("http://evil.example","clic")', RegistrationState.VERIFIED,
                 [("+cmd|' /C calc'!A0", "x@example.org", "es"),
                  ("-2+3", "y@example.org", "es"), ("@SUM(A1)", "z@example.org", "en")],
                 countries=("GT", "MX"))

    log_in(client, "sec@example.org")
    assert "/workspace/registrations.csv" in client.get(
        "/workspace/registrations").get_data(as_text=True)
    answer = client.get("/workspace/registrations.csv")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    assert "no-store" in answer.headers["Cache-Control"]
    raw = answer.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Organisation", "State", "Countries"]
    body = rows[1:]
    assert len(body) == 5  # one line per contact
    # Waiting for a decision comes first (the review order), then approved ones.
    assert [r[1] for r in body] == ["Waiting for the secretariat's decision"] * 3 + [
        "Approved"] * 2
    evil = body[0]
    assert evil[0] == "'=HYPERLINK(\"http://evil.example\",\"clic\")"
    assert evil[2] == "GT MX"
    assert {r[6] for r in body[:3]} == {"'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(A1)"}
    assert ["Fanm Vanyan Lakay", "Approved", "HT"] == body[3][:3]
    assert {(r[6], r[7], r[8]) for r in body[3:]} == {
        ("Rozlò Pòl", "rozlo@example.org", "Kreyòl ayisyen"),
        ("Jean Baptiste", "jb@example.org", "Français")}
    assert body[3][9] == "2026-11-22 12:00"

    coordinator = client.application.test_client()
    log_in(coordinator, "gt@example.org")
    assert coordinator.get("/workspace/registrations.csv").status_code == 403
    assert client.application.test_client().get(
        "/workspace/registrations.csv").status_code in (302, 401)
