"""Series (rules), meetings (rows materialised from them) and who takes part."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.cadence.deadlines import DeadlineOffsets, Deadlines, deadlines_for
from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.recurrence import Recurrence
from coordinator.cadence.schedule import RuleSegment
from coordinator.cadence.zones import get_zone
from coordinator.extensions import Model
from coordinator.models.people import Account, Contact, Organisation
from coordinator.models.places import Committee, Country
from coordinator.models.types import UTCDateTime, enum_column


class Series(Model):
    """A cadence: the rule and deadlines by which a body meets civil society."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SeriesKind] = mapped_column(enum_column(SeriesKind, "series_kind"))
    # None: the kind's own title, shown in each reader's language.
    title: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # The language the coordinator wrote title, description and justification in.
    written_in: Mapped[str | None] = mapped_column(String(8))
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id"))
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    # Whose public holidays move the meetings (None: no shifting, e.g. online regional calls).
    holiday_country: Mapped[str | None] = mapped_column(String(2))
    # False: a meeting the rule puts on a weekly rest day moves to a working day.
    allow_weekends: Mapped[bool] = mapped_column(default=False, server_default=false())
    location: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    held_by: Mapped[date | None] = mapped_column(Date)  # regional joint work-plan deadline
    suggestions_open_days: Mapped[int] = mapped_column(default=42)
    suggestions_close_days: Mapped[int] = mapped_column(default=21)
    agenda_due_days: Mapped[int] = mapped_column(default=14)
    reminder_days: Mapped[list[int]] = mapped_column(JSON, default=lambda: [7, 1])
    short_notice_justification: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    country: Mapped[Country | None] = relationship()
    committee: Mapped[Committee | None] = relationship()
    coordinator: Mapped[Account | None] = relationship()
    rules: Mapped[list[SeriesRule]] = relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="SeriesRule.id"
    )
    meetings: Mapped[list[Meeting]] = relationship(back_populates="series",
                                                   order_by="Meeting.start_at")

    @property
    def offsets(self) -> DeadlineOffsets:
        return DeadlineOffsets(self.suggestions_open_days, self.suggestions_close_days,
                               self.agenda_due_days, tuple(self.reminder_days or ()))

    @property
    def current_rule(self) -> SeriesRule:
        return self.rules[-1]

    def segments(self) -> list[RuleSegment]:
        return [rule.segment() for rule in self.rules]

    def __repr__(self) -> str:
        return f"<Series {self.id} {self.kind} {self.title!r}>"


class SeriesRule(Model):
    """One version of a series' rule; changing the rule from a date on adds a version."""

    __tablename__ = "series_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    rrule: Mapped[str | None] = mapped_column(String(500))  # None: a one-off meeting
    first_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time] = mapped_column(Time)  # wall-clock time in `zone`
    zone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int]
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    series: Mapped[Series] = relationship(back_populates="rules")

    def recurrence(self) -> Recurrence:
        return Recurrence(self.first_date, self.start_time, self.zone, self.rrule)

    def segment(self) -> RuleSegment:
        return RuleSegment(self.recurrence(), timedelta(minutes=self.duration_minutes),
                           self.valid_from, self.valid_until)


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Meeting(Model):
    """One dated meeting. Its UID never changes; SEQUENCE grows with every material change."""

    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("series_id", "occurrence_key"),
        Index("ix_meetings_start_at", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    # The rule's slot this meeting fills (local date and time), so materialising twice
    # finds it again even after a holiday shift or an individual move.
    occurrence_key: Mapped[str] = mapped_column(String(32))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    zone: Mapped[str] = mapped_column(String(64))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus, "meeting_status"), default=MeetingStatus.SCHEDULED
    )
    sequence: Mapped[int] = mapped_column(default=0)  # RFC 5545 3.8.7.4
    moved: Mapped[bool] = mapped_column(default=False)  # moved on its own, off the rule
    shifted_from: Mapped[date | None] = mapped_column(Date)  # the holiday it was moved off
    holiday_name: Mapped[str | None] = mapped_column(String(200))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    written_in: Mapped[str | None] = mapped_column(String(8))  # the cancel reason's language
    location: Mapped[str | None] = mapped_column(String(300))
    online_url: Mapped[str | None] = mapped_column(String(500))
    agenda_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    agenda_version: Mapped[int] = mapped_column(default=0)  # 0: never published
    # The items as last published (the draft lives in agenda_items until published again).
    published_agenda: Mapped[list[dict] | None] = mapped_column(JSON)
    # The agenda was edited after its last publication (a new version awaits publishing).
    agenda_dirty: Mapped[bool] = mapped_column(default=False)
    hold_outcomes: Mapped[bool] = mapped_column(default=False)  # announce answers together
    # Recommendation 8: the special coordinators' meetings are held in convening (host)
    # countries in turn, with that country's national CSOs as observers.
    host_country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    series: Mapped[Series] = relationship(back_populates="meetings")
    host_country: Mapped[Country | None] = relationship()

    @property
    def start_local(self) -> datetime:
        return self.start_at.astimezone(get_zone(self.zone))

    @property
    def end_local(self) -> datetime:
        return self.end_at.astimezone(get_zone(self.zone))

    @property
    def cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def deadlines(self) -> Deadlines:
        return deadlines_for(self.start_local, self.series.offsets)

    @property
    def effective_location(self) -> str | None:
        return self.location or self.series.location

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.start_at:%Y-%m-%d %H:%M}Z {self.status}>"


class ParticipantRole(StrEnum):
    INVITED = "invited"
    OBSERVER = "observer"  # recommendation 8: CSOs observing the special coordinators' meetings
    REPRESENTATIVE = "representative"  # recommendation 4: the committee's CSO representative


class Participant(Model):
    """An organisation, contact or account (a government coordinator, in the special
    coordinators' meetings) invited to every meeting of a series, or to one meeting."""

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint("(series_id IS NULL) <> (meeting_id IS NULL)", name="one_target"),
        CheckConstraint("organisation_id IS NOT NULL OR contact_id IS NOT NULL "
                        "OR account_id IS NOT NULL", name="who"),
        UniqueConstraint("series_id", "meeting_id", "organisation_id", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    role: Mapped[ParticipantRole] = mapped_column(
        enum_column(ParticipantRole, "participant_role"), default=ParticipantRole.INVITED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    series: Mapped[Series | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    account: Mapped[Account | None] = relationship()

    @property
    def name(self) -> str:
        """Who this is, for lists: the organisation's, contact's or account's name."""
        who = self.organisation or self.contact or self.account
        return who.name if who is not None else ""
