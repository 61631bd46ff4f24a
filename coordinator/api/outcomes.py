"""Minutes and action items: published minutes and action items read publicly; drafts,
publication and changes with a token, in the caller's scope."""

from __future__ import annotations

from coordinator.accounts import permissions
from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import allowed, api_actor, caller, required
from coordinator.api.meetings import _managed
from coordinator.api.spec import json_response
from coordinator.cadence.zones import utc_now
from coordinator.meetings.reads import find_meeting
from coordinator.outcomes import action_items as actions
from coordinator.outcomes import minutes as minutes_service
from coordinator.outcomes import reads
from coordinator.outcomes.models import ActionItem, Minutes, MinutesVersion


def _version_out(version: MinutesVersion) -> s.MinutesVersionOut:
    return s.MinutesVersionOut(version=version.version, text=version.text, html=version.html,
                               decisions=list(version.decisions or []),
                               written_in=version.written_in,
                               what_changed=version.what_changed,
                               published_at=version.published_at)


def _draft_out(meeting_id: int, draft: Minutes) -> s.DraftOut:
    return s.DraftOut(meeting_id=meeting_id, text=draft.text,
                      decisions=list(draft.decisions or []), written_in=draft.written_in,
                      version=draft.version, draft_changed=draft.dirty)


def _item_out(item: ActionItem) -> s.ActionItemOut:
    return s.ActionItemOut(id=item.id, series_id=item.series_id, meeting_id=item.meeting_id,
                           agenda_item_id=item.agenda_item_id, text=item.text,
                           written_in=item.written_in, owner=reads.owner_key(item),
                           owner_name=item.owner_name, due_on=item.due_on,
                           status=item.status.value, reason=item.reason,
                           updated_at=item.updated_at)


def _items(found: list[ActionItem]) -> s.ActionItemList:
    return s.ActionItemList(items=[_item_out(i) for i in found])


@registry.operation(bp, "GET", "/meetings/{meeting_id}/minutes",
                    summary="A meeting's published minutes, every version",
                    tag="outcomes", response=s.MinutesOut)
def minutes_read(meeting_id: int):
    """Published versions only, oldest first; the draft is the coordinator's until published."""
    caller()
    found = find_meeting(meeting_id)
    return json_response(s.MinutesOut(
        meeting_id=found.id,
        versions=[_version_out(v) for v in minutes_service.versions_of(found)]))


@registry.operation(bp, "PUT", "/meetings/{meeting_id}/minutes",
                    summary="Save the draft minutes", tag="outcomes", body=s.MinutesIn,
                    response=s.DraftOut, token=True, errors=(409,))
def minutes_save(meeting_id: int, body: s.MinutesIn):
    """Markdown (raw HTML is refused) and decisions, one per entry; readers see nothing
    until the draft is published."""
    account, found = _managed(meeting_id)
    draft = minutes_service.save_draft(found.id, text=body.text, decisions=body.decisions,
                                       written_in=body.written_in, now=utc_now(),
                                       actor=api_actor(account))
    return json_response(_draft_out(found.id, draft))


@registry.operation(bp, "POST", "/meetings/{meeting_id}/minutes/publish",
                    summary="Publish the draft as the next version of the minutes",
                    tag="outcomes", body=s.PublishMinutesIn, response=s.MinutesVersionOut,
                    status=201, token=True, errors=(409,))
def minutes_publish(meeting_id: int, body: s.PublishMinutesIn):
    """Once the meeting has started; mailed to every participant in their language. A
    second or later version says what changed."""
    account, found = _managed(meeting_id)
    version = minutes_service.publish_minutes(found.id, now=utc_now(),
                                              actor=api_actor(account),
                                              what_changed=body.what_changed)
    return json_response(_version_out(version), status=201)


@registry.operation(bp, "GET", "/meetings/{meeting_id}/action-items",
                    summary="A meeting's action items", tag="outcomes",
                    response=s.ActionItemList)
def meeting_action_items(meeting_id: int):
    """Every item that came from the meeting, soonest due first."""
    caller()
    found = find_meeting(meeting_id)
    return json_response(_items(reads.items_of_meeting(found.id)))


@registry.operation(bp, "POST", "/meetings/{meeting_id}/action-items",
                    summary="Add an action item to a meeting", tag="outcomes",
                    body=s.ActionItemIn, response=s.ActionItemOut, status=201, token=True,
                    errors=(409,))
def action_item_add(meeting_id: int, body: s.ActionItemIn):
    """Owned by a country's coordination, a committee, an organisation or an account within
    the caller's scope; due on a day in the meeting's zone."""
    account, found = _managed(meeting_id)
    item = actions.add_action_item(text=body.text, owner=reads.owner_from_key(body.owner),
                                   due_on=body.due_on, meeting_id=found.id,
                                   agenda_item_id=body.agenda_item_id,
                                   written_in=body.written_in, now=utc_now(),
                                   actor=api_actor(account))
    return json_response(_item_out(item), status=201)


@registry.operation(bp, "PATCH", "/action-items/{action_item_id}",
                    summary="Change an action item's status, reason, due date or text",
                    tag="outcomes", body=s.ActionItemPatch, response=s.ActionItemOut,
                    token=True, errors=(409,))
def action_item_patch(action_item_id: int, body: s.ActionItemPatch):
    """A dropped item says why; a done or dropped item is reopened before other changes."""
    account = required()
    item = reads.find_action_item(action_item_id)
    allowed(permissions.can_manage_series(account, item.series))
    changed = actions.update_action_item(item.id, now=utc_now(), actor=api_actor(account),
                                         status=body.status, reason=body.reason,
                                         text=body.text, due_on=body.due_on)
    return json_response(_item_out(changed))


@registry.operation(bp, "GET", "/action-items", summary="Action items, by status or overdue",
                    tag="outcomes", query=s.ActionItemQuery, response=s.ActionItemList)
def action_items_list(query: s.ActionItemQuery):
    """Overdue: not done or dropped, and the due day has ended in the item's own zone."""
    caller()
    return json_response(_items(reads.action_items(status=query.status,
                                                   overdue=query.overdue, now=utc_now())))
