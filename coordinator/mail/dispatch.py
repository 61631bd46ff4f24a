"""Draining the outbox: claim due rows, send over one connection, mark each as it goes.

A row is claimed (state `sending`) in its own short transaction, then marked `sent` right
after the server accepts it. A dispatcher killed in between leaves at most the message
under way to be sent again, with the same Message-ID, once its claim expires.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, delete, select, text, update

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
    # A claim that expired is an attempt: a row that kills its dispatcher every time
    # (so never reaches a mark) ends failed after the maximum instead of looping forever.
    expired = ((OutboxMessage.state == OutboxState.SENDING)
               & (OutboxMessage.claimed_at < now - CLAIM_LEASE))
    session.execute(
        update(OutboxMessage)
        .where(expired, OutboxMessage.attempts + 1 >= MAX_ATTEMPTS)
        .values(state=OutboxState.FAILED, attempts=OutboxMessage.attempts + 1,
                claimed_at=None, last_error="gave up: the dispatcher stopped while sending it "
                "(its claim expired) too many times")
    )
    session.execute(
        update(OutboxMessage)
        .where(expired)
        .values(state=OutboxState.QUEUED, attempts=OutboxMessage.attempts + 1,
                last_error="claim expired: resent")
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


class Marks:
    """Writes each message's outcome the moment the server answers, one statement each.

    A connection of its own in autocommit mode: one round trip per message instead of a
    transaction (checkout, BEGIN, UPDATE, COMMIT), so the single-message resend guarantee
    costs little. PostgreSQL does not wait for the disk on these commits: losing the last
    few marks in a database crash only means a resend with the same Message-ID.
    """

    _SENT = text("UPDATE outbox SET state = 'sent', sent_at = :now, last_error = NULL, "
                 "attempts = attempts + 1 WHERE id = :id")

    def __init__(self) -> None:
        self.connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self.postgres = self.connection.dialect.name == "postgresql"
        if self.postgres:
            self.connection.execute(text("SET synchronous_commit TO OFF"))

    def sent(self, row_id: int, now: datetime) -> None:
        self.connection.execute(self._SENT, {"id": row_id, "now": _stored(now, self.postgres)})

    def update(self, row_id: int, **values: object) -> None:
        self.connection.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                                .values(**values))

    def retry(self, row_id: int, now: datetime, reason: str) -> None:
        attempts = (self.connection.scalar(select(OutboxMessage.attempts)
                                           .where(OutboxMessage.id == row_id)) or 0) + 1
        if attempts >= MAX_ATTEMPTS:
            self.update(row_id, state=OutboxState.FAILED, attempts=attempts,
                        last_error=f"gave up after {attempts} attempts: {reason}"[:1000])
            return
        self.update(row_id, state=OutboxState.QUEUED, attempts=attempts, claimed_at=None,
                    next_attempt_at=now + backoff(attempts), last_error=reason[:1000])

    def release(self, rows: list[tuple[int, str, str]], now: datetime, reason: str) -> int:
        for row_id, _, _ in rows:
            self.retry(row_id, now, reason)
        return len(rows)

    def close(self) -> None:
        if self.postgres:
            self.connection.execute(text("RESET synchronous_commit"))
        self.connection.close()


def _stored(moment: datetime, postgres: bool) -> datetime:
    """What UTCDateTime would bind (raw SQL skips the type): UTC, naive on SQLite."""
    moment = moment.astimezone(UTC)
    return moment if postgres else moment.replace(tzinfo=None)


def dispatch_batch(now: datetime, limit: int = 200) -> DispatchResult:
    """Send one batch of due messages over one connection, marking each as it goes."""
    result = DispatchResult()
    rows = claim(now, limit)
    if not rows:
        return result
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    marks = Marks()
    try:
        with open_channel() as channel:
            for index, (row_id, recipient, body) in enumerate(rows):
                try:
                    channel.send(Outgoing(recipient, sender, body.encode("utf-8"), str(row_id)))
                except PermanentFailure as exc:
                    marks.update(row_id, state=OutboxState.FAILED, last_error=str(exc)[:1000],
                                 attempts=OutboxMessage.attempts + 1)
                    result.failed += 1
                    continue
                except TemporaryFailure as exc:
                    if exc.connection_lost:
                        result.retried += marks.release(rows[index:], now, str(exc))
                        return result
                    marks.retry(row_id, now, str(exc))
                    result.retried += 1
                    continue
                except Exception as exc:  # one row must never stop the batch
                    log.exception("outbox row %s could not be sent", row_id)
                    marks.retry(row_id, now, f"{exc.__class__.__name__}: {exc}")
                    result.retried += 1
                    if not channel.recover():
                        result.retried += marks.release(rows[index + 1:], now,
                                                        "connection lost after an error")
                        return result
                    continue
                marks.sent(row_id, now)
                result.sent += 1
    except TemporaryFailure as exc:
        log.warning("mail server unavailable: %s", exc)
        result.retried += marks.release(rows[result.sent + result.failed + result.retried:],
                                        now, str(exc))
    finally:
        marks.close()
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


def prune_sent(now: datetime, *, keep: timedelta) -> int:
    """Forget messages sent longer ago than `keep` (failed ones stay for the outbox view).

    Their idempotency keys go with them: by then no change can ask for them again, since
    keys carry the meeting's SEQUENCE and the meeting is long past.
    """
    # A DELETE's result is a CursorResult, which has the rowcount; execute() types it Result.
    result = cast(CursorResult[Any], db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.state == OutboxState.SENT,
                                    OutboxMessage.sent_at < now - keep)))
    db.session.commit()
    return result.rowcount or 0
