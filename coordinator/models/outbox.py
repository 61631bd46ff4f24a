"""The transactional outbox: every notification, written with the change that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coordinator.extensions import Model
from coordinator.models.types import UTCDateTime, enum_column


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a dispatcher; reclaimed if it dies
    SENT = "sent"
    FAILED = "failed"  # permanent refusal, or gave up after many attempts


class OutboxMessage(Model):
    """One mail to one recipient, rendered at enqueue time with a stable Message-ID."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "state", "next_attempt_at"),
        # The per-recipient caps on mail a stranger can trigger look rows up this way.
        Index("ix_outbox_recipient_kind", "recipient", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Enqueueing the same key twice stores one row, e.g. invite:meeting:42:contact:17:seq:3.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(400))
    message_id: Mapped[str] = mapped_column(String(250))
    body: Mapped[str] = mapped_column(Text)  # the whole RFC 5322 message
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    state: Mapped[OutboxState] = mapped_column(enum_column(OutboxState, "outbox_state"),
                                               default=OutboxState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
