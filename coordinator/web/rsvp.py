"""Answering an invitation through the personal link in the mail: no account needed.

GET only shows the form (mail scanners follow links); the answer is a POST.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from coordinator.cadence.zones import utc_now
from coordinator.extensions import limiter
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.present import series_title
from coordinator.services.errors import InvalidInput, NotFound
from coordinator.services.rsvp import (
    LinkGone,
    answer_invitation,
    invitation_for,
)
from coordinator.web.limits import per_link

bp = Blueprint("rsvp", __name__, url_prefix="/rsvp")
ANSWER_CHOICES = ("accepted", "tentative", "declined")


def _page(token: str, invitation, status: int = 200, **extra):
    return render_template(
        "rsvp.html", token=token, invitation=invitation, meeting=invitation.meeting,
        title=series_title(invitation.meeting.series), languages=LANGUAGE_NAMES,
        answers=ANSWER_CHOICES, **extra), status


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("30/minute;300/day", key_func=per_link, methods=["POST"])
def answer(token: str):
    now = utc_now()
    try:
        invitation = invitation_for(token, now)
    except NotFound:
        return render_template("link_problem.html", problem="invalid"), 404
    except LinkGone:
        return render_template("link_problem.html", problem="gone"), 410
    if request.method == "GET":
        chosen = request.args.get("answer", "")
        return _page(token, invitation,
                     chosen=chosen if chosen in ANSWER_CHOICES else invitation.answer.value)
    form = request.form
    try:
        answer_invitation(token, answer=form.get("answer", ""), speaks=form.get("speaks"),
                          interpretation_into=form.get("interpretation"), now=now)
    except InvalidInput as exc:
        return _page(token, invitation, status=422, chosen=form.get("answer", ""),
                     error=exc.message)
    return _page(token, invitation, chosen=form.get("answer"), saved=True)
