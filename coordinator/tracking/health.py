"""What `/healthz` reports: whether the database answers, and the scheduler's jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from coordinator.extensions import db
from coordinator.models import OutboxMessage
from coordinator.scheduler.runs import failing_jobs, last_runs
from coordinator.tracking.outbox import mail_backlog


def health_report(*, staff: bool, now: datetime) -> tuple[dict[str, object], bool]:
    """The report and whether the database answers.

    Degraded: pages answer, but a scheduled job (mail, deadlines) fails, or mail cannot go
    out right now (messages retrying, or due and waiting too long: an SMTP outage shows
    before any message fails); the database answering is what a load balancer needs,
    while monitoring reads `status`. Error texts name hosts, tables and paths, so details
    are for the service's own staff only.
    """
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as exc:
        database = f"error: {exc.__class__.__name__}"
    up = database == "ok"
    backlog = mail_backlog(select(OutboxMessage), now) if up else None
    mail = backlog.state if backlog is not None else "unknown"
    status = ("degraded" if failing_jobs() or mail != "ok" else "ok") if up else "down"
    body: dict[str, object] = {"status": status}
    if staff:
        body.update(database=database, jobs=last_runs() if up else {}, mail=mail)
        if backlog is not None and backlog.stuck:
            body.update(mail_retrying=backlog.retrying, mail_delayed=backlog.delayed,
                        mail_oldest_queued_at=backlog.oldest_queued_at.isoformat()
                        if backlog.oldest_queued_at else None)
    return body, up
