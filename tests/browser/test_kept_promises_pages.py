"""In a real browser: cancelling asks first, a meeting goes into a calendar in one click,
its agenda prints, and each new page is light, script- and style-free at both widths."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from icalendar import Calendar

from coordinator.agendas.services import add_item, publish_agenda
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.zones import utc_now
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import Meeting, MeetingStatus, Role
from coordinator.unit import Actor
from tests.support.browser import both_widths, log_in
from tests.support.dates import safe_first_date
from tests.support.organisations import approved_contact
from tests.web.people import make_account

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]


@pytest.fixture
def regional(live) -> Meeting:  # type: ignore[no-untyped-def]
    first = safe_first_date(months_ahead=3)
    series = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=first, start_time=time(9),
        zone="America/Panama", duration_minutes=480, held_by=first + timedelta(days=21),
        location="Ciudad de Panamá", holiday_country="PA"), now=utc_now(), actor=Actor.cli())
    meeting = series.meetings[0]
    now = utc_now()
    contact = approved_contact("Red Regional", "Ana", "ana@example.org")
    add_participant(now=now, actor=Actor.cli(), series_id=series.id,
                    organisation_id=contact.organisation_id)
    for title, minutes in (("Apertura", 30), ("Plan de trabajo conjunto", 120)):
        add_item(meeting.id, now=now, actor=Actor.cli(), kind="discussion", title=title,
                 presenter="Secretaría técnica", duration=minutes, language="es")
    publish_agenda(meeting.id, now=now, actor=Actor.cli())
    make_account(Role.SECRETARIAT, email="sec@example.org")
    return meeting


def test_a_visitor_adds_the_meeting_to_a_calendar_and_prints_its_agenda(
        live, page, regional) -> None:
    page.goto(f"{live}/meetings/{regional.id}")
    assert "To be held by" in page.content()
    both_widths(page, "meeting")
    with page.expect_download() as info:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    download = info.value
    assert download.suggested_filename == f"meeting-{regional.id}.ics"
    events = Calendar.from_ical(open(download.path(), "rb").read()).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [regional.uid]

    page.get_by_role("link", name="Printable agenda").click()
    page.wait_for_url(f"{live}/meetings/{regional.id}/agenda")
    cells = page.locator("table.agenda-table tbody tr td:first-child").all_inner_texts()
    assert cells == ["09:00", "09:30"]
    both_widths(page, "agenda")
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()  # the print stylesheet drops the site


def test_a_coordinator_is_asked_before_cancelling_and_can_step_back(
        live, page, regional) -> None:
    log_in(page, live, "sec@example.org")
    page.goto(f"{live}/workspace/meetings/{regional.id}")
    page.get_by_label("Reason, sent to participants").fill("Sin sede disponible")
    page.get_by_role("button", name="Cancel the meeting…").click()
    page.get_by_role("heading", name="Cancel this meeting?").wait_for()
    assert page.get_by_label("Reason, sent to participants").input_value() == (
        "Sin sede disponible")
    both_widths(page, "confirm-cancel")
    page.get_by_role("link", name="No, keep it").click()
    page.wait_for_url(f"{live}/workspace/meetings/{regional.id}")
    db.session.expire_all()
    assert db.session.get(Meeting, regional.id).status == MeetingStatus.SCHEDULED

    page.get_by_role("button", name="Cancel the meeting…").click()
    page.get_by_role("button", name="Yes, cancel the meeting").click()
    page.wait_for_url(f"{live}/workspace/meetings/{regional.id}")
    assert "The meeting is cancelled" in page.content()
    db.session.expire_all()
    assert db.session.get(Meeting, regional.id).status == MeetingStatus.CANCELLED


def test_a_coordinator_sees_who_invite_all_would_add_before_confirming(
        live, page, regional) -> None:
    from sqlalchemy import select

    from coordinator.models import Country, Organisation, Participant, RegistrationState, Scope

    guatemala = db.session.scalar(select(Country).where(Country.iso == "GT"))
    db.session.add(Organisation(name="Colectivo Xela", scope=Scope.NATIONAL, kinds=[],
                                led_by=[], languages=["es"], countries=[guatemala],
                                registration_state=RegistrationState.APPROVED,
                                created_at=utc_now()))
    db.session.commit()
    log_in(page, live, "sec@example.org")
    page.goto(f"{live}/workspace/series/{regional.series_id}")
    page.get_by_label("Country").select_option("GT")
    page.get_by_role("button", name="See who would be invited…").click()
    page.get_by_role("heading", name="Invite every organisation of Guatemala?").wait_for()
    assert "Colectivo Xela" in page.content()
    both_widths(page, "invite-all-confirm")
    page.get_by_role("button", name="Yes, invite them").click()
    page.wait_for_url(f"{live}/workspace/series/{regional.series_id}")
    assert "1 organisation invited to every meeting." in page.content()
    db.session.expire_all()
    assert db.session.scalar(select(Participant).join(Participant.organisation).where(
        Organisation.name == "Colectivo Xela")) is not None


def test_stopping_a_private_feed_asks_first(live, page, regional) -> None:
    from sqlalchemy import select

    from coordinator.feeds.tokens import manage_link, rotate_feed_token
    from coordinator.models import Contact

    contact = db.session.scalar(select(Contact).where(Contact.email == "ana@example.org"))
    token = rotate_feed_token(contact.organisation_id, now=utc_now(), actor=Actor.cli())
    page.goto(manage_link(contact).replace("https://coordinator.test", live))
    page.get_by_role("button", name="Stop the private address…").click()
    page.get_by_role("heading", name="Stop the private address?").wait_for()
    both_widths(page, "feed-stop-confirm")
    assert page.request.get(f"{live}/feeds/private/{token}.ics").status == 200
    page.get_by_role("button", name="Yes, stop it").click()
    page.get_by_text("The private address has been stopped.").wait_for()
    assert page.request.get(f"{live}/feeds/private/{token}.ics").status == 404
