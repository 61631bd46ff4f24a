"""The documented production layout, run for real on 127.0.0.1: two gunicorn processes and
two scheduler processes against one PostgreSQL, with a real SMTP server.

A change made through one web process is served by the other; every job runs in one
process only (the leader), and when the leader dies the other takes over; every mail goes
out exactly once.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from coordinator.accounts.api_tokens import create_token
from coordinator.extensions import db
from coordinator.models import (
    Contact,
    JobRun,
    Organisation,
    OutboxMessage,
    RegistrationState,
    Role,
    Scope,
)
from coordinator.unit import Actor
from tests.smtp import free_port
from tests.support.dates import safe_first_date
from tests.web.people import make_account

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-c", "from coordinator.cli import main; main()"]
DEADLINE = 90  # seconds any wait below may take, at most


def call(base: str, method: str, path: str, token: str | None = None,
         body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        "Content-Type": "application/json", **({"Authorization": f"Bearer {token}"}
                                              if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def wait_until(check, what: str, seconds: float = DEADLINE):  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _env(app, smtp, tmp_path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("COORDINATOR_")}
    env.pop("FLASK_DEBUG", None)
    env.update({
        "COORDINATOR_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "COORDINATOR_SECRET_KEY": app.config["SECRET_KEY"],
        "COORDINATOR_BASE_URL": app.config["BASE_URL"],
        "COORDINATOR_INSTANCE_PATH": str(tmp_path),
        "COORDINATOR_MAIL_SERVER": "127.0.0.1",
        "COORDINATOR_MAIL_PORT": str(smtp.port),
        "COORDINATOR_MAIL_DEFAULT_SENDER": "coordinator@coordinator.test",
        "COORDINATOR_SCHEDULER_DISPATCH_SECONDS": "1",
        "COORDINATOR_SCHEDULER_DEADLINES_SECONDS": "1",
        "COORDINATOR_SESSION_COOKIE_SECURE": "false",
    })
    return env


def _runners() -> set[str]:
    db.session.expire_all()
    return {r for r in db.session.scalars(sa.select(JobRun.runner)) if r}


def _log_in_flood(one: str, two: str, tries: int) -> list[int]:
    """Wrong passwords from one client, alternately to each web process; the statuses."""
    jar = http.cookiejar.CookieJar()  # one client: the session cookie is valid on both
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{one}/login", timeout=10) as page:
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode()).group(1)
    statuses = []
    for n in range(tries):
        data = urllib.parse.urlencode({"csrf_token": token, "email": "sec@example.org",
                                       "password": f"wrong-{n}"}).encode()
        try:
            with opener.open(f"{(one, two)[n % 2]}/login", data=data, timeout=10) as answer:
                statuses.append(answer.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)
    return statuses


def test_two_web_and_two_scheduler_processes_share_one_database(seeded, smtp, tmp_path,
                                                                backend, shared_limits) -> None:
    if backend != "postgresql":
        pytest.skip("several processes share PostgreSQL (its advisory lock elects the leader)")
    app = seeded
    now = datetime.now(UTC)
    account = make_account(Role.SECRETARIAT, email="sec@example.org")
    token = create_token(account.id, "scale-out", now=now, actor=Actor.cli())
    organisation = Organisation(name="Red regional", scope=Scope.REGIONAL, kinds=["network"],
                                led_by=[], languages=["es"], created_at=now,
                                registration_state=RegistrationState.APPROVED)
    db.session.add(organisation)
    for n, language in enumerate(("es", "pt", "fr", "ht", "en")):
        db.session.add(Contact(organisation=organisation, name=f"Persona {n}",
                               email=f"p{n}@cso.example", language=language,
                               zone="America/Guatemala", created_at=now))
    db.session.commit()

    env = {**_env(app, smtp, tmp_path), **shared_limits}
    ports = [free_port(), free_port()]
    webs = [subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4",
         "--bind", f"127.0.0.1:{port}", "coordinator:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
    schedulers = [subprocess.Popen([*CLI, "scheduler"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL) for _ in range(2)]
    one, two = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        for base in (one, two):
            wait_until(lambda b=base: _up(b), f"{base} to answer")
        # Rate limits count across processes (Redis): one client's eleventh wrong
        # password in a minute is refused, whichever of the 4 workers it reaches (with
        # counters per process, each would allow ten).
        statuses = _log_in_flood(one, two, 11)
        assert statuses[:10] == [401] * 10 and statuses[10] == 429, statuses
        # Written through the first web process...
        first = safe_first_date(now.date())
        status, series = call(one, "POST", "/api/v1/series", token, {
            "kind": "national", "country": "GT", "first_date": first.isoformat(),
            "start_time": "10:00", "zone": "America/Guatemala"})
        assert status == 201, series
        status, _ = call(one, "POST", f"/api/v1/series/{series['id']}/participants", token,
                         {"organisation_id": organisation.id})
        assert status == 201
        # ... and served by the second (each process trusts its cached version ≤ 1 s).
        listed = wait_until(lambda: (lambda r: r[1]["total"] and r)(
            call(two, "GET", "/api/v1/meetings?country=GT&limit=200")), "the other process")
        assert {m["series_id"] for m in listed[1]["items"]} == {series["id"]}

        # Every queued mail arrives exactly once, sent by whichever scheduler leads.
        def all_sent() -> bool:
            db.session.expire_all()
            states = Counter(db.session.scalars(sa.select(OutboxMessage.state)))
            return bool(states) and set(states) == {"sent"}

        wait_until(all_sent, "the outbox to drain")
        expected = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        assert expected >= 5  # an invitation per contact for the first meeting at least
        received = smtp.wait_for(expected, timeout=30)
        got = Counter(r.message["Message-ID"] for r in received)
        assert len(got) == expected and max(got.values()) == 1

        # One leader ran every job; kill it and the other takes over.
        leader = wait_until(lambda: (lambda r: len(r) == 1 and r)(_runners()), "one runner")
        assert len(leader) == 1
        (runner,) = leader
        pid = int(runner.rsplit(":", 1)[1])
        victim = next(p for p in schedulers if p.pid == pid)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=20)
        survivor = next(p for p in schedulers if p.pid != pid)
        wait_until(lambda: any(r.endswith(f":{survivor.pid}") for r in _runners()),
                   "the other scheduler to take over")
        # And mail still flows: a move through the second web process is sent once.
        meeting_id = listed[1]["items"][0]["id"]
        moved_to = datetime.combine(first + timedelta(days=1), datetime.min.time(),
                                    tzinfo=UTC) + timedelta(hours=16)
        status, _ = call(two, "POST", f"/api/v1/meetings/{meeting_id}/move", token,
                         {"start": moved_to.isoformat()})
        assert status == 200
        wait_until(all_sent, "the update to be sent")
        total = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        received = smtp.wait_for(total, timeout=30)
        got = Counter(r.message["Message-ID"] for r in received)
        assert len(got) == total > expected and max(got.values()) == 1
    finally:
        for process in (*webs, *schedulers):
            if process.poll() is None:
                process.terminate()
        for process in (*webs, *schedulers):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _up(base: str) -> bool:
    try:
        return call(base, "GET", "/healthz")[0] == 200
    except OSError:
        return False
