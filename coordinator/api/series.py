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
from coordinator.invitations.participants import (
    Whom,
    add_participant,
    invite_all,
    invite_host_observers,
    organisations_to_invite,
    remove_participant,
)
from coordinator.meetings.clashes import PreviewRow, preview_with_clashes
from coordinator.meetings.hosts import set_host_country
from coordinator.meetings.reads import (
    find_meeting,
    find_series,
    participant_in,
    participants_of,
    series_page,
)
from coordinator.meetings.series import (
    RuleChange,
    SeriesInput,
    change_effects,
    change_rule,
    schedule_series,
    set_coordinator,
)
from coordinator.models import Participant, ParticipantRole


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
    return json_response(s.ParticipantList(items=[_participant_out(p) for p in rows]))


def _participant_out(p: Participant) -> s.ParticipantOut:
    return s.ParticipantOut(id=p.id, organisation_id=p.organisation_id,
                            contact_id=p.contact_id, role=p.role.value,
                            account_id=p.account_id)


@registry.operation(bp, "POST", "/series/{series_id}/participants",
                    summary="Invite an approved organisation (or, to the special "
                    "coordinators' meetings, a coordinator's account) to a series",
                    tag="participants", body=s.ParticipantIn, response=s.ParticipantOut,
                    status=201, token=True, errors=(409,))
def participant_add(series_id: int, body: s.ParticipantIn):
    account = required()
    allowed(permissions.can_manage_series(account, find_series(series_id)))
    added = add_participant(now=utc_now(), actor=api_actor(account), series_id=series_id,
                            organisation_id=body.organisation_id, account_id=body.account_id,
                            role=ParticipantRole(body.role))
    return json_response(_participant_out(added), 201)


@registry.operation(bp, "POST", "/series/{series_id}/rule",
                    summary="Change a series' rule from a date on, or preview the change",
                    tag="series", body=s.RuleChangeIn, response=s.RuleChangeOut, token=True,
                    errors=(409,))
def series_rule(series_id: int, body: s.RuleChangeIn):
    """The answer lists the meetings the change moves, cancels or adds (invited ones
    marked), computed by the same code that saves it; with `preview`, nothing is written."""
    account = required()
    allowed(permissions.can_manage_series(account, find_series(series_id)))
    hour, minute = (int(x) for x in body.start_time.split(":"))
    change = RuleChange(effective_from=body.effective_from, start_time=time(hour, minute),
                        zone=body.zone, duration_minutes=body.duration_minutes,
                        rrule=body.rrule, first_date=body.first_date)
    now = utc_now()
    effects = change_effects(series_id, change, now=now)
    answer = s.RuleChangeOut(
        rrule=effects.recurrence.rrule, first_date=effects.recurrence.first_date,
        moved=[s.MovedOut(meeting_id=m.id, start=m.start_at, new_start=slot.start_utc,
                          invited=m.id in effects.invited) for m, slot in effects.moved],
        cancelled=[s.CancelledOut(meeting_id=m.id, start=m.start_at,
                                  invited=m.id in effects.invited)
                   for m in effects.cancelled],
        added=[slot.start_utc for slot in effects.added], saved=not body.preview)
    if not body.preview:
        change_rule(series_id, change, now=now, actor=api_actor(account))
    return json_response(answer)


@registry.operation(bp, "POST", "/series/{series_id}/participants/all",
                    summary="Invite every approved organisation of a country or a committee",
                    tag="participants", body=s.InviteAllIn, response=s.InvitedAll,
                    token=True)
def participants_all(series_id: int, body: s.InviteAllIn):
    """Those the series already invites stay as they are; `dry_run` answers who would be
    invited, as the workspace's confirmation page shows them."""
    account = required()
    allowed(permissions.can_manage_series(account, find_series(series_id)))
    whom = Whom(country=body.country, committee=body.committee)
    if body.dry_run:
        found = [o.id for o in organisations_to_invite(series_id, whom)]
    else:
        found = [p.organisation_id or 0 for p in invite_all(
            series_id, whom, now=utc_now(), actor=api_actor(account),
            role=ParticipantRole(body.role))]
    return json_response(s.InvitedAll(organisations=found, invited=not body.dry_run))


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


@registry.operation(bp, "PATCH", "/series/{series_id}",
                    summary="Change who coordinates a series", tag="series",
                    body=s.SeriesPatch, response=s.SeriesOut, token=True)
def series_patch(series_id: int, body: s.SeriesPatch):
    """The coordinator is the organizer and Reply-To of the series' mails from now on:
    the secretariat, or a coordinator of the series' country or committee."""
    account = required()
    allowed(permissions.can_manage_series(account, find_series(series_id)))
    changed = set_coordinator(series_id, body.coordinator_id, now=utc_now(),
                              actor=api_actor(account))
    return json_response(series_out(changed, private=True))


@registry.operation(bp, "PUT", "/meetings/{meeting_id}/host-country",
                    summary="Set the convening country of a special coordinators' meeting",
                    tag="participants", body=s.HostCountryIn, response=s.HostCountryOut,
                    token=True, errors=(409,))
def host_country_set(meeting_id: int, body: s.HostCountryIn):
    account = required()
    allowed(permissions.can_manage_meeting(account, find_meeting(meeting_id)))
    meeting = set_host_country(meeting_id, body.country, now=utc_now(),
                               actor=api_actor(account))
    return json_response(s.HostCountryOut(
        meeting_id=meeting.id,
        host_country=meeting.host_country.iso if meeting.host_country else None))


@registry.operation(bp, "POST", "/meetings/{meeting_id}/host-observers",
                    summary="Invite the convening country's approved national "
                    "organisations as observers", tag="participants",
                    response=s.ParticipantList, status=201, token=True, errors=(409, 422))
def host_observers_add(meeting_id: int):
    """Recommendation 8: the national CSOs of the country where the special coordinators
    meet observe that meeting; their invitations say they are observers."""
    account = required()
    allowed(permissions.can_manage_meeting(account, find_meeting(meeting_id)))
    added = invite_host_observers(meeting_id, now=utc_now(), actor=api_actor(account))
    return json_response(s.ParticipantList(items=[_participant_out(p) for p in added]), 201)
