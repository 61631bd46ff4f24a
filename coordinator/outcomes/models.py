"""Minutes (a draft and its immutable published versions), action items, commitments
with their timeline, the joint work plan, indicators and civil-society contributions."""

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
from coordinator.models.people import Account, Contact, Organisation
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


# --- commitments, the joint work plan, indicators, contributions (issue 16, 3 and 4) ------

class CommitmentStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    ACHIEVED = "achieved"
    PARTLY_ACHIEVED = "partly-achieved"
    NOT_ACHIEVED = "not-achieved"
    DROPPED = "dropped"  # with a reason


class Commitment(Model):
    """What a government (a country's coordination, or a committee) committed to do, by
    when, under which pillar and action package; its progress is a public timeline."""

    __tablename__ = "commitments"
    __table_args__ = (
        CheckConstraint("(country_id IS NULL) <> (committee_id IS NULL)",
                        name="one_responsible"),
        CheckConstraint("target_on >= start_on", name="target_after_start"),
        CheckConstraint("status <> 'dropped' OR reason IS NOT NULL",
                        name="commitment_dropped_reason"),
        Index("ix_commitments_country", "country_id"),
        Index("ix_commitments_committee", "committee_id"),
        Index("ix_commitments_pillar_status", "pillar", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    written_in: Mapped[str | None] = mapped_column(String(8))
    country_id: Mapped[int | None] = mapped_column(ForeignKey("countries.id"))
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id"))
    pillar: Mapped[str] = mapped_column(String(4))
    action_package_id: Mapped[int | None] = mapped_column(ForeignKey("committees.id"))
    start_on: Mapped[date] = mapped_column(Date)
    target_on: Mapped[date] = mapped_column(Date)
    status: Mapped[CommitmentStatus] = mapped_column(
        enum_column(CommitmentStatus, "commitment_status"), default=CommitmentStatus.PLANNED)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was dropped
    reason_written_in: Mapped[str | None] = mapped_column(String(8))
    made_at_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id",
                                                              ondelete="SET NULL"))
    reviewed_at_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id",
                                                                  ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    country: Mapped[Country | None] = relationship(foreign_keys=[country_id])
    committee: Mapped[Committee | None] = relationship(foreign_keys=[committee_id])
    action_package: Mapped[Committee | None] = relationship(foreign_keys=[action_package_id])
    made_at: Mapped[Meeting | None] = relationship(foreign_keys=[made_at_id])
    reviewed_at: Mapped[Meeting | None] = relationship(foreign_keys=[reviewed_at_id])
    timeline: Mapped[list[CommitmentUpdate]] = relationship(
        back_populates="commitment", cascade="all, delete-orphan",
        order_by="(CommitmentUpdate.dated, CommitmentUpdate.id)")
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="commitment", cascade="all, delete-orphan", order_by="Indicator.id")


class CommitmentUpdate(Model):
    """One dated entry of a commitment's public timeline, with where it comes from: a
    meeting, a document's address, free text, or an organisation's accepted evidence."""

    __tablename__ = "commitment_updates"
    __table_args__ = (Index("ix_commitment_updates_commitment", "commitment_id", "dated"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id",
                                                          ondelete="CASCADE"))
    dated: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    written_in: Mapped[str | None] = mapped_column(String(8))
    source_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"))
    source_url: Mapped[str | None] = mapped_column(String(500))
    source_text: Mapped[str | None] = mapped_column(String(300))
    source_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    # What happened to the commitment with it (a status change is a timeline entry too).
    status: Mapped[str | None] = mapped_column(String(32))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    commitment: Mapped[Commitment] = relationship(back_populates="timeline")
    source_meeting: Mapped[Meeting | None] = relationship()
    source_organisation: Mapped[Organisation | None] = relationship()


class PlanState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # a later version of the plan was published


class WorkPlan(Model):
    """The joint work plan agreed at a regional meeting: one version of it.

    A published version never changes (it is what was agreed); a revision is a new draft
    version of the same meeting's plan which, once published, supersedes the older one.
    Progress after publication belongs on each commitment's timeline, not in the plan.
    """

    __tablename__ = "work_plans"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    written_in: Mapped[str | None] = mapped_column(String(8))
    state: Mapped[PlanState] = mapped_column(enum_column(PlanState, "plan_state"),
                                             default=PlanState.DRAFT)
    what_changed: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    entries: Mapped[list[WorkPlanEntry]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="WorkPlanEntry.position")

    @property
    def commitments(self) -> list[Commitment]:
        return [entry.commitment for entry in self.entries]


class WorkPlanEntry(Model):
    """A commitment's place in one version of a plan."""

    __tablename__ = "work_plan_entries"
    __table_args__ = (UniqueConstraint("plan_id", "commitment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("work_plans.id", ondelete="CASCADE"))
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id",
                                                          ondelete="CASCADE"), index=True)
    position: Mapped[int]

    plan: Mapped[WorkPlan] = relationship(back_populates="entries")
    commitment: Mapped[Commitment] = relationship()


class IndicatorKind(StrEnum):
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class Rating(StrEnum):
    """The fixed scale a qualitative indicator is rated on, worst to best."""

    NOT_STARTED = "not-started"
    OFF_TRACK = "off-track"
    SOME_PROGRESS = "some-progress"
    ON_TRACK = "on-track"
    ACHIEVED = "achieved"


class Indicator(Model):
    """How a commitment's progress is measured: a number against a baseline and a target
    (quantitative), or a rated status with a narrative (qualitative)."""

    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint(
            "kind <> 'quantitative' OR (unit IS NOT NULL AND baseline IS NOT NULL"
            " AND baseline_on IS NOT NULL AND target IS NOT NULL AND direction IS NOT NULL)",
            name="quantitative_complete"),
        CheckConstraint("direction IS NULL OR (direction = 'increase' AND target >= baseline)"
                        " OR (direction = 'decrease' AND target <= baseline)",
                        name="target_in_direction"),
        Index("ix_indicators_commitment", "commitment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id",
                                                          ondelete="CASCADE"))
    kind: Mapped[IndicatorKind] = mapped_column(enum_column(IndicatorKind, "indicator_kind"))
    name: Mapped[str] = mapped_column(String(300))
    written_in: Mapped[str | None] = mapped_column(String(8))
    unit: Mapped[str | None] = mapped_column(String(16))  # one of indicators.UNITS
    unit_label: Mapped[str | None] = mapped_column(String(60))  # "people", "shelters", ...
    baseline: Mapped[float | None]
    baseline_on: Mapped[date | None] = mapped_column(Date)
    target: Mapped[float | None]
    direction: Mapped[Direction | None] = mapped_column(enum_column(Direction,
                                                                    "indicator_direction"))
    # Proposed by civil society (the organisation is credited on the tracker).
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    commitment: Mapped[Commitment] = relationship(back_populates="indicators")
    proposed_by: Mapped[Organisation | None] = relationship()
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan",
        order_by="(Measurement.dated, Measurement.id)")
    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan",
        order_by="(Assessment.dated, Assessment.id)")


class Measurement(Model):
    """One value of a quantitative indicator on a date, and where it comes from."""

    __tablename__ = "indicator_measurements"
    __table_args__ = (Index("ix_indicator_measurements_indicator", "indicator_id", "dated"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    dated: Mapped[date] = mapped_column(Date)
    value: Mapped[float]
    source: Mapped[str] = mapped_column(String(500))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    indicator: Mapped[Indicator] = relationship(back_populates="measurements")


class Assessment(Model):
    """One dated rating of a qualitative indicator, with its narrative."""

    __tablename__ = "indicator_assessments"
    __table_args__ = (Index("ix_indicator_assessments_indicator", "indicator_id", "dated"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    dated: Mapped[date] = mapped_column(Date)
    rating: Mapped[Rating] = mapped_column(enum_column(Rating, "indicator_rating"))
    narrative: Mapped[str] = mapped_column(Text)
    written_in: Mapped[str | None] = mapped_column(String(8))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                              ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    indicator: Mapped[Indicator] = relationship(back_populates="assessments")


class ContributionKind(StrEnum):
    INDICATOR = "indicator"  # a proposed indicator
    EVIDENCE = "evidence"  # text (and a document's address) on the commitment's progress


class ContributionState(StrEnum):
    WAITING = "waiting"
    ACCEPTED = "accepted"
    DECLINED = "declined"  # with a public reason


class Contribution(Model):
    """What a contact of an approved organisation sent on a commitment through their
    personal link, waiting for the responsible coordinator's decision."""

    __tablename__ = "commitment_contributions"
    __table_args__ = (
        UniqueConstraint("contact_id", "form_key"),
        CheckConstraint("state <> 'declined' OR reason IS NOT NULL",
                        name="declined_reason"),
        Index("ix_commitment_contributions_commitment", "commitment_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id",
                                                          ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id",
                                                              ondelete="SET NULL"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id",
                                                            ondelete="CASCADE"))
    form_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ContributionKind] = mapped_column(enum_column(ContributionKind,
                                                              "contribution_kind"))
    text: Mapped[str] = mapped_column(Text)  # the evidence, or what the indicator measures
    written_in: Mapped[str | None] = mapped_column(String(8))
    url: Mapped[str | None] = mapped_column(String(500))
    # A proposed indicator as indicators.IndicatorSpec takes it (kind, unit, baseline, ...).
    indicator: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    state: Mapped[ContributionState] = mapped_column(
        enum_column(ContributionState, "contribution_state"), default=ContributionState.WAITING)
    reason: Mapped[str | None] = mapped_column(Text)  # public: shown with the decision
    reason_written_in: Mapped[str | None] = mapped_column(String(8))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id",
                                                                 ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id",
                                                                ondelete="SET NULL"))
    update_id: Mapped[int | None] = mapped_column(ForeignKey("commitment_updates.id",
                                                             ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    commitment: Mapped[Commitment] = relationship()
    contact: Mapped[Contact | None] = relationship()
    organisation: Mapped[Organisation] = relationship()
