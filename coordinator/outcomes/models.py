"""Minutes (a draft and its immutable published versions) and action items."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coordinator.extensions import Model
from coordinator.models.agenda import AgendaItem
from coordinator.models.meetings import Meeting, Series
from coordinator.models.people import Account, Organisation
from coordinator.models.places import Committee, Country
from coordinator.models.types import UTCDateTime, enum_column


class Minutes(Model):
    """A meeting's minutes as the coordinator is writing them: the draft, in Markdown.

    Publishing copies the draft into a new `MinutesVersion`; the draft stays editable
    for the next version. `text` is registered in content/fields.py, so translations
    hang on this row and are checked against each version's text by digest.
    """

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            unique=True)
    text: Mapped[str] = mapped_column(Text, default="")  # Markdown, checked on saving
    decisions: Mapped[list[str]] = mapped_column(JSON, default=list)
    written_in: Mapped[str | None] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(default=0)  # 0: never published
    dirty: Mapped[bool] = mapped_column(default=False)  # the draft differs from the last version
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    versions: Mapped[list[MinutesVersion]] = relationship(
        back_populates="minutes", order_by="MinutesVersion.version",
        cascade="all, delete-orphan")


class MinutesVersion(Model):
    """One published version, never changed afterwards (the record participants got)."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("minutes_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)  # Markdown as written
    html: Mapped[str] = mapped_column(Text)  # rendered and sanitised once, at publication
    decisions: Mapped[list[str]] = mapped_column(JSON, default=list)
    written_in: Mapped[str | None] = mapped_column(String(8))
    what_changed: Mapped[str | None] = mapped_column(Text)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                              ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)

    minutes: Mapped[Minutes] = relationship(back_populates="versions")


@event.listens_for(MinutesVersion, "before_update")
def _published_versions_stay(_mapper: Any, _connection: Any, target: MinutesVersion) -> None:
    # What was mailed to participants is the record: a correction is a new version.
    raise ValueError(f"minutes version {target.id} is published and cannot change")


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DROPPED = "dropped"  # with a reason

    @property
    def settled(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.DROPPED)


class ActionItem(Model):
    """Something someone agreed to do, owned by exactly one country's coordination, one
    committee, one organisation or one account, due on a date in the meeting's zone."""

    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN owner_country_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN owner_committee_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN owner_organisation_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN owner_account_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner"),
        CheckConstraint("status <> 'dropped' OR reason IS NOT NULL", name="dropped_reason"),
        Index("ix_action_items_series_status", "series_id", "status"),
        Index("ix_action_items_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    written_in: Mapped[str | None] = mapped_column(String(8))
    owner_country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"))
    owner_committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id"))
    owner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"))
    owner_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    zone: Mapped[str] = mapped_column(String(64))  # where `due_on` is a day (the meeting's)
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus, "action_status"),
                                                 default=ActionStatus.OPEN)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was dropped
    # Where it came from (any may be missing, or gone later).
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id",
                                                              ondelete="SET NULL"))
    minutes_id: Mapped[int | None] = mapped_column(ForeignKey("minutes.id",
                                                              ondelete="SET NULL"))
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"))
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestions.id", ondelete="SET NULL"))
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    series: Mapped[Series] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    owner_country: Mapped[Country | None] = relationship()
    owner_committee: Mapped[Committee | None] = relationship()
    owner_organisation: Mapped[Organisation | None] = relationship()
    owner_account: Mapped[Account | None] = relationship(foreign_keys=[owner_account_id])

    @property
    def owner_name(self) -> str:
        """The owner as people know it (a country's, committee's, organisation's or
        person's name)."""
        if self.owner_country is not None:
            return self.owner_country.name_en
        if self.owner_committee is not None:
            return self.owner_committee.name_en
        who = self.owner_organisation or self.owner_account
        return who.name if who is not None else ""


class FollowUp(Model):
    """The "Follow-up on action items" item put on a meeting's draft agenda, once: found
    again on the next publication of the minutes, and not put back if someone removed it."""

    __tablename__ = "action_item_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            unique=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    agenda_item: Mapped[AgendaItem | None] = relationship()
