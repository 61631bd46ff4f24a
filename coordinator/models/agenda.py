"""Agendas, the topics CSOs suggest for them, and written proposals between briefings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.extensions import Model
from coordinator.models.meetings import Meeting
from coordinator.models.people import Contact
from coordinator.models.places import Committee
from coordinator.models.types import UTCDateTime, enum_column


class ItemKind(StrEnum):
    PROGRESS = "progress"  # progress on government commitments
    CSO_PROPOSAL = "cso-proposal"
    DISCUSSION = "discussion"
    OTHER = "other"  # any other business


class AgendaItem(Model):
    __tablename__ = "agenda_items"
    # AUTOINCREMENT on SQLite: a removed item's id is never reused, so comparing two
    # published versions by id tells additions from edits.
    __table_args__ = (Index("ix_agenda_items_meeting", "meeting_id", "position"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind, "agenda_item_kind"))
    title: Mapped[str] = mapped_column(String(200))
    presenter: Mapped[str | None] = mapped_column(String(200))
    duration_minutes: Mapped[int] = mapped_column(default=15)
    language: Mapped[str | None] = mapped_column(String(8))  # spoken at the meeting
    written_in: Mapped[str | None] = mapped_column(String(8))  # the title's language
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestions.id", ondelete="SET NULL"))
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()

    def snapshot(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind.value, "title": self.title,
                "presenter": self.presenter, "duration": self.duration_minutes,
                "language": self.language, "written_in": self.written_in}


class AgendaPublication(Model):
    """Each published version of an agenda, kept whole, so a new one can say what changed."""

    __tablename__ = "agenda_publications"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    version: Mapped[int]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SuggestionState(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"  # put on the agenda
    MERGED = "merged"  # joined with another suggestion
    DEFERRED = "deferred"  # moved to the next meeting of the series
    DECLINED = "declined"
    # Accepted, then its item was taken off the agenda (removed from the draft, or from
    # the published agenda by a new version): it is no longer "on the agenda".
    OFF_AGENDA = "off-agenda"


class Suggestion(Model):
    """A topic a participant proposes for a meeting's agenda through their personal link."""

    __tablename__ = "suggestions"
    __table_args__ = (
        # The form's one-time key: a double submit (or a retry after a timeout) stores one.
        UniqueConstraint("contact_id", "form_key"),
        Index("ix_suggestions_meeting", "meeting_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    form_key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(8))
    minutes_needed: Mapped[int] = mapped_column(default=10)
    show_name: Mapped[bool] = mapped_column(default=False)  # consent to publish who proposed
    state: Mapped[SuggestionState] = mapped_column(
        enum_column(SuggestionState, "suggestion_state"), default=SuggestionState.SUBMITTED)
    reason: Mapped[str | None] = mapped_column(Text)  # the coordinator's reason, made public
    reason_language: Mapped[str | None] = mapped_column(String(8))  # the reason's language
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestions.id", ondelete="SET NULL"))
    deferred_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Governments may announce their answers together: None while an outcome is held.
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(foreign_keys=[meeting_id])
    contact: Mapped[Contact] = relationship()
    deferred_to: Mapped[Meeting | None] = relationship(foreign_keys=[deferred_to_id])


class ProposalState(StrEnum):
    RECEIVED = "received"
    UNDER_CONSIDERATION = "under-consideration"
    ANSWERED = "answered"
    ON_AGENDA = "on-agenda"  # added to the agenda of a briefing


class Proposal(Model):
    """A written proposal to a committee between briefings (recommendation 5)."""

    __tablename__ = "proposals"
    __table_args__ = (UniqueConstraint("contact_id", "form_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committees.id", ondelete="CASCADE"),
                                              index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    form_key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    # Consent to publish who proposed: the organisation's name on a briefing's agenda and in
    # the committee's public summary. Off unless the proposer ticks it.
    show_name: Mapped[bool] = mapped_column(default=False, server_default=false())
    state: Mapped[ProposalState] = mapped_column(enum_column(ProposalState, "proposal_state"),
                                                 default=ProposalState.RECEIVED)
    answer: Mapped[str | None] = mapped_column(Text)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    committee: Mapped[Committee] = relationship()
    contact: Mapped[Contact] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
