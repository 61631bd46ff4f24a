"""When each job last ran and succeeded, kept in the database so every process can tell."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import JobRun


def _row(name: str) -> JobRun:
    db.session.rollback()  # a failed job may have left the session unusable
    row = db.session.get(JobRun, name)
    if row is None:
        row = JobRun(name=name)
        db.session.add(row)
    return row


def runner() -> str:
    """This process, as "host:pid" (read at each run: a forked process has its own pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def record_start(name: str, when: datetime) -> None:
    row = _row(name)
    row.last_started_at, row.runner = when, runner()
    db.session.commit()


def record_success(name: str, when: datetime) -> None:
    _row(name).last_success_at = when
    db.session.commit()


def record_failure(name: str, when: datetime, error: BaseException) -> None:
    row = _row(name)
    row.last_error, row.last_error_at = f"{error.__class__.__name__}: {error}"[:1000], when
    db.session.commit()


def last_runs() -> dict[str, dict[str, str | None]]:
    return {
        row.name: {
            "last_success": row.last_success_at.isoformat() if row.last_success_at else None,
            "last_error": row.last_error,
            "last_error_at": row.last_error_at.isoformat() if row.last_error_at else None,
        }
        for row in db.session.scalars(select(JobRun).order_by(JobRun.name))
    }


@dataclass(frozen=True)
class FailingJob:
    name: str
    error: str
    since: datetime


def failing_jobs() -> list[FailingJob]:
    """Jobs whose latest run failed: an error and no success since (the dispatcher among
    them means mail is waiting). Pages and /healthz show them, so nobody finds out late."""
    rows = db.session.scalars(select(JobRun).where(JobRun.last_error_at.is_not(None))
                              .order_by(JobRun.name))
    return [FailingJob(row.name, row.last_error or "", row.last_error_at)
            for row in rows if row.last_error_at is not None
            and (row.last_success_at is None or row.last_error_at > row.last_success_at)]
