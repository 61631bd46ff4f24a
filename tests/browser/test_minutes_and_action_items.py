"""In a real browser (issue 16): a coordinator adds two action items to a meeting that took
place, writes and publishes its minutes; the public page shows them; the next meeting's draft
agenda lists the open items; the owners are reminded by mail before the due dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant
from coordinator.mail.dispatch import dispatch
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import AgendaItem, Role
from coordinator.outcomes.jobs import remind_action_item_owners
from coordinator.unit import Actor
from tests.support.browser import both_widths, log_in
from tests.support.dates import safe_first_date
from tests.support.organisations import approved_contact
from tests.web.people import make_account

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]


def test_minutes_with_two_action_items_reach_the_page_the_next_agenda_and_the_owners(
        live, page, mailed) -> None:
    # The server reads the real clock: the series was scheduled months ago, so one meeting
    # has taken place and the next is ahead, whatever today is.
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
    past = [m for m in series.meetings if m.end_at < today - timedelta(hours=1)][-1]
    ahead = next(m for m in series.meetings if m.start_at > today + timedelta(days=1))
    contact = approved_contact("Red de Acogida", "Ana", "ana@example.org", language="es",
                               zone="America/Guatemala")
    add_participant(now=then, actor=Actor.cli(), series_id=series.id,
                    organisation_id=contact.organisation_id)
    local_today = today.astimezone(past.start_local.tzinfo).date()
    first_due, second_due = local_today + timedelta(days=10), local_today + timedelta(days=20)

    log_in(page, live, "gt@example.org")
    page.goto(f"{live}/workspace/meetings/{past.id}")
    page.get_by_role("link", name="Action items").first.click()
    page.wait_for_url(re.compile(rf"/workspace/meetings/{past.id}/action-items$"))
    for text, due in (("Send the consular fees report", first_due),
                      ("Publish the regularisation guide", second_due)):
        page.get_by_label("What is to be done").fill(text)
        page.get_by_label("Owner").select_option("country:GT")
        page.get_by_label("Due date").fill(due.isoformat())
        page.get_by_role("button", name="Add the action item").click()
        page.wait_for_load_state()
    assert page.locator("tbody tr").count() == 2
    both_widths(page, "action-items")

    page.get_by_role("link", name="Minutes of the meeting").first.click()
    page.get_by_label("Text of the minutes (Markdown)").fill(
        "The meeting reviewed **consular fees**.\n\n<script>alert(1)</script>")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_load_state()
    assert page.locator(".error").count() >= 1  # raw HTML is refused, the text is kept
    assert "consular fees" in page.get_by_label("Text of the minutes (Markdown)").input_value()
    page.get_by_label("Text of the minutes (Markdown)").fill(
        "The meeting reviewed **consular fees**.\n\n- fees\n- guides")
    page.get_by_label("Decisions, one per line").fill("Publish the guide")
    page.get_by_role("button", name="Save the draft").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Publish the minutes").click()
    page.wait_for_load_state()
    both_widths(page, "minutes-published")

    public = page.context.new_page()
    public.goto(f"{live}/meetings/{past.id}?lang=en")
    body = public.content()
    assert "<strong>consular fees</strong>" in body and "Publish the guide" in body
    assert "Send the consular fees report" in body and "<script>alert" not in body
    public.close()

    db.session.expire_all()
    follow_up = db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == ahead.id)).all()
    assert len(follow_up) == 1 and "Send the consular fees report" in follow_up[0].title
    page.goto(f"{live}/workspace/meetings/{ahead.id}")
    assert "Publish the regularisation guide" in page.content()

    # The owners (Guatemala's coordinator) are reminded 7 days before each due date.
    noon = datetime.combine(first_due - timedelta(days=7), time(18), tzinfo=UTC)
    assert remind_action_item_owners(now=noon) == 1
    assert remind_action_item_owners(now=noon) == 0  # once
    sent = dispatch(noon)  # the reminder, and what else was queued (invitations, minutes)
    [reminder] = [r for r in mailed.wait_for(sent.sent, timeout=20)
                  if r.recipients == ["gt@example.org"]]
    assert "Send the consular fees report" in reminder.message.get_body(
        ("plain",)).get_content()
