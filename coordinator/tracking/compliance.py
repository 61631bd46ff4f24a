"""The compliance table from the database, through the pure rule in `cadence.compliance`;
a meeting counts as held only when the attendance register says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coordinator.cadence.compliance import ComplianceReport, MeetingFact, PeriodState, compliance
from coordinator.cadence.deadlines import deadlines_for
from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.models import (
    Committee,
    Country,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    Series,
)

# What each state of a period is called on the tracker, in the API's `label` and the
# digest: one wording for every door.
PERIOD_LABELS = {
    PeriodState.HELD: lazy_gettext("Held"),
    PeriodState.UNRECORDED: lazy_gettext("Awaiting record"),
    PeriodState.SCHEDULED: lazy_gettext("Scheduled"),
    PeriodState.MISSED: lazy_gettext("Missed"),
    PeriodState.DUE: lazy_gettext("Due"),
}


def compliance_report(year: int, *, now: datetime) -> ComplianceReport:
    """Who kept the cadence in `year`, as it stands at `now`."""
    # A day of slack on each side: periods are counted in each meeting's local calendar.
    start = datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=1)
    end = datetime(year + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)
    meetings = db.session.scalars(
        select(Meeting)
        .join(Meeting.series)
        .where(Meeting.start_at >= start, Meeting.start_at < end)
        .options(joinedload(Meeting.series).joinedload(Series.country),
                 joinedload(Meeting.series).joinedload(Series.committee))
    ).all()
    records = {meeting_id: held for meeting_id, held in db.session.execute(
        select(MeetingAttendance.meeting_id, MeetingAttendance.held)
        .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
        .where(Meeting.start_at >= start, Meeting.start_at < end))}
    facts = [
        MeetingFact(
            meeting_id=m.id, kind=SeriesKind(m.series.kind), start=m.start_at, zone_name=m.zone,
            cancelled=m.status == MeetingStatus.CANCELLED,
            agenda_due=deadlines_for(m.start_local, m.series.offsets).agenda_due,
            agenda_published_at=m.agenda_published_at,
            country=m.series.country.iso if m.series.country else None,
            committee=m.series.committee.slug if m.series.committee else None,
            held=records.get(m.id),
        )
        for m in meetings
    ]
    countries = db.session.scalars(
        select(Country.iso).where(Country.endorsement != "partner").order_by(Country.iso))
    committees = db.session.scalars(select(Committee.slug).order_by(Committee.pillar,
                                                                     Committee.id))
    return compliance(year, list(countries), list(committees), facts, now)
