"""In a real browser (issue 14 items 3 and 5, and 10's recurrence picker): the secretariat
invites two special coordinators to their meeting and the convening country's CSOs as
observers, and the observer's invitation (through real SMTP) says so; a coordinator
changes a rule in plain words and the preview lists the invited meetings it would cancel
or move before anything is saved. On the real clock (the server's), so any day."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import icalendar
import pytest
from sqlalchemy import select

from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    Contact,
    Country,
    Meeting,
    MeetingStatus,
    Organisation,
    RegistrationState,
    Role,
    Scope,
    Series,
)
from coordinator.unit import Actor
from tests.browser.test_proposals_and_rsvps import mail_to
from tests.support.browser import both_widths, log_in
from tests.support.dates import safe_first_date
from tests.web.people import make_account

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]


def national_organisation(name: str, iso: str, contact: str, address: str) -> Organisation:
    """An approved organisation working in one country, with one contact."""
    country = db.session.scalar(select(Country).where(Country.iso == iso))
    organisation = Organisation(name=name, scope=Scope.NATIONAL, kinds=["advocacy"],
                                led_by=[], languages=["es"], countries=[country],
                                registration_state=RegistrationState.APPROVED,
                                created_at=datetime.now(UTC))
    organisation.contacts.append(Contact(name=contact, email=address, language="en",
                                         zone="America/Guatemala",
                                         created_at=datetime.now(UTC)))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def calendar_of(message) -> icalendar.Calendar:  # type: ignore[no-untyped-def]
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_content())


def text_of(message) -> str:  # type: ignore[no-untyped-def]
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return str(part.get_content())


def test_special_coordinators_meeting_with_coordinators_and_host_observers(live, page,
                                                                           mailed) -> None:
    now = datetime.now(UTC)
    make_account(Role.SECRETARIAT, email="sec@example.org", name="Secretariat")
    guatemala = make_account(Role.SPECIAL_COORDINATOR, email="gt@gob.example", country="GT",
                             name="Coordinadora de Guatemala")
    haiti = make_account(Role.SPECIAL_COORDINATOR, email="ht@gob.example", country="HT",
                         name="Coordonnateur d'Haïti")
    national_organisation("Red Guatemalteca de Acogida", "GT", "Ana Ixcot", "ana@cso.example")
    national_organisation("Casa del Migrante México", "MX", "Luis Pérez", "luis@cso.example")
    series = schedule_series(SeriesInput(
        kind=SeriesKind.COORDINATORS, first_date=safe_first_date(months_ahead=1),
        start_time=time(11), zone="America/Panama", duration_minutes=120,
        holiday_country=""), now=now, actor=Actor.cli())

    log_in(page, live, "sec@example.org")
    page.goto(f"{live}/workspace/series/{series.id}")
    for account_id in (guatemala.id, haiti.id):
        invite = page.locator("form:has(#f-account)")
        invite.get_by_label("Special coordinator").select_option(str(account_id))
        invite.get_by_role("button", name="Invite to every meeting").click()
        page.wait_for_url(re.compile(rf"/workspace/series/{series.id}"))
    participants = page.locator("main").inner_text()
    assert "Coordinadora de Guatemala" in participants and "Coordonnateur" in participants

    host = page.locator("form[action$='/host-country']").first
    host.locator("select").select_option("GT")
    host.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"#hosts$"))
    page.get_by_role("button", name=re.compile("national organisations as observers")).first \
        .click()
    page.wait_for_url(re.compile(r"#hosts$"))
    assert "1 organisation invited as observer." in page.content()
    assert "Red Guatemalteca de Acogida (Observer)" in page.locator("main").inner_text()
    both_widths(page, "special-meeting")

    # The coordinators take part; the convening country's CSO observes, and is told so.
    coordinator = mail_to(mailed, "ht@gob.example", 1)[0].message
    attendee = calendar_of(coordinator).walk("VEVENT")[0]["ATTENDEE"]
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert len(mail_to(mailed, "gt@gob.example", 1)) == 1
    observer = mail_to(mailed, "ana@cso.example", 1)[0].message
    event = calendar_of(observer).walk("VEVENT")[0]
    assert event["ATTENDEE"].params["ROLE"] == "NON-PARTICIPANT"
    assert str(event["ATTENDEE"]).lower() == "mailto:ana@cso.example"
    assert "You are invited as an observer" in text_of(observer)
    assert not [r for r in mailed.received if r.recipients == ["luis@cso.example"]]


def test_rule_change_in_plain_words_previews_the_meetings_it_affects(live, page,
                                                                     mailed) -> None:
    now = datetime.now(UTC)
    make_account(Role.SPECIAL_COORDINATOR, email="gt@gob.example", country="GT",
                 name="Coordinadora de Guatemala")
    organisation = national_organisation("Red Guatemalteca de Acogida", "GT", "Ana Ixcot",
                                         "ana@cso.example")
    first = safe_first_date(months_ahead=1)
    series = schedule_series(SeriesInput(
        kind=SeriesKind.NATIONAL, country="GT", first_date=first, start_time=time(10),
        zone="America/Guatemala", rrule="FREQ=MONTHLY"), now=now, actor=Actor.cli())
    add_participant(now=now, actor=Actor.cli(), series_id=series.id,
                    organisation_id=organisation.id)

    log_in(page, live, "gt@gob.example")
    page.goto(f"{live}/workspace/series/{series.id}")
    rule = page.locator("form[action$='/rule']")
    rule.get_by_label("How often").select_option("3")
    rule.get_by_label("On which day").select_option("weekday")
    rule.get_by_label("Which weekday of the month").select_option("2")
    rule.get_by_label("Day of the week").select_option("TU")
    rule.get_by_role("button", name="Preview the dates").click()
    page.locator("#effects").wait_for()
    effects = page.locator("ul.effects").first.inner_text()
    assert "Cancelled" in effects and "invited" in effects
    both_widths(page, "rule-change-preview")

    db.session.expire_all()
    meetings = list(db.session.scalars(select(Meeting).where(Meeting.series_id == series.id)))
    assert all(m.status == MeetingStatus.SCHEDULED for m in meetings)  # nothing saved yet
    listed = page.locator("li.cancelled-meeting").count()
    assert listed >= 2

    page.locator("form[action$='/rule']").get_by_role("button",
                                                      name="Save the new rule").click()
    page.wait_for_url(re.compile(rf"/workspace/series/{series.id}$"))
    db.session.expire_all()
    saved = db.session.get(Series, series.id)
    assert saved is not None
    assert saved.current_rule.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"
    anchor = saved.current_rule.first_date  # the anchor's month stays, on the new day
    assert (anchor.year, anchor.month) == (first.year, first.month)
    assert anchor.weekday() == 1 and 8 <= anchor.day <= 14  # its second Tuesday
    cancelled = db.session.scalars(select(Meeting).where(
        Meeting.series_id == series.id, Meeting.status == MeetingStatus.CANCELLED)).all()
    assert len(cancelled) == listed  # exactly what the preview listed
    page.shot("rule-changed")
