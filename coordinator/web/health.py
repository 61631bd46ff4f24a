"""`/healthz`: is the database reachable (the scheduler adds its jobs' last runs)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from coordinator.cadence.zones import utc_now
from coordinator.tracking.health import health_report

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 while the database answers (even when a job fails: `status` says degraded),
    503 when it does not."""
    body, up = health_report(staff=current_user.is_authenticated, now=utc_now())
    return jsonify(body), 200 if up else 503
