"""`/healthz`: is the database reachable (the scheduler adds its jobs' last runs)."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from coordinator.extensions import db
from coordinator.scheduler.runs import failing_jobs, last_runs

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:
        database = f"error: {exc.__class__.__name__}"
    # Degraded: pages answer, but a scheduled job (mail, deadlines) fails; still 200, so a
    # load balancer keeps the process, while monitoring reads `status`.
    if database != "ok":
        status = "down"
    else:
        status = "degraded" if failing_jobs() else "ok"
    body: dict[str, object] = {"status": status}
    if current_user.is_authenticated:
        # Error texts name hosts, tables and paths: for the service's own staff only.
        body.update(database=database, jobs=last_runs() if database == "ok" else {})
    return jsonify(body), 200 if database == "ok" else 503
