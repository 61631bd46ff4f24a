"""Answering an invitation through the personal link in the mail: no account needed.

GET only shows the form, with the answer chosen in the mail (?answer=) ticked: mail
scanners follow links, so only the POST of its button records anything.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from coordinator.cadence.zones import utc_now
from coordinator.errors import Conflict, InvalidInput, status_of
from coordinator.extensions import limiter
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.invitations.rsvp import answer_invitation
from coordinator.links import RSVP_LINK
from coordinator.models import Invitation
from coordinator.present import series_title
from coordinator.web.limits import per_link
from coordinator.web.personal_links import personal_link

bp = Blueprint("rsvp", __name__, url_prefix="/rsvp")
ANSWER_CHOICES = ("accepted", "tentative", "declined")


def _page(token: str, invitation: Invitation, status: int = 200, **extra):
    return render_template(
        "rsvp.html", token=token, invitation=invitation, meeting=invitation.meeting,
        title=series_title(invitation.meeting.series), languages=LANGUAGE_NAMES,
        answers=ANSWER_CHOICES, **extra), status


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit("30/minute;300/day", key_func=per_link, methods=["POST"])
@personal_link(RSVP_LINK)
def answer(invitation: Invitation, token: str):
    if request.method == "GET":
        chosen = request.args.get("answer", "")
        return _page(token, invitation,
                     chosen=chosen if chosen in ANSWER_CHOICES else invitation.answer.value)
    form = request.form
    try:
        answer_invitation(invitation, answer=form.get("answer", ""), speaks=form.get("speaks"),
                          interpretation_into=form.get("interpretation"), now=utc_now())
    except (InvalidInput, Conflict) as exc:
        return _page(token, invitation, status=status_of(exc), chosen=form.get("answer", ""),
                     error=exc.message)
    return _page(token, invitation, chosen=form.get("answer"), saved=True)
