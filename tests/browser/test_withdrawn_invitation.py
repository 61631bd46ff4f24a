"""In a real browser: a coordinator stops inviting an organisation to a series, and its
contact's mail, as it arrives over SMTP, says the invitation is withdrawn, not that the
meeting is cancelled (issue 14, item 7)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import icalendar
import pytest
import vobject
from sqlalchemy import select

from coordinator.agendas.suggestions import accept_suggestion, status_link
from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant
from coordinator.mail.dispatch import dispatch
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    Contact,
    Invitation,
    MeetingStatus,
    Organisation,
    RegistrationState,
    Role,
    Scope,
    Suggestion,
)
from coordinator.unit import Actor
from tests.support.browser import log_in
from tests.support.dates import safe_first_date
from tests.web.people import make_account

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]

CANCELLED = re.compile(r"cancel|annul|anile", re.IGNORECASE)


def _organisation(name: str, email: str) -> Organisation:
    organisation = Organisation(name=name, scope=Scope.NATIONAL, kinds=[], led_by=[],
                                registration_state=RegistrationState.APPROVED,
                                created_at=datetime.now(UTC))
    organisation.contacts.append(Contact(name=f"Contact of {name}", email=email,
                                         language="en", zone="America/Guatemala",
                                         created_at=datetime.now(UTC)))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def test_coordinator_stops_inviting_an_organisation_and_its_contact_reads_withdrawn(
        live, page, mailed) -> None:
    now = datetime.now(UTC)
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT",
                 name="Coordinadora GT")
    leaving = _organisation("Pastoral de Movilidad", "pastoral@cso.example")
    staying = _organisation("Red de Acogida", "red@cso.example")
    series = schedule_series(SeriesInput(
        kind=SeriesKind.NATIONAL, country="GT", first_date=safe_first_date(),
        start_time=time(10), zone="America/Guatemala", online_url="https://meet.example.org/gt",
    ), now=now, actor=Actor.cli())
    for organisation in (leaving, staying):
        add_participant(now=now, actor=Actor.cli(), series_id=series.id,
                        organisation_id=organisation.id)
    dispatch(datetime.now(UTC))
    invitations = mailed.wait_for(2)  # the first meeting is inside the invitation window
    assert {r.recipients[0] for r in invitations} == {"pastoral@cso.example",
                                                      "red@cso.example"}

    log_in(page, live, "gt@example.org")
    page.goto(f"{live}/workspace/series/{series.id}")
    page.shot("series-with-two-organisations")
    page.get_by_role("button", name="Stop inviting Pastoral de Movilidad").click()
    page.wait_for_url(re.compile(rf"/workspace/series/{series.id}$"))
    notice = page.locator("main").inner_text()
    assert "withdrawn" in notice and "cancelled" not in notice.lower()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.shot(f"after-withdrawal-{width}")

    dispatch(datetime.now(UTC))
    received = mailed.wait_for(3)[2]
    assert received.recipients == ["pastoral@cso.example"]  # the other one is not told
    message = received.message
    subject = str(message["Subject"])
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for said in (subject, text, html):
        assert not CANCELLED.search(said), said
    assert subject.startswith("Invitation withdrawn:")
    assert "goes ahead" in text and "meet.example.org" not in text
    calendar = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "CANCEL"
    raw = calendar.get_payload(decode=True).decode("utf-8")
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["ATTENDEE"]) == "mailto:pastoral@cso.example" and "STATUS" not in event
    assert len(vobject.readOne(raw).vevent.contents["attendee"]) == 1

    db.session.expire_all()
    meeting = sorted(series.meetings, key=lambda m: m.start_at)[0]
    assert meeting.status == MeetingStatus.SCHEDULED
    kept = db.session.scalars(select(Invitation).join(Contact).where(
        Contact.email == "red@cso.example")).one()
    assert not kept.cancelled

    # The public meeting page still shows the meeting, not as cancelled.
    page.goto(f"{live}/meetings/{meeting.id}?lang=en")
    assert "Cancelled" not in page.locator("main").inner_text()

    # The answer link in the first invitation now says what happened to it.
    first = next(r for r in invitations if r.recipients == ["pastoral@cso.example"])
    answer = re.search(r"(/rsvp/\S+answer=accepted)", first.message.get_body(
        ("plain",)).get_content()).group(1)
    gone = page.goto(f"{live}{answer}&lang=en")
    assert gone is not None and gone.status == 410
    said = page.locator("main").inner_text()
    assert "withdrawn" in said and "cancelled" not in said.lower()
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.shot(f"old-answer-link-{width}")


def test_a_topic_taken_off_the_agenda_is_told_to_its_proposer_and_every_page_follows(
        live, page, mailed) -> None:
    now = datetime.now(UTC)
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT",
                 name="Coordinadora GT")
    proposer = _organisation("Pastoral de Movilidad", "pastoral@cso.example")
    series = schedule_series(SeriesInput(
        kind=SeriesKind.NATIONAL, country="GT", first_date=safe_first_date(),
        start_time=time(10), zone="America/Guatemala"), now=now, actor=Actor.cli())
    add_participant(now=now, actor=Actor.cli(), series_id=series.id,
                    organisation_id=proposer.id)
    meeting = sorted(series.meetings, key=lambda m: m.start_at)[0]
    suggestion = Suggestion(meeting=meeting, contact=proposer.contacts[0], form_key="b",
                            title="Remittance costs", description="", language="en",
                            minutes_needed=15, show_name=True, created_at=now, updated_at=now)
    db.session.add(suggestion)
    db.session.commit()
    accept_suggestion(suggestion.id, now=now, actor=Actor.cli())
    status = status_link(suggestion).removeprefix(live)
    dispatch(datetime.now(UTC))
    before = len(mailed.wait_for(2))  # the invitation and the outcome ("on the agenda")

    log_in(page, live, "gt@example.org")
    page.goto(f"{live}/workspace/meetings/{meeting.id}")
    page.get_by_role("button", name="Remove: Remittance costs").click()
    page.wait_for_load_state()

    dispatch(datetime.now(UTC))
    told = mailed.wait_for(before + 1)[before]
    assert told.recipients == ["pastoral@cso.example"]
    assert str(told.message["Subject"]) == "No longer on the agenda: Remittance costs"
    assert status in told.message.get_body(("plain",)).get_content()

    page.goto(f"{live}{status}?lang=en")
    said = page.locator("main").inner_text()
    assert "Taken off the agenda" in said and "On the agenda" not in said
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.shot(f"status-page-{width}")
    page.goto(f"{live}/meetings/{meeting.id}?lang=en")
    said = page.locator("main").inner_text()
    assert "Remittance costs" in said and "On the agenda" not in said
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.shot(f"meeting-page-{width}")
