"""The jobs: each a few lines that call a service with the current instant."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Flask

from coordinator.cadence.zones import utc_now
from coordinator.scheduler.runs import mark_success
from coordinator.services.series import materialise_all

log = logging.getLogger(__name__)


def materialise(now: datetime) -> None:
    created = materialise_all(now=now)
    if created:
        log.info("materialised %d meetings", created)


JOBS: dict[str, tuple[Callable[[datetime], Any], dict[str, Any]]] = {
    "materialise": (materialise, {"trigger": "interval", "hours": 24}),
}


def run_job(app: Flask, name: str) -> None:
    job = JOBS[name][0]
    with app.app_context():
        now = utc_now()
        try:
            job(now)
        except Exception:
            log.exception("job %s failed", name)
            raise
        mark_success(name, now)
