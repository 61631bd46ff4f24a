"""The participant's topic page, opened from the personal link in the mail.

Works without JavaScript on a phone: one form to propose, one per own topic to edit or
withdraw, the meeting's deadlines and the draft agenda so far.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import force_locale
from sqlalchemy import select

from coordinator.cadence.zones import utc_now
from coordinator.extensions import db, limiter
from coordinator.i18n import LANGUAGE_NAMES, supported_language
from coordinator.links import BadLink, unsign
from coordinator.models import Suggestion
from coordinator.present import series_title
from coordinator.services.agenda import draft_items
from coordinator.services.errors import Conflict, InvalidInput, NotFound
from coordinator.services.suggestions import (
    MAX_DESCRIPTION,
    MAX_TITLE,
    LinkProblem,
    edit_suggestion,
    invitation_for,
    new_form_key,
    renew_link,
    submit_suggestion,
    window_open,
    withdraw_suggestion,
)
from coordinator.web.limits import per_link

bp = Blueprint("suggest", __name__)


def _problem(problem: LinkProblem, token: str):
    return render_template("suggest_problem.html", problem=problem.kind, token=token,
                           can_renew=problem.kind in ("replaced", "closed") and
                           problem.invitation is not None and
                           window_open(problem.invitation.meeting, utc_now())), problem.status


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
def page(token: str):
    now = utc_now()
    try:
        invitation = invitation_for(token, now, writing=False)
    except LinkProblem as problem:
        return _problem(problem, token)
    error = None
    saved = None
    status = 200
    if request.method == "POST":
        action = request.form.get("action", "submit")
        try:
            if action == "withdraw":
                withdraw_suggestion(token, _id(), now=now)
                saved = "withdrawn"
            elif action == "edit":
                edit_suggestion(token, _id(), now=now, **_fields())
                saved = "edited"
            else:
                submit_suggestion(token, form_key=request.form.get("form_key", ""), now=now,
                                  **_fields())
                saved = "submitted"
        except LinkProblem as problem:
            return _problem(problem, token)
        except (InvalidInput, Conflict, NotFound) as exc:
            error, status = exc.message, 422
        if error is None:
            # Post/redirect/get: a reload does not resubmit.
            return redirect(url_for("suggest.page", token=token, saved=saved), code=303)
    meeting = invitation.meeting
    own = db.session.scalars(select(Suggestion).where(
        Suggestion.meeting_id == meeting.id, Suggestion.contact_id == invitation.contact_id)
        .order_by(Suggestion.created_at)).all()
    language = request.args.get("lang") or supported_language(invitation.contact.language)
    with force_locale(language if language in LANGUAGE_NAMES else "en"):
        return render_template(
            "suggest.html", token=token, invitation=invitation, meeting=meeting,
            title=series_title(meeting.series), deadlines=meeting.deadlines,
            open=window_open(meeting, now), agenda=draft_items(meeting, db.session),
            own=own, error=error, saved=saved or request.args.get("saved"),
            form=request.form if error else {}, form_key=new_form_key(),
            languages=LANGUAGE_NAMES, max_title=MAX_TITLE, max_description=MAX_DESCRIPTION,
            zone=invitation.contact.zone, lang=language), status


def _id() -> int:
    try:
        return int(request.form.get("suggestion", ""))
    except ValueError as exc:
        raise NotFound("No such suggestion.") from exc


@bp.post("/suggest/<token>/renew")
@limiter.limit("5/hour", key_func=per_link)
def renew(token: str):
    try:
        sent = renew_link(token, now=utc_now())
    except LinkProblem as problem:
        return _problem(problem, token)
    return render_template("suggest_renewed.html", sent=sent)


@bp.get("/suggestions/<token>")
def status(token: str):
    try:
        suggestion = db.session.get(Suggestion, int(unsign("suggestion", token)["s"]))
    except (BadLink, KeyError, TypeError, ValueError):
        suggestion = None
    if suggestion is None:
        return render_template("link_problem.html", problem="invalid"), 404
    return render_template("suggestion_status.html", suggestion=suggestion,
                           title=series_title(suggestion.meeting.series))
