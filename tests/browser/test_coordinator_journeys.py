"""In a real browser: coordinators run the cadence, visitors read it in their language."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from coordinator.agendas.services import add_item, publish_agenda
from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import AgendaPublication, Meeting, Role, Series
from coordinator.unit import Actor
from tests.support.browser import log_in
from tests.support.dates import safe_first_date
from tests.web.people import make_account

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]


def test_special_coordinator_schedules_previews_moves_and_publishes(live, page) -> None:
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT",
                 name="Coordinadora GT")
    log_in(page, live, "gt@example.org")
    page.shot("dashboard")

    page.get_by_role("link", name="Schedule a new series").first.click()
    first = safe_first_date()
    page.get_by_label("First meeting").fill(first.isoformat())
    page.get_by_label("Start time (local)").fill("10:00")
    page.get_by_role("button", name="Preview the dates").click()
    preview = page.locator("table.preview tbody tr")
    preview.first.wait_for()
    assert preview.count() >= 7  # a quarterly series over two years
    shown = preview.first.inner_text()
    assert str(first.year) in shown and "10:00" in shown.replace("10:00:00", "10:00")
    page.shot("preview")
    assert db.session.scalar(sa.select(sa.func.count(Series.id))) == 0  # nothing saved yet

    page.get_by_role("button", name="Schedule", exact=True).click()
    page.wait_for_url(re.compile(r"/workspace/series/\d+$"))
    assert "The series is scheduled" in page.content()
    page.shot("series")

    page.locator("table a").first.click()
    page.wait_for_url(re.compile(r"/workspace/meetings/\d+$"))
    meeting_id = int(page.url.rsplit("/", 1)[1])
    new_day = first + timedelta(days=2)
    move = page.locator("form[action$='/move']")
    move.get_by_label("Date").fill(new_day.isoformat())
    move.get_by_label("Start time (local)").fill("15:30")
    move.get_by_role("button", name="Move").click()
    page.wait_for_url(re.compile(r"/workspace/meetings/\d+$"))
    assert "The meeting is moved" in page.content()
    db.session.expire_all()
    moved = db.session.get(Meeting, meeting_id)
    assert moved.moved and moved.start_local.date() == new_day
    assert moved.start_local.strftime("%H:%M") == "15:30"

    add = page.locator("form[action$='/agenda']")
    add.get_by_label("Title", exact=True).fill("Progress on the national commitments")
    add.get_by_role("button", name="Add to the draft").click()
    add = page.locator("form[action$='/agenda']")
    add.get_by_label("Title", exact=True).fill("Proposals from civil society")
    add.get_by_role("button", name="Add to the draft").click()
    page.get_by_role("button", name="Move up: Proposals from civil society").click()
    items = page.locator("ol.agenda > li strong")
    assert items.first.inner_text() == "Proposals from civil society"
    page.get_by_role("button", name="Publish the agenda").click()
    assert "The agenda is published" in page.content()
    page.shot("published")
    assert db.session.scalar(sa.select(sa.func.count(AgendaPublication.id))) == 1

    page.get_by_role("link", name="Public page").click()
    public = page.locator("main").inner_text()
    assert "Proposals from civil society" in public
    assert public.index("Proposals from civil society") < public.index("Progress on the")
    page.shot("public-page")


def test_coordinator_of_another_country_cannot_edit_the_series(live, page) -> None:
    make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    series = schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="GT",
                                         first_date=safe_first_date(),
                                         start_time=time(10), zone="America/Guatemala"),
                             now=datetime.now(UTC), actor=Actor.cli())
    log_in(page, live, "mx@example.org")
    answer = page.goto(f"{live}/workspace/series/{series.id}")
    assert answer is not None and answer.status == 403
    page.shot("forbidden-series")
    answer = page.goto(f"{live}/workspace/meetings/{series.meetings[0].id}")
    assert answer is not None and answer.status == 403
    # Its own list does not offer the other country's series either.
    page.goto(f"{live}/workspace/series")
    assert "Guatemala" not in page.locator("main").inner_text()


def test_visitor_switches_to_haitian_creole(live, page) -> None:
    now = datetime.now(UTC)
    series = schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="HT",
                                         first_date=safe_first_date(),
                                         start_time=time(10), zone="America/Port-au-Prince"),
                             now=now, actor=Actor.cli())
    meeting = series.meetings[0]
    add_item(meeting.id, now=now, actor=Actor.cli(), kind="discussion", title="Dyalòg")
    publish_agenda(meeting.id, now=now, actor=Actor.cli())

    page.goto(live + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Kreyòl ayisyen").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ht"
    home = page.locator("main").inner_text()
    assert "Upcoming meetings" not in home and "Reyinyon" in home
    page.shot("home-ht")

    page.locator(f"a[href='/meetings/{meeting.id}']").first.click()
    page.wait_for_url(re.compile(rf"/meetings/{meeting.id}"))
    assert page.locator("html").get_attribute("lang") == "ht"  # the choice is remembered
    text = page.locator("main").inner_text()
    assert "Agenda due" not in text and "Dyalòg" in text
    page.shot("meeting-ht")


def test_keyboard_reaches_the_log_in_form_with_a_visible_focus(live, page) -> None:
    page.goto(live + "/login")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.get_by_label("E-mail address").focus()
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style not in ("none", "")


def test_pages_fit_a_phone_and_weigh_little(live, page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    sizes = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body() or b"")))
    for path in ("/", "/tracker", "/register", "/login", "/feeds/"):
        sizes.clear()
        page.goto(live + path)
        page.wait_for_load_state("networkidle")
        total = sum(sizes.values())
        assert total < 100_000, (path, total)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{path} scrolls sideways on a phone"
    page.shot("phone-feeds")
