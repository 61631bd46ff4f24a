"""One leader among scheduler processes; jobs record their runs for /healthz."""

from __future__ import annotations

from coordinator.extensions import db
from coordinator.scheduler.jobs import run_job
from coordinator.scheduler.leader import LeaderLock


def test_only_one_lock_holder_at_a_time_and_the_lock_passes_on(app, tmp_path) -> None:
    first, second = LeaderLock(db.engine, str(tmp_path)), LeaderLock(db.engine, str(tmp_path))
    try:
        assert first.acquire() is True
        assert first.acquire() is True  # still held, cheap to ask again
        assert second.acquire() is False
        first.release()
        assert second.acquire() is True
        assert first.acquire() is False
    finally:
        first.release()
        second.release()


def test_a_follower_runs_no_job_and_the_leader_records_its_runs(app, client, tmp_path) -> None:
    from coordinator.models import Role
    from tests.web.people import log_in, make_account

    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")  # the jobs' details are for staff
    leader, follower = LeaderLock(db.engine, str(tmp_path)), LeaderLock(db.engine, str(tmp_path))
    try:
        assert leader.acquire()
        run_job(app, "dispatch", follower)
        assert client.get("/healthz").get_json()["jobs"] == {}
        run_job(app, "dispatch", leader)
        run_job(app, "deadlines", leader)
        jobs = client.get("/healthz").get_json()["jobs"]
        assert set(jobs) == {"dispatch", "deadlines"}
        assert jobs["dispatch"]["last_success"] and jobs["dispatch"]["last_error"] is None
    finally:
        leader.release()
        follower.release()
