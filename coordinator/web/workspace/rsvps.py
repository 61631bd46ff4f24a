"""Who answered a meeting's invitation, in what language, needing which interpretation:
the page coordinators book the room and the interpreters from, and its CSV."""

from __future__ import annotations

from flask import Response, render_template

from coordinator.invitations.rsvp import ANSWER_LABELS, language_name, rsvp_details, rsvps_csv
from coordinator.present import series_title
from coordinator.web.workspace import bp, managed_meeting


@bp.get("/meetings/<int:meeting_id>/rsvps")
def meeting_rsvps(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    return render_template("workspace/rsvps.html", details=rsvp_details(meeting.id),
                           title=series_title(meeting.series), answers=ANSWER_LABELS,
                           language_name=language_name)


@bp.get("/meetings/<int:meeting_id>/rsvps.csv")
def meeting_rsvps_csv(meeting_id: int):
    meeting = managed_meeting(meeting_id)
    filename = f"rsvps-meeting-{meeting.id}-{meeting.start_local.date().isoformat()}.csv"
    return Response(rsvps_csv(meeting.id).encode("utf-8"),
                    mimetype="text/csv", headers={
                        "Content-Disposition": f'attachment; filename="{filename}"',
                        "Cache-Control": "private, no-store"})
