"""Written proposals to committees: asking for a link, writing, following, public summary."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from coordinator.cadence.zones import utc_now
from coordinator.extensions import db, limiter
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.link_requests.models import LinkKind
from coordinator.link_requests.services import ask_for_link
from coordinator.links import BadLink, ExpiredLink, unsign_timed
from coordinator.models import Committee, Contact, Proposal, RegistrationState
from coordinator.services.errors import InvalidInput
from coordinator.services.proposals import (
    LINK_SECONDS,
    MAX_BODY,
    MAX_TITLE,
    public_summary,
    submit_proposal,
)
from coordinator.services.suggestions import new_form_key
from coordinator.web.limits import per_link

bp = Blueprint("proposals", __name__)


@bp.route("/proposals", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def ask():
    committees = db.session.scalars(select(Committee).order_by(Committee.pillar,
                                                               Committee.id)).all()
    sent = False
    if request.method == "POST":
        ask_for_link(LinkKind.PROPOSAL, request.form.get("email") or "", now=utc_now(),
                     committee=request.form.get("committee"))
        sent = True  # the same answer whether or not the address is known
    return render_template("proposals.html", committees=committees, sent=sent)


@bp.get("/committees/<slug>/proposals")
def summary(slug: str):
    committee = db.session.scalar(select(Committee).where(Committee.slug == slug[:80]))
    if committee is None:
        abort(404)
    return render_template("proposals_summary.html", committee=committee,
                           summary=public_summary(committee))


@bp.route("/propose/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute;100/day", key_func=per_link, methods=["POST"])
def write(token: str):
    try:
        payload = unsign_timed("propose", token, LINK_SECONDS)
        contact = db.session.get(Contact, int(payload["c"]))
        committee = db.session.get(Committee, int(payload["m"]))
    except ExpiredLink:
        return render_template("link_problem.html", problem="expired"), 410
    except (BadLink, KeyError, TypeError, ValueError):
        return render_template("link_problem.html", problem="invalid"), 403
    if contact is None or committee is None or not contact.active or \
            contact.organisation.registration_state != RegistrationState.APPROVED:
        return render_template("link_problem.html", problem="gone"), 410
    error, status = None, 200
    if request.method == "POST":
        try:
            submit_proposal(contact, committee, form_key=request.form.get("form_key", ""),
                            title=request.form.get("title", ""),
                            body=request.form.get("body", ""),
                            language=request.form.get("language", ""),
                            show_name=request.form.get("show_name") == "yes", now=utc_now())
            return redirect(url_for("proposals.write", token=token, saved=1), code=303)
        except InvalidInput as exc:
            error, status = exc.message, 422
    mine = db.session.scalars(select(Proposal).where(
        Proposal.contact_id == contact.id, Proposal.committee_id == committee.id)
        .order_by(Proposal.created_at.desc())).all()
    return render_template("propose.html", committee=committee, contact=contact, mine=mine,
                           error=error, form=request.form if error else {},
                           form_key=new_form_key(), languages=LANGUAGE_NAMES,
                           saved=request.args.get("saved"), max_title=MAX_TITLE,
                           max_body=MAX_BODY), status
