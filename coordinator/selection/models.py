"""Calls for civil-society participation in high-level meetings, applications, reviews and
the selection (issue 17; recommendations 1, 2 and 12).

A call belongs to one high-level meeting and offers its civil-society seats. Its criteria
(weighted) and diversity targets are published with it; organisations apply through a
contact's personal link; reviewers appointed to the call (the secretariat's staff and its
civil-society members) declare conflicts and score; the proposed selection, any change to
it with its public reason, and the results are kept here.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.extensions import Model
from coordinator.models.types import UTCDateTime, enum_column

if TYPE_CHECKING:
    from coordinator.models import Account, Contact, Meeting, Organisation


class CriterionKey(StrEnum):
    """What a criterion weighs (recommendation 2's categories, and continuity with the
    other regional mechanisms, recommendation 12)."""

    CATEGORY = "category"  # service provider, research, advocacy...
    SCOPE = "scope"  # local, national, regional
    COUNTRIES = "countries"
    LANGUAGES = "languages"
    CONTINUITY = "continuity"  # takes part in other regional mechanisms
    LED_BY = "led-by"  # led by indigenous people, refugees, migrants, Black people...
    OTHER = "other"


class TargetKind(StrEnum):
    LED_BY = "led-by"  # at least `minimum` seats for organisations led by `value`
    COUNTRY = "country"  # at least `minimum` seats for organisations of country `value`
    EACH_COUNTRY = "each-country"  # at least one seat per country where applicants exist


class Mechanism(StrEnum):
    """The other regional mechanisms an organisation may take part in (recommendation 12)."""

    RCM = "rcm"  # Regional Conference on Migration (Puebla Process)
    CSM = "csm"  # South American Conference on Migration
    QUITO = "quito"  # Quito Process
    MIRPS = "mirps"  # Comprehensive Regional Protection and Solutions Framework
    CARTAGENA = "cartagena"  # Cartagena +40
    MERCOSUR = "mercosur"
    CARICOM = "caricom"
    UN_NETWORK = "un-network"  # UN Regional Network on Migration
    OTHER = "other"


class ApplicationState(StrEnum):
    SUBMITTED = "submitted"  # editable until the call closes
    WITHDRAWN = "withdrawn"
    OFFERED = "offered"  # selected: invited, waiting for the organisation's confirmation
    CONFIRMED = "confirmed"
    DECLINED = "declined"  # the organisation declined the seat
    EXPIRED = "expired"  # no answer by the deadline: the seat went to the waiting list
    WAITING = "waiting"  # on the waiting list
    UNSUCCESSFUL = "unsuccessful"  # not selected once the waiting list closed, or never


class Call(Model):
    """A call for participation: a high-level meeting's civil-society seats."""

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint("seats_in_person >= 0 AND seats_online >= 0"
                        " AND seats_in_person + seats_online > 0", name="call_has_seats"),
        CheckConstraint("closes_at > opens_at", name="call_closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    written_in: Mapped[str | None] = mapped_column(String(8))
    seats_in_person: Mapped[int]
    seats_online: Mapped[int] = mapped_column(default=0)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    selection_on: Mapped[date] = mapped_column(Date)  # when results are due (published)
    respond_days: Mapped[int] = mapped_column(default=7)  # to confirm an offered seat
    anonymised: Mapped[bool] = mapped_column(default=False)  # reviewers see no names
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the call, public
    results_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the selection, public
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="Criterion.position")
    targets: Mapped[list[DiversityTarget]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="DiversityTarget.id")
    reviewers: Mapped[list[Reviewer]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="Reviewer.id")

    @property
    def seats(self) -> int:
        return self.seats_in_person + self.seats_online


class Criterion(Model):
    """A published criterion with its weight (1 to 10); reviewers score each 0 to 5."""

    __tablename__ = "call_criteria"
    __table_args__ = (CheckConstraint("weight BETWEEN 1 AND 10", name="criterion_weight"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         index=True)
    key: Mapped[CriterionKey] = mapped_column(enum_column(CriterionKey, "criterion_key"))
    description: Mapped[str] = mapped_column(Text)
    written_in: Mapped[str | None] = mapped_column(String(8))
    weight: Mapped[int]
    position: Mapped[int]

    call: Mapped[Call] = relationship(back_populates="criteria")


class DiversityTarget(Model):
    """A minimum number of seats the selection meets before the ranking fills the rest."""

    __tablename__ = "call_targets"
    __table_args__ = (CheckConstraint("minimum >= 1", name="target_minimum"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind, "target_kind"))
    value: Mapped[str | None] = mapped_column(String(32))  # a LedBy value or an ISO code
    minimum: Mapped[int] = mapped_column(default=1)

    call: Mapped[Call] = relationship(back_populates="targets")


class Application(Model):
    """One organisation's application to a call, sent and edited by a contact's link."""

    __tablename__ = "call_applications"
    __table_args__ = (
        UniqueConstraint("call_id", "organisation_id", name="one_application_per_call"),
        Index("ix_call_applications_call_state", "call_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id",
                                                            ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id",
                                                              ondelete="SET NULL"))
    form_key: Mapped[str | None] = mapped_column(String(64))  # the form last submitted
    motivation: Mapped[str] = mapped_column(Text)
    written_in: Mapped[str | None] = mapped_column(String(8))
    # Who would attend: [{"name": ..., "role": ...}], one to three people.
    attendees: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    online: Mapped[bool] = mapped_column(default=False)  # would take an online seat
    interpretation: Mapped[list[str]] = mapped_column(JSON, default=list)  # languages
    accessibility: Mapped[str | None] = mapped_column(Text)
    mechanisms: Mapped[list[str]] = mapped_column(JSON, default=list)  # Mechanism values
    other_mechanism: Mapped[str | None] = mapped_column(String(200))
    consent_publish: Mapped[bool] = mapped_column(default=False)  # named if selected
    state: Mapped[ApplicationState] = mapped_column(
        enum_column(ApplicationState, "application_state"),
        default=ApplicationState.SUBMITTED)
    waiting_rank: Mapped[int | None]  # place on the waiting list, from 1
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    respond_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)  # told to an unsuccessful applicant
    reason_written_in: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    call: Mapped[Call] = relationship()
    organisation: Mapped[Organisation] = relationship()
    contact: Mapped[Contact | None] = relationship()


class Reviewer(Model):
    """An account appointed to review one call's applications."""

    __tablename__ = "call_reviewers"
    __table_args__ = (UniqueConstraint("call_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    call: Mapped[Call] = relationship(back_populates="reviewers")
    account: Mapped[Account] = relationship()


class Conflict(Model):
    """A reviewer's declared conflict of interest with one application: no score."""

    __tablename__ = "call_conflicts"
    __table_args__ = (UniqueConstraint("reviewer_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("call_reviewers.id",
                                                        ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("call_applications.id",
                                                           ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Review(Model):
    """A reviewer's scores of one application, per criterion (0 to 5)."""

    __tablename__ = "call_reviews"
    __table_args__ = (UniqueConstraint("reviewer_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("call_reviewers.id",
                                                        ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(ForeignKey("call_applications.id",
                                                           ondelete="CASCADE"), index=True)
    scores: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # criterion id -> 0..5
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    reviewer: Mapped[Reviewer] = relationship()


class Selection(Model):
    """The proposed selection of a call and the selection as decided (the same unless the
    secretariat changed it, each change a Deviation with its public reason)."""

    __tablename__ = "call_selections"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         unique=True)
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON)  # proposal.Proposal, as data
    selected: Mapped[list[int]] = mapped_column(JSON)  # application ids
    waiting: Mapped[list[int]] = mapped_column(JSON)  # application ids, in order
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Deviation(Model):
    """A change to the proposed selection, with the reason published beside the results."""

    __tablename__ = "call_deviations"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"),
                                         index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("call_applications.id",
                                                           ondelete="CASCADE"))
    change: Mapped[str] = mapped_column(String(16))  # "added" or "removed"
    reason: Mapped[str] = mapped_column(Text)
    written_in: Mapped[str | None] = mapped_column(String(8))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
