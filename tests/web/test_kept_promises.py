"""Issue 14's kept promises: past meetings are records, "held by" is shown and enforced
with a recorded override, destructive actions are confirmed, and a meeting can be added to
a calendar, followed through its feeds and printed."""

from __future__ import annotations

import re
from datetime import UTC, date, time, timedelta

import pytest
import vobject
from icalendar import Calendar
from sqlalchemy import func, select

from coordinator.accounts.api_tokens import create_token
from coordinator.agendas.services import add_item, publish_agenda
from coordinator.cadence.deadlines import DeadlineOffsets
from coordinator.cadence.kinds import SeriesKind
from coordinator.cli import main
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import AuditEntry, Meeting, MeetingStatus, OutboxMessage, Role
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.support.organisations import approved_contact
from tests.web.people import csrf_of, log_in, make_account

REGIONAL_DAY = date(2027, 3, 10)  # a Wednesday, well ahead of NOW (22 November 2026)
HELD_BY = date(2027, 3, 31)


@pytest.fixture
def regional(seeded, frozen) -> Meeting:  # type: ignore[no-untyped-def]
    series = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=REGIONAL_DAY, start_time=time(9),
        zone="America/Panama", duration_minutes=480, held_by=HELD_BY, location="Panamá",
        holiday_country="PA"), now=NOW, actor=Actor.cli())
    meeting = series.meetings[0]
    contact = approved_contact("Red Regional", "Ana", "ana@example.org")
    add_participant(now=NOW, actor=Actor.cli(), series_id=series.id,
                    organisation_id=contact.organisation_id)
    make_account(Role.SECRETARIAT, email="sec@example.org")
    return meeting


def _api(app, account_email: str = "sec@example.org"):  # type: ignore[no-untyped-def]
    from coordinator.models import Account

    account = db.session.scalar(select(Account).where(Account.email == account_email))
    token = create_token(account.id, "tests", now=NOW, actor=Actor.cli())
    return app.test_client(), {"Authorization": f"Bearer {token}"}


def _moves() -> list[dict]:
    return [e.details for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "meeting.move"))]


def test_a_move_past_held_by_is_refused_unless_the_override_is_given_and_recorded(
        app, regional) -> None:
    client, auth = _api(app)
    later = "2027-04-14T09:00:00-05:00"
    refused = client.post(f"/api/v1/meetings/{regional.id}/move",
                          json={"start": later}, headers=auth)
    assert refused.status_code == 409
    assert refused.get_json()["errors"][0]["field"] == "past_held_by"
    assert _moves() == []
    moved = client.post(f"/api/v1/meetings/{regional.id}/move",
                        json={"start": later, "past_held_by": True, "reason": "Venue"},
                        headers=auth)
    assert moved.status_code == 200, moved.get_json()
    assert _moves()[0]["past_held_by"] == HELD_BY.isoformat()
    # An earlier date needs no override, and records none.
    assert client.post(f"/api/v1/meetings/{regional.id}/move",
                       json={"start": "2027-03-17T09:00:00-05:00"},
                       headers=auth).status_code == 200
    assert "past_held_by" not in _moves()[1]


def test_the_cli_refuses_a_move_past_held_by_with_status_2(app, regional) -> None:
    runner = app.test_cli_runner()
    refused = runner.invoke(main, ["meeting", "move", str(regional.id), "--date", "2027-04-14",
                                   "--time", "09:00"])
    assert refused.exit_code == 2, refused.output
    assert "past_held_by" in refused.output
    done = runner.invoke(main, ["meeting", "move", str(regional.id), "--date", "2027-04-14",
                                "--time", "09:00", "--past-held-by"])
    assert done.exit_code == 0, done.output


def test_the_workspace_shows_held_by_and_its_override_box(app, regional) -> None:
    browser = app.test_client()
    log_in(browser, "sec@example.org")
    page = browser.get(f"/workspace/meetings/{regional.id}").get_data(as_text=True)
    assert "To be held by" in page and "Mar 31, 2027" in page
    assert 'name="past_held_by"' in page
    refused = browser.post(f"/workspace/meetings/{regional.id}/move", data={
        "date": "2027-04-14", "time": "09:00", "zone": "America/Panama", "duration": "480",
        "csrf_token": csrf_of(browser, f"/workspace/meetings/{regional.id}")})
    assert refused.status_code == 409
    assert 'id="e-past_held_by"' in refused.get_data(as_text=True)


def test_a_started_meeting_is_a_record_in_every_door(app, regional, frozen) -> None:
    add_item(regional.id, now=NOW, actor=Actor.cli(), kind="discussion", title="Plan",
             presenter=None, duration=30, language=None)
    frozen.move_to(regional.start_at + timedelta(minutes=5))
    client, auth = _api(app)
    assert client.post(f"/api/v1/meetings/{regional.id}/cancel", json={},
                       headers=auth).status_code == 409
    assert client.post(f"/api/v1/meetings/{regional.id}/agenda-items",
                       json={"kind": "discussion", "title": "Late", "duration": 10},
                       headers=auth).status_code == 409
    assert client.post(f"/api/v1/meetings/{regional.id}/agenda/publish",
                       headers=auth).status_code == 409
    browser = app.test_client()
    log_in(browser, "sec@example.org")
    page = browser.get(f"/workspace/meetings/{regional.id}").get_data(as_text=True)
    assert "kept as a record" in page
    for gone in ("/move\"", "/cancel\"", "/agenda/publish\"", "Add to the draft"):
        assert gone not in page
    db.session.expire_all()
    assert db.session.get(Meeting, regional.id).status == MeetingStatus.SCHEDULED


def test_cancelling_asks_first_and_changes_nothing_until_confirmed(app, regional) -> None:
    browser = app.test_client()
    log_in(browser, "sec@example.org")
    csrf = csrf_of(browser, f"/workspace/meetings/{regional.id}")
    asked = browser.post(f"/workspace/meetings/{regional.id}/cancel",
                         data={"reason": "Sin sede", "csrf_token": csrf})
    assert asked.status_code == 200
    text = asked.get_data(as_text=True)
    assert "Cancel this meeting?" in text
    # Invitations go out INVITE_HORIZON_DAYS ahead: none yet, so nobody is mailed.
    assert "No invitation has gone out yet" in text
    assert ">Sin sede</textarea>" in text  # the reason is carried to the confirmation
    db.session.expire_all()
    assert db.session.get(Meeting, regional.id).status == MeetingStatus.SCHEDULED
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "cancel")) == 0
    done = browser.post(f"/workspace/meetings/{regional.id}/cancel",
                        data={"reason": "Sin sede", "confirmed": "yes", "csrf_token": csrf})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, regional.id).status == MeetingStatus.CANCELLED


def test_one_meeting_downloads_as_a_calendar_file_two_parsers_agree(app, regional) -> None:
    answer = app.test_client().get(f"/meetings/{regional.id}.ics?lang=es")
    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="meeting-{regional.id}.ics"')
    events = [c for c in Calendar.from_ical(answer.data).walk("VEVENT")]
    assert [str(e["UID"]) for e in events] == [regional.uid]
    assert events[0].decoded("DTSTART") == regional.start_at.astimezone(
        events[0].decoded("DTSTART").tzinfo)
    parsed = vobject.readOne(answer.data.decode())
    assert parsed.vevent.uid.value == regional.uid
    assert parsed.vevent.dtstart.value.astimezone(UTC) == regional.start_at
    assert "METHOD" not in answer.get_data(as_text=True)  # a file to add, not an iTIP message
    assert app.test_client().get("/meetings/999999.ics").status_code == 404


def test_the_public_page_shows_held_by_justification_and_calendars(app, regional) -> None:
    page = app.test_client().get(f"/meetings/{regional.id}").get_data(as_text=True)
    assert "To be held by" in page and "March 31, 2027" in page
    assert f'href="/meetings/{regional.id}.ics?lang=en"' in page
    assert f"webcal://coordinator.test/feeds/series/{regional.series_id}.ics" in page
    short = schedule_series(SeriesInput(
        kind=SeriesKind.EXTRAORDINARY, first_date=date(2026, 12, 2), start_time=time(10),
        zone="America/Port-au-Prince", title="Urgencia",
        short_notice_justification="Desplazamiento tras las tormentas.",
        offsets=DeadlineOffsets(9, 5, 3, (1,))), now=NOW, actor=Actor.cli())
    page = app.test_client().get(f"/meetings/{short.meetings[0].id}").get_data(as_text=True)
    assert "Why the deadlines are shortened" in page
    assert "Desplazamiento tras las tormentas." in page


def test_the_printable_agenda_times_each_item(app, regional) -> None:
    for title, minutes in (("Apertura", 30), ("Plan de trabajo", 90)):
        add_item(regional.id, now=NOW, actor=Actor.cli(), kind="discussion", title=title,
                 presenter="Secretaría", duration=minutes, language="es")
    publish_agenda(regional.id, now=NOW, actor=Actor.cli())
    page = app.test_client().get(f"/meetings/{regional.id}/agenda").get_data(as_text=True)
    rows = re.findall(r"<td>(\d\d:\d\d)</td>\s*<td><span[^>]*>([^<]+)<", page)
    assert rows == [("09:00", "Apertura"), ("09:30", "Plan de trabajo")]
    assert "<script" not in page and "style=" not in page
    public = app.test_client().get(f"/meetings/{regional.id}").get_data(as_text=True)
    assert f'href="/meetings/{regional.id}/agenda"' in public


def test_the_confirmation_counts_the_people_who_will_be_told(app, regional, frozen) -> None:
    from coordinator.invitations.deadlines import run_due_deadlines

    frozen.move_to(regional.start_at - timedelta(days=20))  # inside the invitation horizon
    run_due_deadlines(now=regional.start_at - timedelta(days=20))
    browser = app.test_client()
    log_in(browser, "sec@example.org")
    asked = browser.post(f"/workspace/meetings/{regional.id}/cancel", data={
        "csrf_token": csrf_of(browser, f"/workspace/meetings/{regional.id}")})
    assert "1 person invited receives the cancellation" in asked.get_data(as_text=True)


def test_the_tracker_lists_the_regional_meeting_with_its_held_by(app, regional) -> None:
    page = app.test_client().get("/tracker?year=2027").get_data(as_text=True)
    section = page[page.index("Regional and other meetings"):page.index("Agenda lead times")]
    assert f'href="/meetings/{regional.id}"' in section
    assert "To be held by Mar 31, 2027" in section and "Within that date" in section
    client, auth = _api(app)
    assert client.post(f"/api/v1/meetings/{regional.id}/move",
                       json={"start": "2027-04-14T09:00:00-05:00", "past_held_by": True},
                       headers=auth).status_code == 200
    page = app.test_client().get("/tracker?year=2027").get_data(as_text=True)
    assert "After that date" in page


def test_an_agenda_item_is_edited_through_every_door(app, regional) -> None:
    from coordinator.models import AgendaItem

    item = add_item(regional.id, now=NOW, actor=Actor.cli(), kind="discussion", title="Plan",
                    presenter=None, duration=30, language=None)
    browser = app.test_client()
    log_in(browser, "sec@example.org")
    page = browser.get(f"/workspace/meetings/{regional.id}").get_data(as_text=True)
    edit = f"/workspace/meetings/{regional.id}/agenda/{item.id}/edit"
    assert f'action="{edit}"' in page  # the form is reachable from the page
    assert browser.post(edit, data={"title": "Plan de trabajo", "kind": "progress",
                                    "item_duration": "45", "presenter": "OIM",
                                    "language": "es", "csrf_token": csrf_of(
                                        browser, f"/workspace/meetings/{regional.id}")}
                        ).status_code == 302
    client, auth = _api(app)
    put = client.put(f"/api/v1/meetings/{regional.id}/agenda-items/{item.id}",
                     json={"title": "Plan conjunto", "kind": "discussion", "duration": 60},
                     headers=auth)
    assert put.status_code == 200, put.get_json()
    assert put.get_json()["items"][0]["title"] == "Plan conjunto"
    assert client.put(f"/api/v1/meetings/{regional.id}/agenda-items/{item.id}",
                      json={"title": " ", "duration": 60}, headers=auth).status_code == 422
    command = app.test_cli_runner().invoke(main, [
        "agenda", "edit", str(regional.id), str(item.id), "--title", "Plan final",
        "--duration", "20"])
    assert command.exit_code == 0, command.output
    db.session.expire_all()
    saved = db.session.get(AgendaItem, item.id)
    assert (saved.title, saved.duration_minutes) == ("Plan final", 20)
    updates = db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "agenda.update"))
    assert updates == 3


def _plain_to(address: str) -> str:
    from email import message_from_string, policy

    sent = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == address)).all()
    assert sent, f"nothing queued for {address}"
    return message_from_string(sent[0].body, policy=policy.default).get_body(
        ("plain",)).get_content()


def test_the_convening_country_and_justification_travel_with_the_invitation(
        app, seeded, frozen) -> None:
    from coordinator.invitations.deadlines import run_due_deadlines
    from coordinator.meetings.hosts import set_host_country
    from coordinator.models import Account

    special = schedule_series(SeriesInput(
        kind=SeriesKind.COORDINATORS, first_date=date(2026, 12, 9), start_time=time(10),
        zone="America/Panama", holiday_country=""), now=NOW, actor=Actor.cli())
    meeting = special.meetings[0]
    set_host_country(meeting.id, "GT", now=NOW, actor=Actor.cli())
    make_account(Role.SPECIAL_COORDINATOR, email="hn@example.org", country="HN")
    account = db.session.scalar(select(Account).where(Account.email == "hn@example.org"))
    add_participant(now=NOW, actor=Actor.cli(), series_id=special.id, account_id=account.id)
    short = schedule_series(SeriesInput(
        kind=SeriesKind.EXTRAORDINARY, first_date=date(2026, 12, 2), start_time=time(10),
        zone="America/Port-au-Prince", title="Urgencia",
        short_notice_justification="Respuesta a la emergencia.",
        offsets=DeadlineOffsets(9, 5, 3, (1,))), now=NOW, actor=Actor.cli())
    contact = approved_contact("Red Haití", "Rose", "rose@example.org", language="en")
    add_participant(now=NOW, actor=Actor.cli(), series_id=short.id,
                    organisation_id=contact.organisation_id)
    run_due_deadlines(now=NOW)
    assert "Convening country: Guatemala" in _plain_to("hn@example.org")
    assert "Why the deadlines are shortened: Respuesta a la emergencia." in _plain_to(
        "rose@example.org")
    page = app.test_client().get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Convening country" in page and "Guatemala" in page


def test_a_cancelled_meeting_offers_no_join_link_and_its_reason_reads_in_each_language(
        app, seeded, frozen) -> None:
    from coordinator.feeds.tokens import rotate_feed_token
    from coordinator.meetings.services import cancel_meeting
    from coordinator.models import Series
    from coordinator.present import RULE_CHANGE_REASON
    from tests.mail.scenario import make_world

    world = make_world(NOW)
    series = db.session.get(Series, world.series.id)
    assert (world.first.online_url or series.online_url), "the scenario meets online"
    online = world.first.online_url or series.online_url
    token = rotate_feed_token(world.organisation.id, now=NOW, actor=Actor.cli())
    assert online.encode() in app.test_client().get(f"/feeds/private/{token}.ics").data
    cancel_meeting(world.first.id, now=NOW, actor=Actor.cli(), reason=None)
    feed = app.test_client().get(f"/feeds/private/{token}.ics").data
    assert b"STATUS:CANCELLED" in feed and online.encode() not in feed
    # The service's own reason (a rule change) is stored once and read in each language.
    world.first.cancel_reason = RULE_CHANGE_REASON
    db.session.commit()
    page = app.test_client().get(f"/meetings/{world.first.id}?lang=es").get_data(as_text=True)
    assert "Cambió el calendario de la serie." in page
    assert "The series' schedule changed." not in page


def test_a_contact_made_inactive_is_told_their_invitations_are_withdrawn(
        app, seeded, frozen) -> None:
    from coordinator.invitations.deadlines import run_due_deadlines
    from coordinator.models import Contact
    from coordinator.people.editing import edit_contact
    from tests.mail.scenario import make_world

    make_world(NOW)
    run_due_deadlines(now=NOW)
    grace = db.session.scalar(select(Contact).where(Contact.email == "grace@cso.example"))

    def kinds(address: str) -> list[str]:
        db.session.expire_all()
        return [m.kind for m in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == address).order_by(OutboxMessage.id))]

    assert kinds("grace@cso.example") == ["invite"]
    others = {c.email: kinds(c.email) for c in db.session.scalars(select(Contact))
              if c.id != grace.id}
    edit_contact(grace.id, active=False, now=NOW, actor=Actor.cli())
    assert kinds("grace@cso.example") == ["invite", "invitation-withdrawn"]
    assert {c.email: kinds(c.email) for c in db.session.scalars(select(Contact))
            if c.id != grace.id} == others  # nobody else is told anything
    edit_contact(grace.id, active=True, now=NOW, actor=Actor.cli())
    assert kinds("grace@cso.example") == ["invite", "invitation-withdrawn", "invite"]
