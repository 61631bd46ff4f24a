"""APScheduler set-up: thin jobs that ask the database what is due and call services."""

from __future__ import annotations

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from coordinator.cadence.zones import utc_now
from coordinator.extensions import db
from coordinator.scheduler.jobs import EXECUTORS, JOBS, run_job
from coordinator.scheduler.leader import LeaderLock


def build_scheduler(app: Flask) -> tuple[BackgroundScheduler, LeaderLock]:
    """A scheduler whose jobs run only while this process holds the leader lock.

    Jobs derive their work from the database, so a restart or a missed run catches up:
    each job also runs once at start-up.
    """
    with app.app_context():
        leader = LeaderLock(db.engine, app.instance_path)
    # One worker thread for the jobs that only use our database: they run one after
    # another, never racing each other for SQLite. The calendar jobs wait on other servers
    # (up to EXTERNAL_FEEDS_FETCH_SECONDS a calendar), so they get a second thread; they
    # hold no transaction while they wait, and each thread has its own app context and
    # session (run_job).
    executors = {"default": ThreadPoolExecutor(max_workers=1)}
    executors.update({name: ThreadPoolExecutor(max_workers=1)
                      for name in set(EXECUTORS.values())})
    scheduler = BackgroundScheduler(
        timezone="UTC", executors=executors,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    for name, (_, interval_key) in JOBS.items():
        scheduler.add_job(run_job, "interval", seconds=int(app.config[interval_key]),
                          id=name, args=(app, name, leader), replace_existing=True,
                          next_run_time=utc_now(), executor=EXECUTORS.get(name, "default"))
    return scheduler, leader
