"""What `/healthz` reports: whether the database answers, and the scheduler's jobs."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from coordinator.extensions import db
from coordinator.scheduler.runs import failing_jobs, last_runs


def health_report(*, staff: bool) -> tuple[dict[str, object], bool]:
    """The report and whether the database answers.

    Degraded: pages answer, but a scheduled job (mail, deadlines) fails; the database
    answering is what a load balancer needs, while monitoring reads `status`. Error texts
    name hosts, tables and paths, so details are for the service's own staff only.
    """
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:
        database = f"error: {exc.__class__.__name__}"
    up = database == "ok"
    status = ("degraded" if failing_jobs() else "ok") if up else "down"
    body: dict[str, object] = {"status": status}
    if staff:
        body.update(database=database, jobs=last_runs() if up else {})
    return body, up
