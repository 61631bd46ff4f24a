"""Issue 14 item 8: while mail cannot be sent (SMTP down: rows queued and retrying, or
rows due and waiting), the dashboard and /healthz say so before anything has failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import update

from coordinator.extensions import db
from coordinator.mail.dispatch import dispatch
from coordinator.models import OutboxMessage, Role
from tests.conftest import NOW, use_smtp
from tests.mail.test_bad_addresses import queue
from tests.smtp import SmtpServer, free_port
from tests.web.people import log_in, make_account

ALL_WELL = "Every message went out or is on its way."


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_an_smtp_outage_shows_on_the_dashboard_and_healthz_while_rows_retry(
        seeded, client, clock) -> None:
    app = seeded
    make_account(Role.SECRETARIAT, email="sec@example.org")
    anonymous = app.test_client()
    log_in(client, "sec@example.org")
    assert ALL_WELL in client.get("/workspace/").get_data(as_text=True)
    assert client.get("/healthz").get_json()["mail"] == "ok"

    down = SmtpServer(free_port())  # an address where no server listens
    use_smtp(app, down)
    queue(["ana@cso.example", "wilner@cso.example"])
    result = dispatch(NOW)
    assert result.sent == 0 and result.failed == 0 and result.retried == 2
    page = client.get("/workspace/").get_data(as_text=True)
    assert ALL_WELL not in page
    assert "Mail cannot be sent right now: 2 messages wait and are being retried." in page
    health = client.get("/healthz")
    assert health.status_code == 200  # pages still answer: degraded, not down
    body = health.get_json()
    assert body["status"] == "degraded" and body["mail"] == "retrying"
    assert body["mail_retrying"] == 2
    assert anonymous.get("/healthz").get_json() == {"status": "degraded"}  # no internals

    up = SmtpServer().start()
    try:
        use_smtp(app, up)
        clock.move_to(NOW + timedelta(hours=1))  # past the back-off
        assert dispatch(NOW + timedelta(hours=1)).sent == 2
        up.wait_for(2)
    finally:
        up.stop()
    assert ALL_WELL in client.get("/workspace/").get_data(as_text=True)
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_mail_due_for_long_and_never_tried_shows_too(seeded, client, clock) -> None:
    """A stopped dispatcher fails no row: the oldest due row's age says it."""
    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    queue(["ana@cso.example"])
    assert client.get("/healthz").get_json()["mail"] == "ok"  # just queued: on its way
    db.session.execute(update(OutboxMessage).values(
        next_attempt_at=NOW - timedelta(minutes=16), created_at=NOW - timedelta(minutes=16)))
    db.session.commit()
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and body["mail"] == "delayed"
    page = client.get("/workspace/").get_data(as_text=True)
    assert "Mail is not going out: 1 message has waited more than 15 minutes." in page
    assert ALL_WELL not in page


def test_a_coordinator_sees_the_backlog_of_their_own_scope_only(seeded, client,
                                                                clock) -> None:
    make_account(Role.SPECIAL_COORDINATOR, email="gt@gob.example", country="GT")
    log_in(client, "gt@gob.example")
    queue(["ana@cso.example"])  # about no meeting of theirs, to nobody of theirs
    db.session.execute(update(OutboxMessage).values(attempts=3,
                                                    next_attempt_at=NOW + timedelta(hours=1)))
    db.session.commit()
    assert ALL_WELL in client.get("/workspace/").get_data(as_text=True)
