"""The participant's topic page, opened from the personal link in the mail.

Works without JavaScript on a phone: one form to propose, one per own topic to edit or
withdraw, the meeting's deadlines and the draft agenda so far.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import force_locale

from coordinator.agendas.services import draft_items
from coordinator.agendas.suggestions import (
    MAX_DESCRIPTION,
    MAX_TITLE,
    STATUS_LINK,
    SUGGEST_LINK,
    edit_suggestion,
    new_form_key,
    own_suggestions,
    renew_link,
    submit_suggestion,
    window_open,
    withdraw_suggestion,
)
from coordinator.cadence.zones import utc_now
from coordinator.errors import N_, Conflict, InvalidInput, NotFound, status_of
from coordinator.extensions import limiter
from coordinator.i18n import LANGUAGE_NAMES, supported_language
from coordinator.models import Invitation, Suggestion
from coordinator.present import series_title
from coordinator.web.limits import per_link
from coordinator.web.personal_links import personal_link

bp = Blueprint("suggest", __name__)


def _fields() -> dict:
    form = request.form
    try:
        minutes = int(form.get("minutes") or 10)
    except ValueError:
        minutes = -1
    return {"title": form.get("title", ""), "description": form.get("description", ""),
            "link": form.get("link"), "language": form.get("language", ""),
            "minutes": minutes, "show_name": form.get("show_name") == "yes"}


@bp.route("/suggest/<token>", methods=["GET", "POST"])
@limiter.limit("20/minute;200/day", key_func=per_link, methods=["POST"],
               error_message="Too many submissions from this link; wait a minute.")
@personal_link(SUGGEST_LINK)
def page(invitation: Invitation, token: str):
    now = utc_now()
    error = None
    saved = None
    status = 200
    if request.method == "POST":
        action = request.form.get("action", "submit")
        try:
            if action == "withdraw":
                withdraw_suggestion(invitation, _id(), now=now)
                saved = "withdrawn"
            elif action == "edit":
                edit_suggestion(invitation, _id(), now=now, **_fields())
                saved = "edited"
            else:
                submit_suggestion(invitation, form_key=request.form.get("form_key", ""),
                                  now=now, **_fields())
                saved = "submitted"
        except (InvalidInput, Conflict, NotFound) as exc:
            error, status = exc.message, status_of(exc)
        if error is None:
            # Post/redirect/get: a reload does not resubmit.
            return redirect(url_for("suggest.page", token=token, saved=saved), code=303)
    meeting = invitation.meeting
    own = own_suggestions(invitation)
    language = request.args.get("lang") or supported_language(invitation.contact.language)
    with force_locale(language if language in LANGUAGE_NAMES else "en"):
        return render_template(
            "suggest.html", token=token, invitation=invitation, meeting=meeting,
            title=series_title(meeting.series), deadlines=meeting.deadlines,
            open=window_open(meeting, now), agenda=draft_items(meeting),
            own=own, error=error, saved=saved or request.args.get("saved"),
            form=request.form if error else {}, form_key=new_form_key(),
            languages=LANGUAGE_NAMES, max_title=MAX_TITLE, max_description=MAX_DESCRIPTION,
            zone=invitation.contact.zone, lang=language), status


def _id() -> int:
    try:
        return int(request.form.get("suggestion", ""))
    except ValueError as exc:
        raise NotFound(N_("No such suggestion.")) from exc


@bp.post("/suggest/<token>/renew")
@limiter.limit("5/hour", key_func=per_link)
@personal_link(SUGGEST_LINK, renewing=True)
def renew(invitation: Invitation, token: str):
    sent = renew_link(invitation, now=utc_now())
    return render_template("suggest_renewed.html", sent=sent)


@bp.get("/suggestions/<token>")
@personal_link(STATUS_LINK)
def status(suggestion: Suggestion, token: str):
    return render_template("suggestion_status.html", suggestion=suggestion,
                           title=series_title(suggestion.meeting.series))
