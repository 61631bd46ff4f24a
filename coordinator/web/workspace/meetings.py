"""One meeting: move or cancel it, build and publish its agenda, moderate its suggestions."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext, ngettext

from coordinator.accounts import permissions
from coordinator.agendas import moderation
from coordinator.agendas import services as agenda
from coordinator.agendas import suggestions as suggestions_service
from coordinator.cadence.zones import utc_now
from coordinator.content import services as content
from coordinator.documents import services as documents
from coordinator.errors import InvalidInput, status_of
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.invitations.rsvp import rsvp_summary
from coordinator.meetings.reads import known_zones
from coordinator.meetings.services import cancel_meeting, is_changeable, move_meeting
from coordinator.models import (
    AgendaItem,
    ItemKind,
    Meeting,
    Suggestion,
)
from coordinator.present import ITEM_KIND_LABELS, KIND_LABELS, country_name, series_title
from coordinator.web.workspace import (
    actor,
    allowed,
    an_id,
    bp,
    done,
    get_or_404,
    managed_meeting,
    me,
)
from coordinator.web.workspace.forms import a_moment, a_number, a_zone, text
from coordinator.web.zone_choices import zone_groups


def _page(meeting: Meeting, *, error: InvalidInput | None = None, form=None,
          status: int = 200):
    local = meeting.start_local
    topics = moderation.moderation_view(meeting.id)
    items = agenda.draft_items(meeting)
    return render_template(
        "workspace/meeting.html", meeting=meeting, title=series_title(meeting.series),
        kinds=KIND_LABELS, items=items,
        item_documents=documents.documents_for("agenda_item", [i.id for i in items]),
        item_kinds=ITEM_KIND_LABELS, languages=LANGUAGE_NAMES, pending=topics.pending,
        decided=topics.decided, held=topics.held,
        rsvp=rsvp_summary(meeting.id), zones=zone_groups(known_zones()), error=error,
        changeable=is_changeable(meeting, utc_now()), country_name=country_name,
        translation_gaps=content.translation_status(meeting).missing,
        form=form or {"date": local.date().isoformat(), "time": local.strftime("%H:%M"),
                      "zone": meeting.zone,
                      "duration": str(int((meeting.end_at - meeting.start_at)
                                          .total_seconds() // 60)),
                      "kind": ItemKind.DISCUSSION.value, "item_duration": "15"},
    ), status


def _back(meeting: Meeting, message: str):
    return done(message, url_for("workspace.meeting", meeting_id=meeting.id))


def _refused(meeting: Meeting, exc: InvalidInput):
    return _page(meeting, error=exc, form=request.form, status=status_of(exc))


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    return _page(managed_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/move")
def meeting_move(meeting_id: int):
    found = managed_meeting(meeting_id)
    try:
        zone = a_zone(request.form)
        move_meeting(found.id, a_moment(request.form, zone), now=utc_now(), actor=actor(),
                     zone=zone, duration_minutes=a_number(request.form, "duration", low=1,
                                                          high=1440),
                     reason=text(request.form, "reason", 2000),
                     past_held_by=request.form.get("past_held_by") == "on")
    except InvalidInput as exc:
        return _refused(found, exc)
    return _back(found, gettext("The meeting is moved; participants get the updated "
                                "invitation."))


@bp.post("/meetings/<int:meeting_id>/cancel")
def meeting_cancel(meeting_id: int):
    """Two steps without JavaScript: the first post shows what will happen (who is told)
    and asks again; only the confirmed post cancels."""
    found = managed_meeting(meeting_id)
    if request.form.get("confirmed") != "yes":
        return render_template("workspace/meeting_cancel.html", meeting=found,
                               title=series_title(found.series),
                               reason=text(request.form, "reason", 2000) or "",
                               told=sum(rsvp_summary(found.id).answers.values()))
    try:
        cancel_meeting(found.id, now=utc_now(), actor=actor(),
                       reason=text(request.form, "reason", 2000))
    except InvalidInput as exc:
        return _refused(found, exc)
    return _back(found, gettext("The meeting is cancelled; participants are told."))


def _item_fields() -> dict:
    form = request.form
    return {"kind": form.get("kind") or "", "title": text(form, "title", 200) or "",
            "presenter": text(form, "presenter", 200),
            "duration": a_number(form, "item_duration", 15, low=1, high=480),
            "language": form.get("language") or None,
            "written_in": form.get("written_in") or None}


@bp.post("/meetings/<int:meeting_id>/agenda")
def agenda_add(meeting_id: int):
    found = managed_meeting(meeting_id)
    try:
        agenda.add_item(found.id, now=utc_now(), actor=actor(), **_item_fields())
    except InvalidInput as exc:
        return _refused(found, exc)
    return _back(found, gettext("Item added to the draft."))


def _item(meeting_id: int, item_id: int) -> tuple[Meeting, AgendaItem]:
    found = managed_meeting(meeting_id)
    item = get_or_404(AgendaItem, item_id)
    if item.meeting_id != found.id:
        abort(404)
    return found, item


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/move")
def agenda_move(meeting_id: int, item_id: int):
    found, item = _item(meeting_id, item_id)
    step = -1 if request.form.get("direction") == "up" else 1
    try:
        agenda.move_item(item.id, item.position + step, now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return _refused(found, exc)
    return _back(found, gettext("Order changed."))


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/edit")
def agenda_edit(meeting_id: int, item_id: int):
    found, item = _item(meeting_id, item_id)
    try:
        agenda.update_item(item.id, now=utc_now(), actor=actor(), **_item_fields())
    except InvalidInput as exc:
        return _refused(found, exc)
    return _back(found, gettext("Item saved."))


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/remove")
def agenda_remove(meeting_id: int, item_id: int):
    found, item = _item(meeting_id, item_id)
    try:
        agenda.remove_item(item.id, now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return _refused(found, exc)
    return _back(found, gettext("Item removed."))


@bp.post("/meetings/<int:meeting_id>/agenda/publish")
def agenda_publish(meeting_id: int):
    found = managed_meeting(meeting_id)
    try:
        agenda.publish_agenda(found.id, now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return _refused(found, exc)
    return _back(found, gettext("The agenda is published and sent to the participants."))


@bp.post("/meetings/<int:meeting_id>/outcomes")
def release(meeting_id: int):
    found = managed_meeting(meeting_id)
    count = suggestions_service.release_outcomes(found.id, now=utc_now(), actor=actor())
    return _back(found, ngettext("%(num)s outcome announced.", "%(num)s outcomes announced.",
                                 count))


@bp.post("/meetings/<int:meeting_id>/outcomes/hold")
def hold(meeting_id: int):
    found = managed_meeting(meeting_id)
    held = request.form.get("hold") == "on"
    moderation.hold_outcomes(found.id, held, now=utc_now(), actor=actor())
    return _back(found, gettext("Outcomes are held until you announce them.") if held
                 else gettext("Each proposer is told the outcome as soon as it is decided."))


# --- moderation -------------------------------------------------------------------------

@bp.get("/suggestions")
def suggestions():
    """The moderation queue: every topic waiting for a decision, in the account's scope."""
    waiting = moderation.moderation_queue(me(), now=utc_now())
    return render_template("workspace/suggestions.html", waiting=waiting,
                           series_title=series_title)


@bp.post("/suggestions/<int:suggestion_id>/decide")
def decide(suggestion_id: int):
    suggestion = get_or_404(Suggestion, suggestion_id)
    found = suggestion.meeting
    allowed(permissions.can_manage_meeting(me(), found))
    try:
        moderation.decide_suggestion(suggestion.id, request.form.get("decision") or "",
                                     reason=text(request.form, "reason", 2000),
                                     into_id=an_id(request.form.get("into")),
                                     now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return _refused(found, exc)
    return _back(found, gettext("Decision saved."))
