"""What a coordinator is already busy with: watched external calendars and the meetings of
the same people, for clash warnings when scheduling."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from coordinator.cadence.clashes import Busy, overlapping
from coordinator.cadence.deadlines import Deadlines, deadlines_for
from coordinator.cadence.schedule import PlannedMeeting
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, preview
from coordinator.models import (
    Account,
    ExternalFeed,
    Meeting,
    MeetingStatus,
    Participant,
    Series,
)
from coordinator.present import series_title

MAX_MEETINGS = 5000
PREVIEW_MONTHS = 24  # how far ahead a preview looks


def busy_for(account: Account, since: datetime, until: datetime, *,
             series_id: int | None = None, meeting_id: int | None = None) -> list[Busy]:
    busy: list[Busy] = []
    for feed in db.session.scalars(select(ExternalFeed).where(
            ExternalFeed.account_id == account.id)):
        for start, end, title in feed.events or []:
            begins, ends = datetime.fromisoformat(start), datetime.fromisoformat(end)
            if begins < until and since < ends:
                busy.append(Busy(begins, ends, f"{feed.name}: {title}", "external"))
    # The same people: the account's own meetings, and meetings of other series that
    # invite an organisation this series invites.
    same_people = [Series.coordinator_id == account.id]
    if series_id is not None:
        invited = select(Participant.organisation_id).where(
            Participant.series_id == series_id, Participant.organisation_id.is_not(None))
        shared = select(Participant.series_id).where(
            Participant.organisation_id.in_(invited), Participant.series_id.is_not(None))
        same_people.append(Series.id.in_(shared))
    query = (select(Meeting).join(Meeting.series)
             .where(or_(*same_people), Meeting.status == MeetingStatus.SCHEDULED,
                    Meeting.start_at < until, Meeting.end_at > since)
             .order_by(Meeting.start_at).limit(MAX_MEETINGS))
    if series_id is not None:
        query = query.where(Meeting.series_id != series_id)
    if meeting_id is not None:
        query = query.where(Meeting.id != meeting_id)
    for meeting in db.session.scalars(query):
        busy.append(Busy(meeting.start_at, meeting.end_at, series_title(meeting.series),
                         "meeting"))
    return busy


def clashes_for(planned: Sequence[tuple[datetime, datetime]], *, account: Account,
                series_id: int | None = None,
                meeting_id: int | None = None) -> list[list[Busy]]:
    """For each planned (start, end), what it clashes with."""
    if not planned:
        return []
    since = min(start for start, _ in planned)
    until = max(end for _, end in planned)
    return overlapping(planned, busy_for(account, since, until, series_id=series_id,
                                         meeting_id=meeting_id))


@dataclass(frozen=True)
class PreviewRow:
    """One meeting a series would get, its deadlines, and what it clashes with."""

    meeting: PlannedMeeting
    deadlines: Deadlines
    clashes: list[Busy]


def preview_with_clashes(data: SeriesInput, *, now: datetime, account: Account,
                         series_id: int | None = None, horizon_months: int = PREVIEW_MONTHS,
                         limit: int | None = None) -> list[PreviewRow]:
    """The meetings a new series (or, with `series_id`, a changed rule) would give, without
    writing anything, each with its deadlines and its clashes: watched calendars, the
    account's other meetings and meetings of the organisations the series invites."""
    planned = preview(data, now=now, horizon_months=horizon_months,
                      new_series=series_id is None)[:limit]
    found = clashes_for([(p.start_utc, p.end_utc) for p in planned], account=account,
                        series_id=series_id)
    return [PreviewRow(p, deadlines_for(p.start, data.offsets), clash)
            for p, clash in zip(planned, found, strict=True)]
