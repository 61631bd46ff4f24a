"""200 topics sent at once through real HTTP to a running server on PostgreSQL."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.agendas.suggestions import suggest_link
from coordinator.extensions import db
from coordinator.models import Invitation, Suggestion
from tests.mail.scenario import make_world
from tests.smtp import free_port
from tests.suggestions.helpers import CSRF, FORM_KEY

COUNT = int(os.environ.get("TEST_SUGGESTION_COUNT", "200"))


def wait_until_up(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


def propose(base: str, path: str, n: int, repeat: bool) -> list[int]:
    """One participant: open the page, send a topic (twice when `repeat`: a double click)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        page = opener.open(base + path, timeout=30).read().decode()
    except OSError as exc:
        return [f"GET failed: {exc}"]  # type: ignore[list-item]
    data = urllib.parse.urlencode({
        "csrf_token": CSRF.search(page).group(1), "form_key": FORM_KEY.search(page).group(1),
        "title": f"Tema {n}", "description": "Descripción", "language": "es", "minutes": "10",
        "action": "submit"}).encode()
    statuses = []
    for _ in range(2 if repeat else 1):
        try:
            with opener.open(base + path, data=data, timeout=30) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)
        except OSError as exc:
            statuses.append(f"POST failed: {exc}")  # type: ignore[arg-type]
    return statuses


@pytest.mark.slow
def test_200_concurrent_suggestions_are_all_stored_once(seeded, backend, tmp_path,
                                                        shared_limits) -> None:
    if backend != "postgresql":
        pytest.skip("concurrency is measured against the production database")
    app = seeded
    # The window of a 28 December meeting is open now, whatever today's date: build the
    # world at a `now` inside that window and run the server with the real clock only
    # if it falls inside too; otherwise shift the meeting so it does.
    now = datetime.now(UTC)
    first = (now + timedelta(days=30)).date()
    first = date(first.year, first.month, min(first.day, 28))
    people = [(f"Persona {n}", f"p{n}@cso.example", "es", "America/Guatemala")
              for n in range(COUNT)]
    make_world(now, people=people, first=first)
    paths = [suggest_link(i).split("coordinator.test", 1)[1]
             for i in db.session.scalars(select(Invitation).order_by(Invitation.id))]
    assert len(paths) == COUNT
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COORDINATOR_")}
    env.pop("FLASK_DEBUG", None)
    env.update({"COORDINATOR_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "COORDINATOR_SECRET_KEY": app.config["SECRET_KEY"],
                "COORDINATOR_BASE_URL": app.config["BASE_URL"],
                "COORDINATOR_INSTANCE_PATH": str(tmp_path),
                # Links say https (as in production); this test speaks plain HTTP to
                # 127.0.0.1, where a Secure session cookie would never come back.
                "COORDINATOR_SESSION_COOKIE_SECURE": "false",
                "COORDINATOR_SQLALCHEMY_ENGINE_OPTIONS": '{"pool_size": 8, "max_overflow": 4}',
                **shared_limits})
    # The production server: gunicorn, two workers of eight threads each.
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "8",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "coordinator:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(lambda n: propose(base, paths[n], n, n % 10 == 0),
                                    range(COUNT)))
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=20)
    statuses = [s for result in results for s in result]
    assert all(s == 200 for s in statuses), (sorted(set(map(str, statuses))),
                                             (errors or b"")[-3000:])  # 303 followed to the page
    assert not re.search(rb'" 50\d ', errors or b""), errors[-3000:]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Suggestion.id))) == COUNT
    assert db.session.scalar(select(func.count(func.distinct(Suggestion.contact_id)))) == COUNT
