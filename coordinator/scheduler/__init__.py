"""APScheduler set-up: thin jobs that ask the database what is due and call services."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from coordinator.cadence.zones import utc_now
from coordinator.scheduler.jobs import JOBS, run_job


def build_scheduler(app: Flask) -> BackgroundScheduler:
    """A scheduler whose jobs run inside `app`'s context; each job catches up when late."""
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600,
    })
    for name, (_, trigger_args) in JOBS.items():
        # Every job also runs once at start-up, so a restart catches up at once.
        scheduler.add_job(run_job, id=name, args=(app, name), replace_existing=True,
                          next_run_time=utc_now(), **trigger_args)
    return scheduler
