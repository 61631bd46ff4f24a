"""Issue 14 item 2: who answered what, in which language, needing which interpretation;
the workspace page, its CSV, the API and the CLI say the same; the dashboard warns of
interpretation needed within 30 days."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from coordinator.accounts.api_tokens import create_token
from coordinator.cli import main
from coordinator.extensions import db
from coordinator.invitations.rsvp import answer_invitation, rsvp_details, spreadsheet_safe
from coordinator.models import Account, Contact, Invitation, Role
from coordinator.tracking.dashboard import interpretation_needed
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import World, make_world
from tests.web.people import log_in, make_account

INJECTED = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.fixture
def world(seeded) -> World:  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        made = make_world(NOW)  # its first meeting: 10 December 2026, 18 days after NOW
        by_email = {i.contact.email: i for i in db.session.scalars(select(Invitation))}
        answers = {"ana@cso.example": ("accepted", "es", None),
                   "wilner@cso.example": ("accepted", "ht", "es"),
                   "beatriz@cso.example": ("tentative", "pt", "ht"),
                   "nadege@cso.example": ("declined", "fr", "ht")}  # declined: no interpreter
        for address, (answer, speaks, into) in answers.items():
            answer_invitation(by_email[address], answer=answer, speaks=speaks,
                              interpretation_into=into, now=NOW - timedelta(hours=2))
        wilner = db.session.scalars(select(Contact).where(
            Contact.email == "wilner@cso.example")).one()
        wilner.name = INJECTED
        db.session.commit()
        make_account(Role.SPECIAL_COORDINATOR, email="gt@gob.example", country="GT")
        make_account(Role.SPECIAL_COORDINATOR, email="mx@gob.example", country="MX")
        yield made


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_the_read_model_lists_everyone_invited_coming_first(world) -> None:
    details = rsvp_details(world.first.id)
    assert [p.answer for p in details.people] == ["accepted", "accepted", "tentative",
                                                  "declined", "needs-action"]
    by_email = {p.email: p for p in details.people}
    assert by_email["beatriz@cso.example"].interpretation_into == "ht"
    assert by_email["beatriz@cso.example"].organisation == "Red de Acogida"
    assert by_email["grace@cso.example"].answered_at is None
    assert details.summary.interpretation_into == {"es": 1, "ht": 1}  # not the declined


def test_page_csv_api_and_cli_agree(world, client, app, clock) -> None:
    meeting = world.first
    log_in(client, "gt@gob.example")
    assert f'href="/workspace/meetings/{meeting.id}/rsvps"' in client.get(
        f"/workspace/meetings/{meeting.id}").get_data(as_text=True)
    page = client.get(f"/workspace/meetings/{meeting.id}/rsvps")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Into Kreyòl ayisyen: 1 person" in html and "Into Español: 1 person" in html
    for name in ("Ana Ixcot", "Beatriz Gonçalves", "Nadège Pierre", "Grace Okafor"):
        assert name in html
    assert "=HYPERLINK(&#34;http://evil.example&#34;" in html  # escaped, shown as typed
    assert "<script" not in html and 'style="' not in html

    download = client.get(f"/workspace/meetings/{meeting.id}/rsvps.csv")
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    raw = download.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel then reads the accents as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Organisation", "Name", "Email", "Role", "Answer"]
    by_email = {row[2]: row for row in body}
    assert len(body) == 5
    assert by_email["wilner@cso.example"][1] == "'" + INJECTED  # a formula no more
    assert by_email["beatriz@cso.example"][1:] == [
        "Beatriz Gonçalves", "beatriz@cso.example", "invited", "Maybe", "Português",
        "Kreyòl ayisyen", "2026-11-22 04:00"]  # answered 10:00 UTC, in Guatemala's zone
    assert by_email["grace@cso.example"][4] == "No answer yet"

    token = create_token(_account_id("gt@gob.example"), "tests", now=NOW, actor=Actor.cli())
    api = client.get(f"/api/v1/meetings/{meeting.id}/rsvps",
                     headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200, api.get_data(as_text=True)
    data = api.get_json()
    assert data["interpretation_into"] == {"es": 1, "ht": 1}
    items = {i["email"]: i for i in data["items"]}
    assert set(items) == set(by_email)
    assert items["beatriz@cso.example"]["answer"] == "tentative"
    assert items["beatriz@cso.example"]["speaks"] == "pt"
    assert items["wilner@cso.example"]["name"] == INJECTED  # JSON is not a spreadsheet

    out = app.test_cli_runner().invoke(main, ["rsvps", str(meeting.id)]).output
    assert "interpretation into ht: 1" in out
    for address in by_email:
        assert address in out
    assert "tentative    Red de Acogida | Beatriz Gonçalves" in out
    as_csv = app.test_cli_runner().invoke(main, ["rsvps", str(meeting.id), "--csv"]).output
    assert list(csv.reader(io.StringIO(as_csv)))[1:] == body


def _account_id(address: str) -> int:
    return db.session.scalars(select(Account.id).where(Account.email == address)).one()


def test_only_the_meetings_coordinators_see_the_answers(world, client, clock) -> None:
    meeting = world.first
    log_in(client, "mx@gob.example")
    assert client.get(f"/workspace/meetings/{meeting.id}/rsvps").status_code == 403
    assert client.get(f"/workspace/meetings/{meeting.id}/rsvps.csv").status_code == 403
    token = create_token(_account_id("mx@gob.example"), "tests", now=NOW, actor=Actor.cli())
    assert client.get(f"/api/v1/meetings/{meeting.id}/rsvps",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 403
    assert client.get(f"/api/v1/meetings/{meeting.id}/rsvps").status_code == 401
    assert client.get("/workspace/meetings/424242/rsvps").status_code == 404


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_neutralised(cell: str) -> None:
    assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe("Ana " + cell) == "Ana " + cell


def test_the_dashboard_notice_appears_only_within_30_days(world, client, clock) -> None:
    meeting = world.first
    gt = db.session.get(Account, _account_id("gt@gob.example"))
    mx = db.session.get(Account, _account_id("mx@gob.example"))
    assert gt is not None and mx is not None
    needs = interpretation_needed(gt, NOW)
    assert [(n.meeting.id, n.language, n.people) for n in needs] == [
        (meeting.id, "es", 1), (meeting.id, "ht", 1)]
    assert interpretation_needed(gt, meeting.start_at - timedelta(days=31)) == []
    assert interpretation_needed(gt, meeting.start_at + timedelta(minutes=1)) == []
    assert interpretation_needed(mx, NOW) == []
    log_in(client, "gt@gob.example")
    page = client.get("/workspace/").get_data(as_text=True)
    assert "Interpretation into Kreyòl ayisyen needed for National CSO meeting" in page
    assert "(1 person)" in page
    assert f'href="/workspace/meetings/{meeting.id}/rsvps"' in page
    clock.move_to(meeting.start_at - timedelta(days=31))
    assert "Interpretation into" not in client.get("/workspace/").get_data(as_text=True)
