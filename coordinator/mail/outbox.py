"""Putting a composed message in the outbox, once per idempotency key."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from coordinator.extensions import DbSession
from coordinator.mail.compose import Envelope, Outgoing, serialise
from coordinator.mail.kinds import MailKind
from coordinator.models import OutboxMessage, OutboxState

__all__ = ["Envelope", "Outgoing", "already_queued", "enqueue", "stranger_may_trigger"]


def enqueue(session: DbSession, outgoing: Outgoing, now: datetime) -> bool:
    """Store the message unless its key is already there; True when a row was added.

    INSERT ... ON CONFLICT DO NOTHING, so two transactions racing on the same key store
    one row and neither fails.
    """
    envelope, message = outgoing.envelope, outgoing.message
    values = {
        "key": envelope.key, "kind": str(envelope.kind), "recipient": envelope.recipient,
        "language": envelope.language, "subject": str(message["Subject"])[:400],
        "message_id": str(message["Message-ID"]), "body": serialise(message),
        "meeting_id": envelope.meeting_id, "contact_id": envelope.contact_id,
        "account_id": envelope.account_id, "state": OutboxState.QUEUED.value, "attempts": 0,
        "next_attempt_at": now, "created_at": now,
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(OutboxMessage).values(**values).on_conflict_do_nothing(
        index_elements=["key"]).returning(OutboxMessage.id)
    return session.execute(statement).scalar() is not None


# Mail a stranger can make the service send to any address (password resets, registration
# confirmations, feed and proposal links): at most one per address and kind a quarter of an
# hour, and a few a day, so nobody can use the service to flood someone's mailbox.
STRANGER_GAP = timedelta(minutes=15)
STRANGER_DAILY = 4


def stranger_may_trigger(session: DbSession, recipient: str, kind: MailKind,
                         now: datetime) -> bool:
    """Whether another such message may go to `recipient` now (the page answers the same
    either way, so a refusal tells the asker nothing)."""
    count, last = session.execute(
        select(func.count(OutboxMessage.id), func.max(OutboxMessage.created_at)).where(
            OutboxMessage.recipient == recipient,  # as stored: the account's or contact's
            OutboxMessage.kind == str(kind),
            OutboxMessage.created_at > now - timedelta(days=1))).one()
    return count < STRANGER_DAILY and (last is None or last <= now - STRANGER_GAP)


def already_queued(session: DbSession, key: str) -> bool:
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is not None
