"""The attendance register of one meeting: was it held, and which organisations came."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext

from coordinator.cadence.zones import utc_now
from coordinator.errors import N_, InvalidInput, status_of
from coordinator.meetings import attendance as service
from coordinator.models import Meeting
from coordinator.present import series_title
from coordinator.web.workspace import (
    actor,
    an_id,
    bp,
    done,
    managed_meeting,
)
from coordinator.web.workspace.forms import text


def _page(meeting: Meeting, *, error: InvalidInput | None = None, form=None,
          status: int = 200):
    sheet = service.attendance_sheet(meeting.id, now=utc_now())
    if form is not None:  # a refused form comes back as it was sent
        values = {"held": form.get("held", ""), "note": form.get("note", ""),
                  "present": {an_id(v) for v in form.getlist("organisation")}}
    elif sheet.record is not None:
        values = {"held": "yes" if sheet.record.held else "no",
                  "note": sheet.record.note or "", "present": sheet.present}
    else:
        values = {"held": "", "note": "", "present": set()}
    return render_template("workspace/attendance.html", sheet=sheet, meeting=meeting,
                           title=series_title(meeting.series), values=values, error=error,
                           max_note=service.MAX_NOTE), status


@bp.get("/meetings/<int:meeting_id>/attendance")
def attendance(meeting_id: int):
    return _page(managed_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/attendance")
def attendance_record(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    form = request.form
    try:
        held = {"yes": True, "no": False}.get(form.get("held", ""))
        if held is None:
            raise InvalidInput(N_("Say whether the meeting was held."), field="held")
        ids = [an_id(v) for v in form.getlist("organisation")]
        if None in ids:
            raise InvalidInput(N_("Choose organisations from the list."),
                               field="organisations")
        service.record_attendance(meeting.id, held=held,
                                  organisation_ids=[i for i in ids if i is not None],
                                  note=text(form, "note", service.MAX_NOTE), now=utc_now(),
                                  actor=actor())
    except InvalidInput as exc:
        return _page(meeting, error=exc, form=form, status=status_of(exc))
    return done(gettext("Attendance recorded. The tracker counts the meeting as held only "
                        "when it is recorded as held."),
                url_for("workspace.attendance", meeting_id=meeting.id))
