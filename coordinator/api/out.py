"""Records as the API shows them (one place, so every operation answers alike)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from flask_babel import get_locale

from coordinator.api import schemas as s
from coordinator.calendar.from_meeting import meeting_url
from coordinator.content import services as content
from coordinator.meetings.reads import meeting_count
from coordinator.models import Meeting, Organisation, Series
from coordinator.present import series_title


def _reader() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


def deadlines_out(deadlines) -> s.DeadlinesOut:
    return s.DeadlinesOut(suggestions_open=deadlines.suggestions_open,
                          suggestions_close=deadlines.suggestions_close,
                          agenda_due=deadlines.agenda_due)


def moved_because(shifted_from: date | None, holiday: str | None) -> Literal[
        "holiday", "weekend"] | None:
    """Why a meeting is off its rule's day: a public holiday or a weekly rest day."""
    if shifted_from is None:
        return None
    return "holiday" if holiday else "weekend"


def meeting_out(meeting: Meeting) -> s.MeetingOut:
    series = meeting.series
    return s.MeetingOut(
        id=meeting.id, uid=meeting.uid, series_id=series.id, title=series_title(series),
        kind=series.kind.value, country=series.country.iso if series.country else None,
        committee=series.committee.slug if series.committee else None,
        start=meeting.start_at, end=meeting.end_at, zone=meeting.zone,
        status=meeting.status.value, sequence=meeting.sequence, moved=meeting.moved,
        shifted_from=meeting.shifted_from, holiday=meeting.holiday_name,
        moved_because=moved_because(meeting.shifted_from, meeting.holiday_name),
        deadlines=deadlines_out(meeting.deadlines), agenda_version=meeting.agenda_version,
        agenda_published_at=meeting.agenda_published_at,
        agenda=[s.AgendaEntryOut(**item) for item in
                ({k: v for k, v in i.items() if k != "position"}
                 for i in content.agenda_for(meeting, _reader()))],
        url=meeting_url(meeting))


def series_out(series: Series, *, private: bool = False) -> s.SeriesOut:
    """`private`: the caller manages the series, so it sees the online link too (public
    pages and feeds hide it, as invitations and private feeds are where it travels)."""
    count = meeting_count(series.id)
    return s.SeriesOut(
        id=series.id, kind=series.kind.value, title=series_title(series),
        country=series.country.iso if series.country else None,
        committee=series.committee.slug if series.committee else None,
        holiday_country=series.holiday_country, allow_weekends=series.allow_weekends,
        rules=[s.RuleOut(rrule=r.rrule, first_date=r.first_date,
                         start_time=r.start_time.strftime("%H:%M"), zone=r.zone,
                         duration_minutes=r.duration_minutes, valid_from=r.valid_from,
                         valid_until=r.valid_until) for r in series.rules],
        location=series.location, online_url=series.online_url if private else None,
        held_by=series.held_by,
        active=series.active, meetings=count, coordinator_id=series.coordinator_id)


def organisation_out(organisation: Organisation, *, private: bool = False) -> s.OrganisationOut:
    """What the registration's consent covers (name, where and how it works, languages,
    website); `private`: the secretariat, who reviews registrations, sees who leads it too."""
    return s.OrganisationOut(
        id=organisation.id, name=organisation.name, scope=organisation.scope.value,
        kinds=list(organisation.kinds or []),
        led_by=list(organisation.led_by or []) if private else None,
        countries=sorted(c.iso for c in organisation.countries),
        languages=list(organisation.languages or []), website=organisation.website,
        registration_state=organisation.registration_state.value)


def next_offset(offset: int, limit: int, total: int) -> int | None:
    return offset + limit if offset + limit < total else None
