"""Civil society's contributions on a commitment: asking for a personal link by address,
and the link's page (propose an indicator or submit evidence, follow what was sent)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from coordinator.agendas.suggestions import new_form_key
from coordinator.cadence.zones import utc_now
from coordinator.errors import InvalidInput, status_of
from coordinator.extensions import limiter
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.link_requests.models import LinkKind
from coordinator.link_requests.services import ask_for_link
from coordinator.models import Contact
from coordinator.outcomes.commitments import commitments
from coordinator.outcomes.contributions import (
    CONTRIBUTE_LINK,
    MAX_TEXT,
    SETTLED,
    own_contributions,
    responsible_label,
    submit_contribution,
)
from coordinator.outcomes.indicators import MAX_NAME, MAX_UNIT_LABEL, UNITS, IndicatorSpec
from coordinator.outcomes.models import Commitment, ContributionKind, Direction, IndicatorKind
from coordinator.web.limits import per_link
from coordinator.web.personal_links import personal_link

bp = Blueprint("contributions", __name__)


def _number(value: str | None) -> float | None:
    """A typed number, or None for the service to refuse ("Give a number.")."""
    try:
        return float((value or "").strip().replace(",", "."))
    except ValueError:
        return None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _indicator(form: MultiDict[str, str]) -> IndicatorSpec | None:
    """The proposed indicator as typed; the service checks it as any indicator."""
    if form.get("kind") != ContributionKind.INDICATOR:
        return None
    return IndicatorSpec(kind=form.get("indicator_kind", ""), name=form.get("name", ""),
                         unit=form.get("unit") or None, unit_label=form.get("unit_label"),
                         baseline=_number(form.get("baseline")),
                         baseline_on=_day(form.get("baseline_on")),
                         target=_number(form.get("target")),
                         direction=form.get("direction") or None)


def _commitment_id(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


@bp.route("/contribute/ask", methods=["GET", "POST"])
@limiter.limit("10/minute", methods=["POST"])
def ask():
    sent = False
    if request.method == "POST":
        # Only queued: the scheduler's link-requests job looks the address up, so the
        # answer's time tells nobody whether the address is registered.
        ask_for_link(LinkKind.CONTRIBUTION, request.form.get("email") or "", now=utc_now(),
                     commitment_id=_commitment_id(request.form.get("commitment")))
        sent = True  # the same answer whether or not the address is known
    open_ones = [c for c in commitments() if c.status not in SETTLED]
    return render_template("contribute_ask.html", commitments=open_ones, sent=sent,
                           chosen=_commitment_id(request.args.get("commitment")))


@bp.route("/contribute/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute;100/day", key_func=per_link, methods=["POST"])
@personal_link(CONTRIBUTE_LINK)
def write(writer: tuple[Contact, Commitment], token: str):
    contact, commitment = writer
    error, status = None, 200
    if request.method == "POST":
        form = request.form
        try:
            submit_contribution(contact, commitment, kind=form.get("kind", ""),
                                form_key=form.get("form_key", ""),
                                text=form.get("text", ""), language=form.get("language", ""),
                                url=form.get("url") or None, indicator=_indicator(form),
                                now=utc_now())
            return redirect(url_for("contributions.write", token=token, saved=1), code=303)
        except InvalidInput as exc:
            error, status = exc.message, status_of(exc)
    return render_template(
        "contribute.html", commitment=commitment, contact=contact,
        responsible=responsible_label(commitment), mine=own_contributions(contact, commitment),
        error=error, form=request.form if error else {}, form_key=new_form_key(),
        languages=LANGUAGE_NAMES, saved=request.args.get("saved"),
        closed=commitment.status in SETTLED, units=UNITS, directions=list(Direction),
        indicator_kinds=list(IndicatorKind), max_text=MAX_TEXT, max_name=MAX_NAME,
        max_unit_label=MAX_UNIT_LABEL), status
