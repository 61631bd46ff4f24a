"""Who is invited to which meeting, what they answered, and which deadlines are pending."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.extensions import Model
from coordinator.models.meetings import Meeting, ParticipantRole
from coordinator.models.people import Account, Contact
from coordinator.models.types import UTCDateTime, enum_column


class Answer(StrEnum):
    """RFC 5545 PARTSTAT values a participant can give."""

    NEEDS_ACTION = "needs-action"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TENTATIVE = "tentative"


class Invitation(Model):
    """A contact (or an account: a government coordinator at the special coordinators'
    meeting) invited to a meeting: the ATTENDEE of its invitations, and their answer."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("meeting_id", "contact_id"),
        UniqueConstraint("meeting_id", "account_id"),
        CheckConstraint("(contact_id IS NULL) <> (account_id IS NULL)", name="invitee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(
        enum_column(ParticipantRole, "invitation_role"), default=ParticipantRole.INVITED)
    answer: Mapped[Answer] = mapped_column(enum_column(Answer, "invitation_answer"),
                                           default=Answer.NEEDS_ACTION)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    speaks_language: Mapped[str | None] = mapped_column(String(8))
    interpretation_into: Mapped[str | None] = mapped_column(String(8))
    # SEQUENCE of the last REQUEST queued for this person; None until first invited.
    sent_sequence: Mapped[int | None]
    cancelled: Mapped[bool] = mapped_column(default=False)  # a CANCEL went to this person
    token_version: Mapped[int] = mapped_column(default=1)  # bump to revoke personal links
    suggest_version: Mapped[int] = mapped_column(default=1)  # bump to re-issue the topic link
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    # Typed as always present: every invitation to an organisation's people has one; the
    # few that go to an account (`account_id`) are handled where `invitee` is read.
    contact: Mapped[Contact] = relationship()
    account: Mapped[Account | None] = relationship()

    @property
    def invitee(self) -> Contact | Account:
        """The person invited: name, address, language and zone for their mail."""
        if self.contact_id is not None:
            return self.contact
        assert self.account is not None  # the CHECK constraint holds one of the two
        return self.account


class DeadlineKind(StrEnum):
    INVITATIONS = "invitations"  # the meeting enters the invitation horizon
    REMINDER = "reminder"  # offset_days before the start
    SUGGESTIONS_OPEN = "suggestions-open"  # personal topic links go out
    AGENDA_REMINDER = "agenda-reminder"  # coordinator: offset_days before the agenda is due


class Deadline(Model):
    """A moment at which the scheduler must act for a meeting; done once, re-armed on moves.

    Jobs ask only "which deadlines are due and not done", through a partial index, so a
    tick costs the same with a thousand meetings or a million.
    """

    __tablename__ = "deadlines"
    __table_args__ = (
        UniqueConstraint("meeting_id", "kind", "offset_days"),
        Index("ix_deadlines_pending", "due_at", postgresql_where=text("done_at IS NULL"),
              sqlite_where=text("done_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    kind: Mapped[DeadlineKind] = mapped_column(enum_column(DeadlineKind, "deadline_kind"))
    offset_days: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()


class JobRun(Model):
    """When each scheduler job last ran and succeeded, for /healthz in every process."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Which process ran it last ("host:pid"): with several schedulers, only the leader.
    runner: Mapped[str | None] = mapped_column(String(100))
