"""Putting a composed message in the outbox, once per idempotency key."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from coordinator.extensions import DbSession
from coordinator.mail.compose import Envelope, Outgoing, serialise
from coordinator.mail.kinds import MailKind
from coordinator.models import AuditEntry, Contact, OutboxMessage, OutboxState

__all__ = ["Envelope", "Outgoing", "already_queued", "enqueue", "opted_out",
           "stranger_may_trigger"]


def enqueue(session: DbSession, outgoing: Outgoing, now: datetime) -> bool:
    """Store the message unless its key is already there; True when a row was added.

    INSERT ... ON CONFLICT DO NOTHING, so two transactions racing on the same key store
    one row and neither fails.
    """
    envelope, message = outgoing.envelope, outgoing.message
    if opted_out(session, envelope):
        # Not stored: the contact chose not to receive this kind. The audit log says what
        # was withheld, so "why did they not get the reminder?" has an answer.
        session.add(AuditEntry(at=now, actor="outbox", action="mail.suppressed",
                               entity="contact", entity_id=envelope.contact_id,
                               details={"kind": str(envelope.kind), "key": envelope.key}))
        return False
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


# Links whose newer version voids the one before: once a contact holds one, the next is
# essential (a topic link renewed on request must arrive, or the person is locked out).
VOIDS_THE_LAST = frozenset({MailKind.SUGGEST_LINK})


def opted_out(session: DbSession, envelope: Envelope) -> bool:
    """Whether the message is non-essential and its contact switched such mail off."""
    kind = MailKind(envelope.kind)
    if envelope.contact_id is None or kind.essential:
        return False
    wanted = session.scalar(select(Contact.non_essential_mail)
                            .where(Contact.id == envelope.contact_id))
    if wanted is not False:
        return False
    if kind in VOIDS_THE_LAST:
        held = session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.contact_id == envelope.contact_id,
            OutboxMessage.meeting_id == envelope.meeting_id,
            OutboxMessage.kind == str(kind)).limit(1))
        return held is None
    return True


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
