"""A meeting's minutes (draft, publish, versions) and its action items (add, follow up)."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext

from coordinator.agendas import services as agendas
from coordinator.cadence.zones import utc_now
from coordinator.documents import services as documents
from coordinator.errors import NotFound, Refusal, status_of
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.models import Meeting
from coordinator.outcomes import action_items as actions
from coordinator.outcomes import minutes as minutes_service
from coordinator.outcomes import reads
from coordinator.outcomes.models import ActionStatus
from coordinator.present import series_title
from coordinator.web.workspace import actor, an_id, bp, done, managed_meeting, me
from coordinator.web.workspace.forms import a_date, text

MAX_FORM_TEXT = minutes_service.MAX_TEXT


def _status_labels() -> dict[str, str]:
    return {ActionStatus.OPEN.value: gettext("open"),
            ActionStatus.IN_PROGRESS.value: gettext("in progress"),
            ActionStatus.DONE.value: gettext("done"),
            ActionStatus.DROPPED.value: gettext("dropped")}


def _minutes_page(meeting: Meeting, *, error: Refusal | None = None, form=None,
                  status: int = 200):
    draft = minutes_service.draft_of(meeting)
    if form is None:
        form = {"text": draft.text if draft else "",
                "decisions": "\n".join(draft.decisions or []) if draft else "",
                "written_in": (draft.written_in if draft else None) or ""}
    return render_template("workspace/minutes.html", meeting=meeting,
                           title=series_title(meeting.series), draft=draft,
                           versions=minutes_service.versions_of(meeting),
                           documents=(documents.documents_of("minutes", draft.id)
                                      if draft else []),
                           languages=LANGUAGE_NAMES, error=error, form=form), status


@bp.get("/meetings/<int:meeting_id>/minutes")
def minutes(meeting_id: int):
    return _minutes_page(managed_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/minutes")
def minutes_save(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = request.form
    decisions = (form.get("decisions") or "")[: MAX_FORM_TEXT + 1].splitlines()
    try:
        minutes_service.save_draft(meeting.id, text=(form.get("text") or "")[: MAX_FORM_TEXT + 1],
                                   decisions=decisions,
                                   written_in=text(form, "written_in", 8), now=utc_now(),
                                   actor=actor())
    except Refusal as exc:
        return _minutes_page(meeting, error=exc, form=form, status=status_of(exc))
    return done(gettext("The draft minutes are saved."),
                url_for("workspace.minutes", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/minutes/publish")
def minutes_publish(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    try:
        version = minutes_service.publish_minutes(
            meeting.id, now=utc_now(), actor=actor(),
            what_changed=text(request.form, "what_changed", minutes_service.MAX_WHAT_CHANGED))
    except Refusal as exc:
        draft = minutes_service.draft_of(meeting)
        form = {"text": draft.text if draft else "",
                "decisions": "\n".join(draft.decisions or []) if draft else "",
                "written_in": (draft.written_in if draft else None) or "",
                "what_changed": request.form.get("what_changed", "")}
        return _minutes_page(meeting, error=exc, form=form, status=status_of(exc))
    return done(gettext("Version %(n)s of the minutes is published.", n=version.version),
                url_for("workspace.minutes", meeting_id=meeting.id))


def _items_page(meeting: Meeting, *, error: Refusal | None = None, form=None,
                status: int = 200):
    return render_template("workspace/action_items.html", meeting=meeting,
                           title=series_title(meeting.series),
                           items=reads.items_of_meeting(meeting.id),
                           owner_label=reads.owner_label, owners=reads.owner_choices(me()),
                           agenda=agendas.draft_items(meeting), statuses=_status_labels(),
                           transitions=actions.TRANSITIONS, error=error, form=form or {},
                           now=utc_now(), days_left=actions.days_left), status


@bp.get("/meetings/<int:meeting_id>/action-items")
def action_items(meeting_id: int):
    return _items_page(managed_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/action-items")
def action_item_add(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = request.form
    try:
        actions.add_action_item(
            text=(form.get("text") or "")[: actions.MAX_TEXT + 1],
            owner=reads.owner_from_key(form.get("owner")),
            due_on=a_date(form, "due_on"),  # type: ignore[arg-type]  # required: never None
            agenda_item_id=an_id(form.get("agenda_item_id")), meeting_id=meeting.id,
            now=utc_now(), actor=actor())
    except Refusal as exc:
        return _items_page(meeting, error=exc, form=form, status=status_of(exc))
    return done(gettext("The action item is added."),
                url_for("workspace.action_items", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/action-items/<int:action_item_id>/status")
def action_item_status(meeting_id: int, action_item_id: int):
    meeting = managed_meeting(meeting_id)
    try:
        item = reads.find_action_item(action_item_id)
    except NotFound:
        abort(404)
    if item.meeting_id != meeting.id:
        abort(404)
    form = request.form
    try:
        actions.update_action_item(item.id, now=utc_now(), actor=actor(),
                                   status=text(form, "status", 20) or "",
                                   reason=text(form, "reason", actions.MAX_REASON))
    except Refusal as exc:
        return _items_page(meeting, error=exc, form={**form, "item": str(item.id)},
                           status=status_of(exc))
    return done(gettext("The action item is updated."),
                url_for("workspace.action_items", meeting_id=meeting.id))
