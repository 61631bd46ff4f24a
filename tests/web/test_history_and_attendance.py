"""Issue 14, items 9 and 10: the audit history per meeting, series, organisation and
account (pages, API, CLI), and the attendance register that the tracker now trusts for
"held". Both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from coordinator.accounts.api_tokens import create_token
from coordinator.agendas.services import add_item
from coordinator.cadence.compliance import PeriodState
from coordinator.cadence.kinds import SeriesKind
from coordinator.cli import main
from coordinator.errors import Conflict, InvalidInput
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant
from coordinator.invitations.rsvp import answer_invitation
from coordinator.meetings.attendance import record_attendance
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.meetings.services import move_meeting
from coordinator.models import (
    Account,
    AuditEntry,
    Invitation,
    Meeting,
    MeetingAttendance,
    Role,
    Series,
)
from coordinator.tracking.compliance import compliance_report
from coordinator.tracking.history import OutsideScope, history_of
from coordinator.unit import Actor
from tests.support.organisations import approved_contact
from tests.web.people import csrf_of, log_in, make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
GT = "America/Guatemala"
# The series' first meeting: 15 December 2026, 10:00 in Guatemala (16:00 UTC).
FIRST = datetime(2026, 12, 15, 16, tzinfo=UTC)


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def post(client, path: str, data: dict[str, str | list[str]]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf_of(client, "/workspace/")})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def gt_series() -> Series:
    return schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="GT",
                                       first_date=date(2026, 12, 15), start_time=time(10),
                                       zone=GT), now=NOW, actor=Actor.cli())


def coordinators() -> tuple[Account, Account]:
    guatemala = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    guatemala.zone = GT  # the history shows times in the reader's zone
    db.session.commit()
    mexico = make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    return guatemala, mexico


def gt_cell(year: int, now: datetime, quarter: int) -> PeriodState:
    return compliance_report(year, now=now).countries["GT"][quarter - 1].state


# --- history ---------------------------------------------------------------------------

def test_history_shows_a_move_with_its_reason_to_the_coordinator_and_refuses_others(
        seeded, client, frozen) -> None:
    guatemala, mexico = coordinators()
    meeting = gt_series().meetings[0]
    contact = approved_contact("Red Ixchel", "Ana", "ana@example.org")
    add_participant(now=NOW, actor=Actor.cli(), series_id=meeting.series_id,
                    organisation_id=contact.organisation_id)
    invitation = db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id))
    assert invitation is not None  # within the invitation horizon: invited at once
    answer_invitation(invitation, answer="accepted", speaks="es", interpretation_into=None,
                      now=NOW)
    add_item(meeting.id, now=NOW, actor=Actor.cli(), kind="discussion", title="Retornos")
    move_meeting(meeting.id, datetime(2026, 12, 16, 10, tzinfo=meeting.start_local.tzinfo),
                 now=NOW + timedelta(minutes=5), actor=Actor("gt@example.org", guatemala.id),
                 reason="Feriado local en Quetzaltenango")

    log_in(client, "gt@example.org")
    page = client.get(f"/workspace/history/meeting/{meeting.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Newest first, in the reader's zone (Guatemala: 10:00, not 16:00 UTC).
    moved = html.index("Moved from")
    assert "Reason: Feriado local en Quetzaltenango" in html
    assert "Dec 15, 2026, 10:00\u202fAM" in html and "Dec 16, 2026, 10:00\u202fAM" in html
    assert moved < html.index("Agenda item added: Retornos") < html.index(
        "Ana (Red Ixchel) answered the invitation: coming")
    assert "gt@example.org" in html and "the command line" in html  # who, in words
    # A page for phones on poor connections, under the CSP.
    assert len(page.get_data()) < 100_000
    assert "<script" not in html and "style=" not in html and "<style" not in html
    # The meeting's page and the series' page link to their histories.
    assert f"/workspace/history/meeting/{meeting.id}" in client.get(
        f"/workspace/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/workspace/history/series/{meeting.series_id}" in client.get(
        f"/workspace/series/{meeting.series_id}").get_data(as_text=True)
    series_page = client.get(f"/workspace/history/series/{meeting.series_id}")
    assert series_page.status_code == 200
    assert "Series scheduled from" in series_page.get_data(as_text=True)
    assert "Red Ixchel invited (invited)" in series_page.get_data(as_text=True)  # named
    # Another country's coordinator: the meeting exists, its history is not theirs.
    assert client.get(f"/workspace/history/organisation/{contact.organisation_id}"
                      ).status_code == 403  # Red Ixchel works in no country of theirs
    assert client.get("/workspace/history/meeting/999999").status_code == 404
    assert client.get(f"/workspace/history/planet/{meeting.id}").status_code == 404
    other = client.application.test_client()
    log_in(other, "mx@example.org")
    assert other.get(f"/workspace/history/meeting/{meeting.id}").status_code == 403
    assert other.get(f"/workspace/history/series/{meeting.series_id}").status_code == 403
    assert other.get(f"/workspace/history/account/{guatemala.id}").status_code == 403
    assert other.get(f"/workspace/history/account/{mexico.id}").status_code == 200

    with pytest.raises(OutsideScope):
        history_of("meeting", meeting.id, mexico)


def test_history_through_the_api_and_the_command_line(seeded, client, frozen) -> None:
    guatemala, mexico = coordinators()
    meeting = gt_series().meetings[0]
    move_meeting(meeting.id, datetime(2026, 12, 17, 10, tzinfo=meeting.start_local.tzinfo),
                 now=NOW, actor=Actor.cli(), reason="Sala ocupada")
    gt_token = create_token(guatemala.id, "tests", now=NOW, actor=Actor.cli())
    mx_token = create_token(mexico.id, "tests", now=NOW, actor=Actor.cli())

    answer = client.get(f"/api/v1/history/meeting/{meeting.id}", headers=bearer(gt_token))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["zone"] == GT and body["total"] >= 1
    first = body["items"][0]
    assert first["action"] == "meeting.move" and first["details"]["reason"] == "Sala ocupada"
    assert "Reason: Sala ocupada" in first["sentence"]
    assert client.get(f"/api/v1/history/meeting/{meeting.id}",
                      headers=bearer(mx_token)).status_code == 403
    assert client.get(f"/api/v1/history/meeting/{meeting.id}").status_code == 401
    assert client.get("/api/v1/history/meeting/999999",
                      headers=bearer(gt_token)).status_code == 404
    tokens = client.get(f"/api/v1/history/account/{guatemala.id}",
                        headers=bearer(gt_token)).get_json()
    assert "API token created: tests." in [i["sentence"] for i in tokens["items"]]
    # Spanish readers read Spanish where the catalog has it; the structure stays.
    assert client.get(f"/api/v1/history/series/{meeting.series_id}", headers={
        **bearer(gt_token), "Accept-Language": "es"}).status_code == 200

    out = client.application.test_cli_runner().invoke(
        main, ["history", "meeting", str(meeting.id)], catch_exceptions=False)
    assert out.exit_code == 0 and "Reason: Sala ocupada" in out.output
    missing = client.application.test_cli_runner().invoke(main, ["history", "meeting", "999999"])
    assert missing.exit_code == 2 and "No meeting 999999" in missing.output


def test_history_pages_newest_first(seeded, frozen) -> None:
    guatemala, _ = coordinators()
    meeting = gt_series().meetings[0]
    for n in range(7):
        add_item(meeting.id, now=NOW + timedelta(minutes=n), actor=Actor.cli(),
                 kind="discussion", title=f"Punto {n}")
    first = history_of("meeting", meeting.id, guatemala, page_size=3)
    assert first.pages == 3 and first.total == 7
    assert [line.sentence for line in first.lines] == [
        "Agenda item added: Punto 6.", "Agenda item added: Punto 5.",
        "Agenda item added: Punto 4."]
    last = history_of("meeting", meeting.id, guatemala, page=99, page_size=3)
    assert last.page == 3 and [line.sentence for line in last.lines] == [
        "Agenda item added: Punto 0."]


# --- attendance ------------------------------------------------------------------------

def test_attendance_is_refused_before_the_start_and_the_tracker_waits_for_it(
        seeded, client, frozen) -> None:
    coordinators()
    meeting = gt_series().meetings[0]
    contact = approved_contact("Red Ixchel", "Ana", "ana@example.org")
    add_participant(now=NOW, actor=Actor.cli(), series_id=meeting.series_id,
                    organisation_id=contact.organisation_id)
    outsider = approved_contact("Colectivo Sur", "Beto", "beto@example.org")
    log_in(client, "gt@example.org")
    path = f"/workspace/meetings/{meeting.id}/attendance"
    assert path in client.get(f"/workspace/meetings/{meeting.id}").get_data(as_text=True)

    # Before the meeting: refused, through the page and the service alike.
    assert "once the meeting has started" in client.get(path).get_data(as_text=True)
    early = post(client, path, {"held": "yes",
                                "organisation": [str(contact.organisation_id)]})
    assert early.status_code == 409
    assert "has not started yet" in early.get_data(as_text=True)
    with pytest.raises(Conflict):
        record_attendance(meeting.id, held=True, organisation_ids=[], now=NOW,
                          actor=Actor.cli())
    assert db.session.get(MeetingAttendance, meeting.id) is None
    assert gt_cell(2026, NOW, 4) == PeriodState.SCHEDULED

    # The day after: the meeting is not "held" by its date alone.
    after = FIRST + timedelta(days=1)
    frozen.move_to(after)
    assert gt_cell(2026, after, 4) == PeriodState.UNRECORDED
    form = client.get(path).get_data(as_text=True)
    assert "Red Ixchel" in form and "Colectivo Sur" not in form  # only those invited
    assert post(client, path, {"held": "yes", "organisation": [
        str(outsider.organisation_id)]}).status_code == 422  # not invited
    refused = post(client, path, {"held": "no",
                                  "organisation": [str(contact.organisation_id)]})
    assert refused.status_code == 422 and "not held has no organisations" in \
        refused.get_data(as_text=True)
    assert post(client, path, {"organisation": []}).status_code == 422  # held: unanswered
    assert db.session.get(MeetingAttendance, meeting.id) is None

    done = post(client, path, {"held": "yes", "organisation": [str(contact.organisation_id)],
                               "note": "Doce personas"})
    assert done.status_code == 302
    db.session.expire_all()
    record = db.session.get(MeetingAttendance, meeting.id)
    assert record is not None and record.held
    assert [o.name for o in record.organisations] == ["Red Ixchel"]
    assert gt_cell(2026, after, 4) == PeriodState.HELD
    tracker = client.get("/tracker?year=2026").get_data(as_text=True)
    assert 'state-held">Held' in tracker and "Awaiting record" in tracker  # + the legend

    # A correction later: the tracker follows, the history keeps both versions.
    later = after + timedelta(days=2)
    frozen.move_to(later)
    assert post(client, path, {"held": "no"}).status_code == 302
    assert gt_cell(2026, later, 4) == PeriodState.DUE  # the quarter is not over yet
    assert gt_cell(2026, datetime(2027, 1, 5, tzinfo=UTC), 4) == PeriodState.MISSED
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.like("attendance.%")).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["attendance.record", "attendance.update"]
    assert entries[1].details["before"]["held"] is True
    assert entries[1].details["before"]["organisations"] == ["Red Ixchel"]
    assert entries[1].actor == "account:gt@example.org"
    history = client.get(f"/workspace/history/meeting/{meeting.id}").get_data(as_text=True)
    assert "Attendance corrected: not held." in history
    assert "Attendance recorded: held. Organisations present: Red Ixchel." in history

    # Someone else's meeting: 403.
    other = client.application.test_client()
    make_account(Role.SPECIAL_COORDINATOR, email="mx2@example.org", country="MX")
    log_in(other, "mx2@example.org")
    assert other.get(path).status_code == 403
    assert post(other, path, {"held": "yes"}).status_code == 403


def test_attendance_through_the_api_and_the_command_line(seeded, client, frozen) -> None:
    guatemala, mexico = coordinators()
    meeting = gt_series().meetings[0]
    contact = approved_contact("Red Ixchel", "Ana", "ana@example.org")
    add_participant(now=NOW, actor=Actor.cli(), series_id=meeting.series_id,
                    organisation_id=contact.organisation_id)
    token = create_token(guatemala.id, "tests", now=NOW, actor=Actor.cli())
    path = f"/api/v1/meetings/{meeting.id}/attendance"
    body = {"held": True, "organisation_ids": [contact.organisation_id]}

    assert client.post(path, json=body, headers=bearer(token)).status_code == 409
    compliance = client.get("/api/v1/compliance?year=2026").get_json()
    assert compliance["countries"]["GT"][3]["state"] == "scheduled"

    frozen.move_to(FIRST + timedelta(hours=2))
    cell = client.get("/api/v1/compliance?year=2026").get_json()["countries"]["GT"][3]
    assert cell["state"] == "unrecorded" and cell["label"] == "Awaiting record"
    assert meeting.id in cell["meeting_ids"]
    mx_token = create_token(mexico.id, "tests", now=NOW, actor=Actor.cli())
    assert client.post(path, json=body, headers=bearer(mx_token)).status_code == 403
    recorded = client.post(path, json=body, headers=bearer(token))
    assert recorded.status_code == 200, recorded.get_data(as_text=True)
    assert recorded.get_json()["held"] is True
    assert recorded.get_json()["present"] == [{"id": contact.organisation_id,
                                               "name": "Red Ixchel"}]
    cell = client.get("/api/v1/compliance?year=2026").get_json()["countries"]["GT"][3]
    assert cell["state"] == "held" and cell["label"] == "Held"
    assert client.get(path, headers=bearer(token)).get_json()["recorded"] is True

    runner = client.application.test_cli_runner()
    out = runner.invoke(main, ["attendance", "record", str(meeting.id), "--not-held"],
                        catch_exceptions=False)
    assert out.exit_code == 0 and "not held" in out.output
    assert "awaiting record" in runner.invoke(main, ["compliance", "--year", "2026"]).output
    shown = runner.invoke(main, ["attendance", "show", str(meeting.id)]).output
    assert "not held" in shown and "Red Ixchel" in shown
    second = db.session.scalars(select(Meeting).where(
        Meeting.series_id == meeting.series_id).order_by(Meeting.start_at)).all()[1]
    ahead = runner.invoke(main, ["attendance", "record", str(second.id), "--held"])
    assert ahead.exit_code == 2 and "has not started yet" in ahead.output


def test_recording_names_only_invited_organisations(seeded, frozen) -> None:
    meeting = gt_series().meetings[0]
    stranger = approved_contact("Colectivo Sur", "Beto", "beto@example.org")
    frozen.move_to(FIRST + timedelta(hours=1))
    with pytest.raises(InvalidInput):
        record_attendance(meeting.id, held=True, organisation_ids=[stranger.organisation_id],
                          now=FIRST + timedelta(hours=1), actor=Actor.cli())
    record = record_attendance(meeting.id, held=True, organisation_ids=[],
                               now=FIRST + timedelta(hours=1), actor=Actor.cli())
    assert record.held and record.organisations == []


def test_an_organisations_history_for_the_secretariat_and_its_countrys_coordinator(
        seeded, client, frozen) -> None:
    from coordinator.models import Country, RegistrationState
    from coordinator.people.registration import approve_registration

    guatemala, mexico = coordinators()
    make_account(Role.SECRETARIAT, email="sec@example.org")
    contact = approved_contact("Red Ixchel", "Ana", "ana@example.org")
    organisation = contact.organisation
    organisation.registration_state = RegistrationState.VERIFIED
    organisation.countries = list(db.session.scalars(select(Country).where(
        Country.iso == "GT")))
    db.session.commit()
    approve_registration(organisation.id, note="", now=NOW, actor=Actor("account:sec"))
    lines = history_of("organisation", organisation.id, guatemala).lines
    assert [line.sentence for line in lines] == ["Registration approved."]
    with pytest.raises(OutsideScope):
        history_of("organisation", organisation.id, mexico)

    log_in(client, "sec@example.org")
    path = f"/workspace/history/organisation/{organisation.id}"
    assert path in client.get(f"/workspace/registrations/{organisation.id}").get_data(
        as_text=True)
    assert "Registration approved." in client.get(path).get_data(as_text=True)
    assert f"/workspace/history/account/{guatemala.id}" in client.get(
        "/workspace/accounts").get_data(as_text=True)
    assert client.get(f"/workspace/history/account/{guatemala.id}").status_code == 200
