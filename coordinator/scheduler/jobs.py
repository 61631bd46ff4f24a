"""The jobs: each asks the database what is due and calls a service; nothing else."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app

from coordinator.cadence.zones import utc_now
from coordinator.mail.dispatch import dispatch, prune_sent
from coordinator.scheduler.runs import record_failure, record_start, record_success
from coordinator.services.deadlines import run_due_deadlines
from coordinator.services.digest import send_weekly_digest
from coordinator.services.external_feeds import refresh_all
from coordinator.services.series import materialise_all

log = logging.getLogger(__name__)


def _dispatch(now: datetime) -> Any:
    return dispatch(now)


def _deadlines(now: datetime) -> Any:
    return run_due_deadlines(now=now)


def _materialise(now: datetime) -> Any:
    return materialise_all(now=now)


def _digest(now: datetime) -> Any:
    return send_weekly_digest(now=now)


def _prune(now: datetime) -> Any:
    return prune_sent(now, keep=timedelta(days=int(current_app.config["OUTBOX_KEEP_DAYS"])))


def _calendars(now: datetime) -> Any:
    return refresh_all(now=now)


# name -> (what it does, config key of its interval in seconds)
JOBS: dict[str, tuple[Callable[[datetime], Any], str]] = {
    "dispatch": (_dispatch, "SCHEDULER_DISPATCH_SECONDS"),
    "deadlines": (_deadlines, "SCHEDULER_DEADLINES_SECONDS"),
    "materialise": (_materialise, "SCHEDULER_MATERIALISE_SECONDS"),
    "digest": (_digest, "SCHEDULER_DIGEST_SECONDS"),
    "prune": (_prune, "SCHEDULER_PRUNE_SECONDS"),
    "calendars": (_calendars, "SCHEDULER_CALENDARS_SECONDS"),
}


def run_job(app: Flask, name: str, leader: Any) -> None:
    """Run one job in the app's context, if this process leads; record how it went."""
    job = JOBS[name][0]
    with app.app_context():
        if not leader.acquire():
            return
        now = utc_now()
        record_start(name, now)
        try:
            job(now)
        except Exception as exc:
            log.exception("job %s failed", name)
            record_failure(name, utc_now(), exc)
            return
        record_success(name, utc_now())
