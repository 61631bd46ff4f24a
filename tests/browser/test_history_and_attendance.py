"""In a real browser: a coordinator records the attendance of a meeting that took place,
sees the tracker count it as held only then, and reads the meeting's history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest

from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import MeetingAttendance, Role
from coordinator.unit import Actor
from tests.support.browser import both_widths, log_in
from tests.support.dates import safe_first_date
from tests.support.organisations import approved_contact
from tests.web.people import make_account

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]


def test_coordinator_records_attendance_sees_it_tracked_and_reads_the_history(
        live, page) -> None:
    # The server reads the real clock: the series was scheduled months ago (its `now`),
    # so its first meeting has taken place, whatever today is.
    today = datetime.now(UTC)
    then = today - timedelta(days=200)
    account = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT",
                           name="Coordinadora GT")
    account.zone = "America/Guatemala"
    db.session.commit()
    series = schedule_series(SeriesInput(
        kind=SeriesKind.NATIONAL, country="GT", first_date=safe_first_date(then.date()),
        start_time=time(10), zone="America/Guatemala"), now=then,
        actor=Actor("account:gt@example.org", account.id))
    past = [m for m in series.meetings if m.start_at < today - timedelta(days=1)]
    assert past, "the series should have a meeting that has taken place"
    meeting = past[-1]
    year = meeting.start_local.year
    contact = approved_contact("Fanm Vanyan Lakay", "Rozlò", "rozlo@example.org",
                               language="ht", zone="America/Port-au-Prince")
    add_participant(now=then, actor=Actor.cli(), series_id=series.id,
                    organisation_id=contact.organisation_id)
    cell = f"td:has(a[href$='/meetings/{meeting.id}']) .state"

    # The tracker does not take the date for a meeting held.
    page.goto(f"{live}/tracker?year={year}")
    assert page.locator(cell).inner_text() == "Awaiting record"

    log_in(page, live, "gt@example.org")
    page.goto(f"{live}/workspace/meetings/{meeting.id}")
    page.get_by_role("link", name="Attendance register").click()
    page.wait_for_url(re.compile(rf"/workspace/meetings/{meeting.id}/attendance$"))
    both_widths(page, "attendance-form")
    page.get_by_label("Yes, it was held").check()
    page.get_by_label("Fanm Vanyan Lakay").check()
    page.get_by_label("Note (optional)").fill("Doce participantes; interpretación al kreyòl.")
    page.get_by_role("button", name="Save the attendance").click()
    page.wait_for_url(re.compile(rf"/workspace/meetings/{meeting.id}/attendance$"))
    assert "Attendance recorded" in page.content()
    assert page.get_by_label("Fanm Vanyan Lakay").is_checked()
    both_widths(page, "attendance-recorded")
    db.session.expire_all()
    record = db.session.get(MeetingAttendance, meeting.id)
    assert record is not None and record.held
    assert [o.name for o in record.organisations] == ["Fanm Vanyan Lakay"]

    page.goto(f"{live}/tracker?year={year}")
    assert page.locator(cell).inner_text() == "Held"
    page.locator(cell).scroll_into_view_if_needed()
    both_widths(page, "tracker-held")

    page.goto(f"{live}/workspace/meetings/{meeting.id}")
    page.get_by_role("link", name="History", exact=True).click()
    page.wait_for_url(re.compile(rf"/workspace/history/meeting/{meeting.id}$"))
    lines = page.locator("main li").all_inner_texts()
    assert "Attendance recorded: held. Organisations present: Fanm Vanyan Lakay." in lines[0]
    assert "gt@example.org" in lines[0]
    both_widths(page, "history")
