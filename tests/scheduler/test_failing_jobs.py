"""A failing dispatcher or scheduled job is seen: /healthz degrades, the dashboard says so."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from coordinator.models import Role
from coordinator.scheduler.jobs import run_job
from coordinator.scheduler.leader import LeaderLock
from tests.mail.test_bad_addresses import queue
from tests.web.people import log_in, make_account


def test_a_failing_dispatcher_degrades_health_and_shows_on_the_dashboard(
        seeded: Flask, tmp_path: Path) -> None:
    app = seeded
    make_account(Role.SECRETARIAT, email="sec@example.org")
    client = app.test_client()
    assert client.get("/healthz").get_json()["status"] == "ok"
    queue(["ana@cso.example"])
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the mail folder should be")
    good_folder = app.config["MAIL_FOLDER"]
    app.config["MAIL_FOLDER"] = str(blocker / "mail")  # a misconfigured installation
    leader = LeaderLock(app.extensions["sqlalchemy"].engine, str(tmp_path))
    try:
        assert leader.acquire()
        run_job(app, "dispatch", leader)
        health = client.get("/healthz")
        assert health.status_code == 200  # still serving pages: degraded, not down
        assert health.get_json()["status"] == "degraded"
        log_in(client, "sec@example.org")
        page = client.get("/workspace/").get_data(as_text=True)
        assert "Sending mail is failing" in page
        # Once the folder is right, the next run clears it.
        app.config["MAIL_FOLDER"] = good_folder
        run_job(app, "dispatch", leader)
        assert client.get("/healthz").get_json()["status"] == "ok"
        assert "Sending mail is failing" not in client.get("/workspace/").get_data(as_text=True)
    finally:
        leader.release()
