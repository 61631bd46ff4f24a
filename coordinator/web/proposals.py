"""Written proposals to committees: asking for a link, writing, following, public summary."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from coordinator.agendas.proposals import (
    MAX_BODY,
    MAX_TITLE,
    PROPOSE_LINK,
    own_proposals,
    public_summary,
    submit_proposal,
)
from coordinator.agendas.suggestions import new_form_key
from coordinator.cadence.zones import utc_now
from coordinator.errors import InvalidInput, status_of
from coordinator.extensions import limiter
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.link_requests.models import LinkKind
from coordinator.link_requests.services import ask_for_link
from coordinator.models import Committee, Contact
from coordinator.reference.services import committees_in_order, find_committee
from coordinator.web.limits import per_link
from coordinator.web.personal_links import personal_link

bp = Blueprint("proposals", __name__)


@bp.route("/proposals", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def ask():
    committees = committees_in_order()
    sent = False
    if request.method == "POST":
        ask_for_link(LinkKind.PROPOSAL, request.form.get("email") or "", now=utc_now(),
                     committee=request.form.get("committee"))
        sent = True  # the same answer whether or not the address is known
    return render_template("proposals.html", committees=committees, sent=sent)


@bp.get("/committees/<slug>/proposals")
def summary(slug: str):
    committee = find_committee(slug)
    if committee is None:
        abort(404)
    return render_template("proposals_summary.html", committee=committee,
                           summary=public_summary(committee))


@bp.route("/propose/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute;100/day", key_func=per_link, methods=["POST"])
@personal_link(PROPOSE_LINK)
def write(writer: tuple[Contact, Committee], token: str):
    contact, committee = writer
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
            error, status = exc.message, status_of(exc)
    mine = own_proposals(contact, committee)
    return render_template("propose.html", committee=committee, contact=contact, mine=mine,
                           error=error, form=request.form if error else {},
                           form_key=new_form_key(), languages=LANGUAGE_NAMES,
                           saved=request.args.get("saved"), max_title=MAX_TITLE,
                           max_body=MAX_BODY), status
