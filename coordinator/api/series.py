"""Series: list, read, schedule (or dry-run), and who is invited to them."""

from __future__ import annotations

from datetime import time

from coordinator.accounts import permissions
from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import allowed, api_actor, caller, required
from coordinator.api.out import deadlines_out, moved_because, next_offset, series_out
from coordinator.api.spec import json_response
from coordinator.cadence.deadlines import DeadlineOffsets
from coordinator.cadence.zones import utc_now
from coordinator.invitations.participants import add_participant, remove_participant
from coordinator.meetings.clashes import PreviewRow, preview_with_clashes
from coordinator.meetings.reads import (
    find_series,
    participant_in,
    participants_of,
    series_page,
)
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import ParticipantRole


@registry.operation(bp, "GET", "/series", summary="Series (the cadences)", tag="series",
                    query=s.SeriesQuery, response=s.SeriesPage)
def series_list(query: s.SeriesQuery):
    account = caller()
    found = series_page(country=query.country, committee=query.committee, kind=query.kind,
                        limit=query.limit, offset=query.offset)
    rows, total = found.rows, found.total
    return json_response(s.SeriesPage(items=[series_out(
        x, private=permissions.can_manage_series(account, x)) for x in rows], total=total,
                                      next_offset=next_offset(query.offset, query.limit,
                                                              total)))


@registry.operation(bp, "GET", "/series/{series_id}", summary="One series", tag="series",
                    response=s.SeriesOut)
def series_get(series_id: int):
    found = find_series(series_id)
    return json_response(series_out(found, private=permissions.can_manage_series(caller(),
                                                                              found)))


@registry.operation(bp, "POST", "/series", summary="Schedule a series, or dry-run it",
                    tag="series", body=s.SeriesIn, response=s.SeriesOut, status=201,
                    token=True, errors=(409,), alternatives=((200, s.DryRunOut),))
def series_create(body: s.SeriesIn):
    """With `dry_run`, nothing is written: the answer (200, a DryRunOut) lists the
    meetings the rule gives, their holiday shifts, deadlines and clashes with external
    calendars and with the account's other meetings."""
    account = required()
    allowed(permissions.can_create(account, body.kind, body.country, body.committee))
    hour, minute = (int(x) for x in body.start_time.split(":"))
    data = SeriesInput(
        kind=body.kind, first_date=body.first_date, start_time=time(hour, minute),
        zone=body.zone, duration_minutes=body.duration_minutes, rrule=body.rrule,
        title=body.title, country=body.country, committee=body.committee,
        coordinator_id=account.id, holiday_country=body.holiday_country,
        allow_weekends=body.allow_weekends,
        location=body.location, online_url=body.online_url, description=body.description,
        held_by=body.held_by, short_notice_justification=body.short_notice_justification,
        offsets=DeadlineOffsets(body.offsets.suggestions_open, body.offsets.suggestions_close,
                                body.offsets.agenda_due, tuple(body.offsets.reminders)))
    now = utc_now()
    if body.dry_run:
        return json_response(s.DryRunOut(meetings=[
            _planned_out(row) for row in preview_with_clashes(data, now=now, account=account)]))
    created = schedule_series(data, now=now, actor=api_actor(account))
    return json_response(series_out(created, private=True), 201,
                         headers={"Location": f"/api/v1/series/{created.id}"})


def _planned_out(row: PreviewRow) -> s.PlannedOut:
    p = row.meeting
    return s.PlannedOut(
        start=p.start_utc, end=p.end_utc, zone=p.zone_name,
        shifted_from=p.shift.original if p.shift else None,
        holiday=p.shift.holiday if p.shift else None,
        moved_because=moved_because(p.shift.original, p.shift.holiday) if p.shift else None,
        deadlines=deadlines_out(row.deadlines),
        clashes=[s.ClashOut(source=c.source, title=c.title, start=c.start, end=c.end)
                 for c in row.clashes])


@registry.operation(bp, "GET", "/series/{series_id}/participants",
                    summary="Who is invited to every meeting of a series",
                    tag="participants", response=s.ParticipantList, token=True)
def participants(series_id: int):
    allowed(permissions.can_manage_series(required(), find_series(series_id)))
    rows = participants_of(series_id)
    return json_response(s.ParticipantList(items=[s.ParticipantOut(
        id=p.id, organisation_id=p.organisation_id, contact_id=p.contact_id,
        role=p.role.value) for p in rows]))


@registry.operation(bp, "POST", "/series/{series_id}/participants",
                    summary="Invite an approved organisation to a series",
                    tag="participants", body=s.ParticipantIn, response=s.ParticipantOut,
                    status=201, token=True, errors=(409,))
def participant_add(series_id: int, body: s.ParticipantIn):
    account = required()
    allowed(permissions.can_manage_series(account, find_series(series_id)))
    added = add_participant(now=utc_now(), actor=api_actor(account), series_id=series_id,
                            organisation_id=body.organisation_id,
                            role=ParticipantRole(body.role))
    return json_response(s.ParticipantOut(id=added.id, organisation_id=added.organisation_id,
                                          contact_id=added.contact_id, role=added.role.value),
                         201)


@registry.operation(bp, "DELETE", "/series/{series_id}/participants/{participant_id}",
                    summary="Stop inviting a participant", tag="participants", status=204,
                    token=True)
def participant_remove(series_id: int, participant_id: int):
    """Their invitations to future meetings are cancelled (METHOD:CANCEL)."""
    account = required()
    allowed(permissions.can_manage_series(account, find_series(series_id)))
    participant_in(series_id, participant_id)
    remove_participant(participant_id, now=utc_now(), actor=api_actor(account))
    return json_response(None, 204)
