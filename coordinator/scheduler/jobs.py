"""The jobs: each asks the database what is due and calls a service; nothing else."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app

from coordinator.cadence.zones import utc_now
from coordinator.documents.services import sweep as sweep_documents
from coordinator.integrations.external_feeds import refresh_all, refresh_requested
from coordinator.invitations.deadlines import run_due_deadlines
from coordinator.link_requests.services import answer_link_requests
from coordinator.mail.dispatch import dispatch, prune_sent
from coordinator.meetings.series import materialise_all
from coordinator.outcomes.jobs import remind_action_item_owners
from coordinator.scheduler.runs import record_failure, record_start, record_success
from coordinator.tracking.digest import send_weekly_digest

log = logging.getLogger(__name__)


def _dispatch(now: datetime) -> Any:
    return dispatch(now)


def _link_requests(now: datetime) -> Any:
    return answer_link_requests(now=now)


def _deadlines(now: datetime) -> Any:
    return run_due_deadlines(now=now)


def _materialise(now: datetime) -> Any:
    return materialise_all(now=now)


def _digest(now: datetime) -> Any:
    return send_weekly_digest(now=now)


def _action_items(now: datetime) -> Any:
    return remind_action_item_owners(now=now)


def _documents(now: datetime) -> Any:
    return sweep_documents(now)


def _prune(now: datetime) -> Any:
    return prune_sent(now, keep=timedelta(days=int(current_app.config["OUTBOX_KEEP_DAYS"])))


def _calendars(now: datetime) -> Any:
    return refresh_all(now=now)


def _calendar_requests(now: datetime) -> Any:
    return refresh_requested(now=now)


# name -> (what it does, config key of its interval in seconds)
JOBS: dict[str, tuple[Callable[[datetime], Any], str]] = {
    "dispatch": (_dispatch, "SCHEDULER_DISPATCH_SECONDS"),
    "link_requests": (_link_requests, "SCHEDULER_LINK_REQUESTS_SECONDS"),
    "deadlines": (_deadlines, "SCHEDULER_DEADLINES_SECONDS"),
    "materialise": (_materialise, "SCHEDULER_MATERIALISE_SECONDS"),
    "digest": (_digest, "SCHEDULER_DIGEST_SECONDS"),
    "prune": (_prune, "SCHEDULER_PRUNE_SECONDS"),
    "action_items": (_action_items, "SCHEDULER_ACTION_ITEMS_SECONDS"),
    "documents": (_documents, "SCHEDULER_DOCUMENTS_SECONDS"),
    "calendars": (_calendars, "SCHEDULER_CALENDARS_SECONDS"),
    "calendar_requests": (_calendar_requests, "SCHEDULER_CALENDAR_REQUESTS_SECONDS"),
}

# Jobs that wait on other people's servers run on a thread of their own (one job at a time
# there too), so a slow calendar never delays mail or deadlines on the default thread.
EXECUTORS: dict[str, str] = {"calendars": "calendars", "calendar_requests": "calendars"}


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
