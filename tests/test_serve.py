"""`coordinator serve` answers over HTTP with the scheduler running inside it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from coordinator import create_app
from coordinator.extensions import db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _jobs_that_ran(app) -> set[str]:  # type: ignore[no-untyped-def]
    """The scheduler's own record (/healthz shows job details to staff only)."""
    from sqlalchemy import select

    from coordinator.models import JobRun

    with app.app_context():
        names = set(db.session.scalars(select(JobRun.name).where(
            JobRun.last_success_at.is_not(None))))
        db.session.remove()
        db.engine.dispose()
    return names


@pytest.mark.slow
def test_serve_embeds_the_scheduler(tmp_path: Path) -> None:
    env = {**os.environ, "COORDINATOR_INSTANCE_PATH": str(tmp_path),
           "COORDINATOR_SECRET_KEY": "test", "PYTHONUNBUFFERED": "1"}
    env.pop("FLASK_DEBUG", None)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/coordinator.sqlite",
                      "SECRET_KEY": "test"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    port = free_port()
    cli = [sys.executable, "-c", "from coordinator.cli import main; main()"]
    server = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        body: dict = {}
        ran: set[str] = set()
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.loads(r.read())
                ran = _jobs_that_ran(app)
                if "materialise" in ran:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert body.get("status") == "ok"
        assert "materialise" in ran, ran
    finally:
        server.terminate()
        server.wait(timeout=10)
