"""The dashboard: what needs the coordinator's attention now."""

from __future__ import annotations

from flask import render_template

from coordinator.cadence.zones import utc_now
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.models import DeadlineKind
from coordinator.present import series_title
from coordinator.tracking.dashboard import dashboard_for
from coordinator.tracking.outbox import STALE_AFTER
from coordinator.web.workspace import bp, me


@bp.get("/")
def dashboard():
    board = dashboard_for(me(), utc_now())
    return render_template("workspace/dashboard.html", **vars(board),
                           series_title=series_title, deadline_kinds=DeadlineKind,
                           language_names=LANGUAGE_NAMES,
                           stale_minutes=int(STALE_AFTER.total_seconds() // 60))
