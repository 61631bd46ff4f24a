"""Meetings: list and read (public), move and cancel, and their agendas."""

from __future__ import annotations

from coordinator.accounts import permissions
from coordinator.agendas import services as agenda
from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import allowed, api_actor, caller, required
from coordinator.api.etags import etag_for, not_modified
from coordinator.api.out import meeting_out, next_offset
from coordinator.api.spec import json_response
from coordinator.cadence.zones import utc_now
from coordinator.invitations.rsvp import rsvp_details
from coordinator.meetings.reads import find_meeting, meeting_page
from coordinator.meetings.services import cancel_meeting, move_meeting


def _managed(meeting_id: int):
    account = required()
    meeting = find_meeting(meeting_id)
    allowed(permissions.can_manage_meeting(account, meeting))
    return account, meeting


@registry.operation(bp, "GET", "/meetings", summary="Meetings, filtered and paged",
                    tag="meetings", query=s.MeetingQuery, response=s.MeetingPage, etag=True)
def meetings(query: s.MeetingQuery):
    """Filter by country, committee, kind, status and a start range (`from`, `to`, with
    UTC offsets); ordered by start."""
    caller()
    tag = etag_for()
    if (cached := not_modified(tag)) is not None:
        return cached
    page = meeting_page(country=query.country, committee=query.committee, kind=query.kind,
                        status=query.status, start_from=query.start_from,
                        start_before=query.start_before, limit=query.limit,
                        offset=query.offset)
    return json_response(s.MeetingPage(items=[meeting_out(m) for m in page.rows],
                                       total=page.total,
                                       next_offset=next_offset(query.offset, query.limit,
                                                               page.total)),
                         headers={"ETag": tag})


@registry.operation(bp, "GET", "/meetings/{meeting_id}", summary="One meeting",
                    tag="meetings", response=s.MeetingOut, etag=True)
def meeting(meeting_id: int):
    caller()
    found = find_meeting(meeting_id)  # a missing meeting is 404, whatever If-None-Match says
    tag = etag_for()
    if (cached := not_modified(tag)) is not None:
        return cached
    return json_response(meeting_out(found), headers={"ETag": tag})


@registry.operation(bp, "POST", "/meetings/{meeting_id}/move", summary="Move one meeting",
                    tag="meetings", body=s.MoveIn, response=s.MeetingOut, token=True,
                    errors=(409,))
def move(meeting_id: int, body: s.MoveIn):
    """Participants get the updated invitation (same UID, higher SEQUENCE)."""
    account, found = _managed(meeting_id)
    moved = move_meeting(found.id, body.start, now=utc_now(), actor=api_actor(account),
                         zone=body.zone, duration_minutes=body.duration_minutes,
                         reason=body.reason, past_held_by=body.past_held_by)
    return json_response(meeting_out(moved))


@registry.operation(bp, "POST", "/meetings/{meeting_id}/cancel",
                    summary="Cancel one meeting", tag="meetings", body=s.CancelIn,
                    response=s.MeetingOut, token=True, errors=(409,))
def cancel(meeting_id: int, body: s.CancelIn):
    account, found = _managed(meeting_id)
    cancelled = cancel_meeting(found.id, now=utc_now(), actor=api_actor(account),
                               reason=body.reason)
    return json_response(meeting_out(cancelled))


def _agenda(meeting_id: int) -> s.AgendaOut:
    """The draft as it stands now (read after the change, so fresh)."""
    found = find_meeting(meeting_id)
    items = agenda.draft_items(found)
    return s.AgendaOut(meeting_id=found.id, version=found.agenda_version,
                       draft_changed=found.agenda_dirty,
                       items=[s.AgendaEntryOut(**item.snapshot()) for item in items])


@registry.operation(bp, "GET", "/meetings/{meeting_id}/agenda-items",
                    summary="The agenda draft", tag="agenda", response=s.AgendaOut,
                    token=True)
def agenda_items(meeting_id: int):
    """The draft as the coordinator edits it; the published agenda is on the meeting."""
    _, found = _managed(meeting_id)
    return json_response(_agenda(found.id))


@registry.operation(bp, "POST", "/meetings/{meeting_id}/agenda-items",
                    summary="Add an item to the draft", tag="agenda", body=s.AgendaItemIn,
                    response=s.AgendaOut, status=201, token=True, errors=(409,))
def agenda_add(meeting_id: int, body: s.AgendaItemIn):
    account, found = _managed(meeting_id)
    agenda.add_item(found.id, now=utc_now(), actor=api_actor(account), kind=body.kind,
                    title=body.title, presenter=body.presenter, duration=body.duration,
                    language=body.language, written_in=body.written_in)
    return json_response(_agenda(found.id), 201)


def _item(meeting_id: int, item_id: int):
    account, found = _managed(meeting_id)
    return account, found, agenda.find_item(found.id, item_id)


@registry.operation(bp, "POST", "/meetings/{meeting_id}/agenda-items/{item_id}/position",
                    summary="Move an item to a position (1 = first)", tag="agenda",
                    body=s.PositionIn, response=s.AgendaOut, token=True, errors=(409,))
def agenda_position(meeting_id: int, item_id: int, body: s.PositionIn):
    account, found, item = _item(meeting_id, item_id)
    agenda.move_item(item.id, body.position, now=utc_now(), actor=api_actor(account))
    return json_response(_agenda(found.id))


@registry.operation(bp, "PUT", "/meetings/{meeting_id}/agenda-items/{item_id}",
                    summary="Replace an item of the draft", tag="agenda",
                    body=s.AgendaItemIn, response=s.AgendaOut, token=True, errors=(409,))
def agenda_replace(meeting_id: int, item_id: int, body: s.AgendaItemIn):
    account, found, item = _item(meeting_id, item_id)
    agenda.update_item(item.id, now=utc_now(), actor=api_actor(account), kind=body.kind,
                       title=body.title, presenter=body.presenter, duration=body.duration,
                       language=body.language, written_in=body.written_in)
    return json_response(_agenda(found.id))


@registry.operation(bp, "DELETE", "/meetings/{meeting_id}/agenda-items/{item_id}",
                    summary="Remove an item from the draft", tag="agenda",
                    response=s.AgendaOut, token=True, errors=(409,))
def agenda_remove(meeting_id: int, item_id: int):
    account, found, item = _item(meeting_id, item_id)
    agenda.remove_item(item.id, now=utc_now(), actor=api_actor(account))
    return json_response(_agenda(found.id))


@registry.operation(bp, "POST", "/meetings/{meeting_id}/agenda/publish",
                    summary="Publish the draft", tag="agenda", response=s.MeetingOut,
                    token=True, errors=(409,))
def agenda_publish(meeting_id: int):
    """Participants receive it as an update of their invitation, in their language."""
    account, found = _managed(meeting_id)
    return json_response(meeting_out(agenda.publish_agenda(found.id, now=utc_now(),
                                                           actor=api_actor(account))))


@registry.operation(bp, "GET", "/meetings/{meeting_id}/rsvps",
                    summary="Who answered what, and interpretation needs", tag="meetings",
                    response=s.RsvpListOut, token=True)
def rsvps(meeting_id: int):
    """For the meeting's coordinators: each invited person's answer, the language they
    will speak and the one they need interpretation into (the workspace's RSVP page and
    its CSV say the same)."""
    _, found = _managed(meeting_id)
    details = rsvp_details(found.id)
    return json_response(s.RsvpListOut(
        meeting_id=found.id, answers=details.summary.answers, speaks=details.summary.speaks,
        interpretation_into=details.summary.interpretation_into,
        items=[s.RsvpOut(**vars(person)) for person in details.people]))
