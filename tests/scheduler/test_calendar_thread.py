"""A slow external calendar holds neither the mail dispatcher nor a web page: the calendar
jobs have a scheduler thread of their own, and pages only queue fetches."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from coordinator.extensions import db
from coordinator.models import ExternalFeed, JobRun, Role
from coordinator.scheduler import build_scheduler
from tests.support.calendar_servers import calendar, event, serving
from tests.web.people import csrf_of, log_in, make_account

FETCH_SECONDS = 4


def _dispatch_started() -> datetime | None:
    db.session.rollback()  # read what the scheduler's threads committed since
    row = db.session.get(JobRun, "dispatch")
    return row.last_started_at if row is not None else None


def test_a_slow_calendar_delays_neither_dispatch_nor_pages(seeded, tmp_path) -> None:
    app = seeded
    app.instance_path = str(tmp_path)  # SQLite's leader lock file: this test's own
    app.config.update(SCHEDULER_DISPATCH_SECONDS=1, SCHEDULER_CALENDAR_REQUESTS_SECONDS=1,
                      EXTERNAL_FEEDS_ALLOW_PRIVATE=True,  # the server is on 127.0.0.1
                      EXTERNAL_FEEDS_FETCH_SECONDS=FETCH_SECONDS)
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    client = app.test_client()
    log_in(client, "gt@example.org")
    soon = datetime.now(UTC) + timedelta(days=30)  # relative to the clock, never a date
    with serving("trickle", calendar(event("plenary", soon)), pause=0.5, limit=10) as slow:
        added = client.post("/workspace/integrations/calendars", data={
            "name": "Slow", "url": slow.url(), "csrf_token": csrf_of(client, "/workspace/")})
        assert added.status_code == 302 and not slow.opened.is_set()  # queued, not fetched
        feed_id = db.session.scalar(sa.select(ExternalFeed.id))
        refresh = f"/workspace/integrations/calendars/{feed_id}/refresh"
        scheduler, leader = build_scheduler(app)
        scheduler.start()
        try:
            assert slow.opened.wait(10), "the calendar job never fetched"
            fetching_since = datetime.now(UTC)
            queued = client.get("/workspace/integrations").get_data(as_text=True)
            assert "Queued: it will be fetched within a minute" in queued  # and no waiting
            dispatch_runs: set[datetime] = set()
            slowest_page = 0.0
            for _ in range(100):  # about FETCH_SECONDS; bounded whatever happens
                if slow.closed.is_set():
                    break
                started = _dispatch_started()
                if started is not None and started > fetching_since:
                    dispatch_runs.add(started)
                began = time.monotonic()
                page = client.get("/workspace/integrations")
                asked = client.post(refresh, data={"csrf_token": csrf_of(client,
                                                                         "/workspace/")})
                slowest_page = max(slowest_page, time.monotonic() - began)
                assert page.status_code == 200 and asked.status_code == 302
                time.sleep(0.1)
            fetch_lasted = datetime.now(UTC) - fetching_since
            assert slow.closed.wait(FETCH_SECONDS + 3)
        finally:
            scheduler.shutdown(wait=True)
            leader.release()
    assert fetch_lasted >= timedelta(seconds=FETCH_SECONDS - 1)  # it really was slow
    assert len(dispatch_runs) >= 2, dispatch_runs  # every second, fetch or not
    # A page that waited for the fetch would take up to FETCH_SECONDS; half of it separates
    # "never waits" from "waits" even with the suite's other worker loading the machine
    # (three requests measured together took 1.3 s there).
    assert slowest_page < FETCH_SECONDS / 2, slowest_page
    db.session.rollback()
    feed = db.session.scalar(sa.select(ExternalFeed))
    assert feed is not None and feed.last_error == "unreachable" and feed.fetched_at
