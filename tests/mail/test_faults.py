"""Faults: SMTP down, refusals, a dispatcher killed mid-batch, two schedulers at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from coordinator.cadence.zones import utc_now
from coordinator.extensions import db
from coordinator.mail.compose import message_id
from coordinator.mail.dispatch import dispatch
from coordinator.mail.kinds import MailKind
from coordinator.mail.outbox import Envelope, Outgoing, enqueue
from coordinator.models import OutboxMessage, OutboxState
from tests.conftest import NOW, use_smtp
from tests.smtp import SmtpServer


def queue(count: int, *, recipients: list[str] | None = None) -> list[str]:
    """Queue `count` messages; returns their Message-IDs."""
    ids = []
    for n in range(count):
        key = f"test:{n}"
        message = EmailMessage()
        message["From"] = "coordinator@coordinator.test"
        to = recipients[n % len(recipients)] if recipients else f"person{n}@cso.example"
        message["To"], message["Subject"] = to, f"Message {n}"
        message["Message-ID"] = message_id(key)
        message.set_content("Réunion — reyinyon — reunião\n" * 20)
        enqueue(db.session, Outgoing(Envelope(key, MailKind.DIGEST, to, "en"), message), NOW)
        ids.append(message["Message-ID"])
    db.session.commit()
    return ids


def states() -> Counter:
    return Counter(s.value for s in db.session.scalars(select(OutboxMessage.state)))


def drain(now, rounds: int = 20) -> None:  # type: ignore[no-untyped-def]
    for _ in range(rounds):
        result = dispatch(now)
        if result.sent + result.failed + result.retried == 0:
            return


def test_500_messages_queued_while_smtp_is_down_all_arrive_once_it_is_back(seeded) -> None:
    app = seeded
    server = SmtpServer()  # not started: connections are refused
    use_smtp(app, server)
    ids = queue(500)
    result = dispatch(NOW)
    assert (result.sent, result.retried) == (0, 200)  # one batch, then it stops trying
    drain(NOW)
    assert states() == {"queued": 500}
    assert db.session.scalar(select(func.min(OutboxMessage.attempts))) == 1
    row = db.session.scalars(select(OutboxMessage).limit(1)).one()
    assert row.attempts == 1 and row.next_attempt_at == NOW + timedelta(seconds=30)
    assert "cannot reach the mail server" in (row.last_error or "")
    assert dispatch(NOW + timedelta(seconds=10)).sent == 0  # backing off
    server.start()
    try:
        drain(NOW + timedelta(minutes=1))
        received = server.wait_for(500)
    finally:
        server.stop()
    got = Counter(r.message["Message-ID"] for r in received)
    assert set(got) == set(ids) and max(got.values()) == 1
    assert states() == {"sent": 500}


def test_a_permanent_refusal_fails_at_once_and_a_temporary_one_retries(seeded, mailed) -> None:
    mailed.collector.refuse = {"gone@cso.example": "550 5.1.1 No such user here",
                               "busy@cso.example": "451 4.2.0 Mailbox busy, try later"}
    queue(3, recipients=["gone@cso.example", "busy@cso.example", "ok@cso.example"])
    result = dispatch(NOW)
    assert (result.sent, result.failed, result.retried) == (1, 1, 1)
    rows = {r.recipient: r for r in db.session.scalars(select(OutboxMessage))}
    assert rows["gone@cso.example"].state == OutboxState.FAILED
    assert "550 5.1.1 No such user here" in (rows["gone@cso.example"].last_error or "")
    assert rows["busy@cso.example"].state == OutboxState.QUEUED
    assert "451" in (rows["busy@cso.example"].last_error or "")
    assert rows["ok@cso.example"].state == OutboxState.SENT
    mailed.collector.refuse.pop("busy@cso.example")
    assert dispatch(NOW + timedelta(minutes=1)).sent == 1
    assert states() == {"sent": 2, "failed": 1}
    assert dispatch(NOW + timedelta(days=30)).failed == 0  # failed rows are never retried


def _child_env(app: Flask, server: SmtpServer, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COORDINATOR_")}
    env.pop("FLASK_DEBUG", None)
    env.update({
        "COORDINATOR_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "COORDINATOR_SECRET_KEY": "test-secret",
        "COORDINATOR_BASE_URL": app.config["BASE_URL"],
        "COORDINATOR_MAIL_SERVER": "127.0.0.1",
        "COORDINATOR_MAIL_PORT": str(server.port),
        "COORDINATOR_MAIL_DEFAULT_SENDER": "coordinator@coordinator.test",
        "COORDINATOR_INSTANCE_PATH": str(tmp_path),
        **extra,
    })
    return env


CLI = [sys.executable, "-c", "from coordinator.cli import main; main()"]


@pytest.mark.slow
def test_a_dispatcher_killed_mid_batch_loses_nothing(seeded, smtp, tmp_path) -> None:
    app = seeded
    ids = queue(300)
    smtp.collector.delay = 0.01  # slow enough to be killed in the middle of a batch
    child = subprocess.Popen([*CLI, "dispatch", "--loop", "--batch", "50"],
                             env=_child_env(app, smtp, tmp_path),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        smtp.wait_for(120, timeout=60)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    before_restart = len(smtp.received)
    assert 0 < before_restart < 300, "the dispatcher was not killed mid-run"
    db.session.expire_all()
    assert states()["sending"] > 0  # its claimed batch is left behind...
    # ... and a restarted dispatcher takes it back once the claim's lease has run out.
    use_smtp(app, smtp)
    smtp.collector.delay = 0
    drain(utc_now() + timedelta(minutes=6))
    received = smtp.wait_for(300)
    got = Counter(r.message["Message-ID"] for r in received)
    assert set(got) == set(ids)  # every message arrived
    twice = [mid for mid, n in got.items() if n > 1]
    assert len(twice) <= 1, twice  # at most the one under way when the process died
    assert states() == {"sent": 300}


@pytest.mark.slow
def test_two_scheduler_processes_send_no_duplicates(seeded, smtp, tmp_path, backend) -> None:
    if backend != "postgresql":
        pytest.skip("the multi-process leader election is PostgreSQL's advisory lock")
    app = seeded
    ids = queue(300)
    env = _child_env(app, smtp, tmp_path, COORDINATOR_SCHEDULER_DISPATCH_SECONDS="1",
                     COORDINATOR_SCHEDULER_DEADLINES_SECONDS="1")
    children = [subprocess.Popen([*CLI, "scheduler"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL) for _ in range(2)]
    try:
        smtp.wait_for(300, timeout=60)
        time.sleep(3)  # a few more ticks of both processes
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=20)
    got = Counter(r.message["Message-ID"] for r in smtp.received)
    assert set(got) == set(ids)
    assert max(got.values()) == 1
    db.session.expire_all()
    assert states() == {"sent": 300}
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 300


def test_old_sent_messages_are_pruned_and_failed_ones_kept(seeded, mailed) -> None:
    from coordinator.mail.dispatch import prune_sent

    mailed.collector.refuse = {"gone@cso.example": "550 5.1.1 No such user here"}
    queue(3, recipients=["a@cso.example", "b@cso.example", "gone@cso.example"])
    dispatch(NOW)
    assert prune_sent(NOW + timedelta(days=399), keep=timedelta(days=400)) == 0
    assert prune_sent(NOW + timedelta(days=401), keep=timedelta(days=400)) == 2
    assert states() == {"failed": 1}
