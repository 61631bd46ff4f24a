"""The attendance register: whether a meeting was held, and which organisations came.

The tracker counts a meeting as held only from this record, never from its date alone:
a quarter is kept when its coordinator says the meeting took place.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.extensions import Model, db
from coordinator.models.meetings import Meeting
from coordinator.models.people import Organisation
from coordinator.models.types import UTCDateTime

attended_organisations = Table(
    "attended_organisations",
    db.metadata,
    Column("meeting_id", ForeignKey("meeting_attendance.meeting_id", ondelete="CASCADE"),
           primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
)


class MeetingAttendance(Model):
    """One meeting's record, written after it starts and corrected later if need be (each
    version is in the audit log)."""

    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            primary_key=True)
    held: Mapped[bool]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)  # first recorded
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=attended_organisations, order_by=Organisation.name)

    def __repr__(self) -> str:
        return f"<MeetingAttendance {self.meeting_id} held={self.held}>"
