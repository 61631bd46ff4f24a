"""APScheduler set-up: thin jobs that ask the database what is due and call services."""

from __future__ import annotations

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from coordinator.cadence.zones import utc_now
from coordinator.extensions import db
from coordinator.scheduler.jobs import JOBS, run_job
from coordinator.scheduler.leader import LeaderLock


def build_scheduler(app: Flask) -> tuple[BackgroundScheduler, LeaderLock]:
    """A scheduler whose jobs run only while this process holds the leader lock.

    Jobs derive their work from the database, so a restart or a missed run catches up:
    each job also runs once at start-up.
    """
    with app.app_context():
        leader = LeaderLock(db.engine, app.instance_path)
    # One worker thread: jobs run one after another, never racing each other for SQLite.
    scheduler = BackgroundScheduler(
        timezone="UTC", executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    for name, (_, interval_key) in JOBS.items():
        scheduler.add_job(run_job, "interval", seconds=int(app.config[interval_key]),
                          id=name, args=(app, name, leader), replace_existing=True,
                          next_run_time=utc_now())
    return scheduler, leader
