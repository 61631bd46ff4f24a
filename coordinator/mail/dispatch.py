"""Draining the outbox: claim due rows, send over one connection, mark each as it goes.

A row is claimed (state `sending`) in its own short transaction, then marked `sent` right
after the server accepts it. A dispatcher killed in between leaves at most the message
under way to be sent again, with the same Message-ID, once its claim expires.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, text, update

from coordinator.extensions import db
from coordinator.mail.transport import Outgoing, PermanentFailure, TemporaryFailure, open_channel
from coordinator.models import OutboxMessage, OutboxState

log = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 20  # about four days of back-off
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=6)


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    def __iadd__(self, other: DispatchResult) -> DispatchResult:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        return self


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to 6 h between tries."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def claim(now: datetime, limit: int) -> list[tuple[int, str, str]]:
    """Take up to `limit` due rows for this process: (id, recipient, body).

    PostgreSQL: FOR UPDATE SKIP LOCKED, so parallel dispatchers never take the same row.
    SQLite has one writer at a time, and the scheduler's leader lock keeps one dispatcher.
    """
    session = db.session
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.SENDING,
               OutboxMessage.claimed_at < now - CLAIM_LEASE)
        .values(state=OutboxState.QUEUED, last_error="claim expired: resent")
    )
    query = (select(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.body)
             .where(OutboxMessage.state == OutboxState.QUEUED,
                    OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
             .limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = [tuple(r) for r in session.execute(query)]
    if rows:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id.in_([r[0] for r in rows]))
                        .values(state=OutboxState.SENDING, claimed_at=now))
    session.commit()
    return rows  # type: ignore[return-value]


def _mark(row_id: int, **values: object) -> None:
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        # Losing the last few marks in a database crash only means a resend with the same
        # Message-ID; not waiting for the disk per message keeps the dispatcher fast.
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))
    session.commit()


def _release(rows: list[tuple[int, str, str]], now: datetime, reason: str) -> int:
    for row_id, _, _ in rows:
        _retry(row_id, now, reason)
    return len(rows)


def _retry(row_id: int, now: datetime, reason: str) -> None:
    attempts = db.session.scalar(select(OutboxMessage.attempts)
                                 .where(OutboxMessage.id == row_id)) or 0
    attempts += 1
    if attempts >= MAX_ATTEMPTS:
        _mark(row_id, state=OutboxState.FAILED, attempts=attempts,
              last_error=f"gave up after {attempts} attempts: {reason}"[:1000])
        return
    _mark(row_id, state=OutboxState.QUEUED, attempts=attempts, claimed_at=None,
          next_attempt_at=now + backoff(attempts), last_error=reason[:1000])


def dispatch_batch(now: datetime, limit: int = 200) -> DispatchResult:
    """Send one batch of due messages over one connection."""
    result = DispatchResult()
    rows = claim(now, limit)
    if not rows:
        return result
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    try:
        with open_channel() as channel:
            for index, (row_id, recipient, body) in enumerate(rows):
                try:
                    channel.send(Outgoing(recipient, sender, body.encode("utf-8"), str(row_id)))
                except PermanentFailure as exc:
                    _mark(row_id, state=OutboxState.FAILED, last_error=str(exc)[:1000],
                          attempts=OutboxMessage.attempts + 1)
                    result.failed += 1
                    continue
                except TemporaryFailure as exc:
                    if exc.connection_lost:
                        result.retried += _release(rows[index:], now, str(exc))
                        return result
                    _retry(row_id, now, str(exc))
                    result.retried += 1
                    continue
                _mark(row_id, state=OutboxState.SENT, sent_at=now, last_error=None,
                      attempts=OutboxMessage.attempts + 1)
                result.sent += 1
    except TemporaryFailure as exc:
        log.warning("mail server unavailable: %s", exc)
        result.retried += _release(rows[result.sent + result.failed + result.retried:], now,
                                   str(exc))
    return result


def dispatch(now: datetime, *, limit: int = 200, max_batches: int = 50) -> DispatchResult:
    """Drain what is due now, batch after batch (bounded, so a job tick stays short)."""
    total = DispatchResult()
    for _ in range(max_batches):
        result = dispatch_batch(now, limit)
        total += result
        if result.sent + result.failed + result.retried < limit or result.retried:
            break
    if total.sent or total.failed or total.retried:
        log.info("dispatched: %s", total)
    return total


def settings_summary() -> str:
    server = current_app.config.get("MAIL_SERVER")
    return f"SMTP {server}:{current_app.config.get('MAIL_PORT')}" if server else \
        f"files in {current_app.config['MAIL_FOLDER']}"
