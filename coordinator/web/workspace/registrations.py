"""The secretariat's review of CSO registrations: confirmed ones first, each with its answers."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext

from coordinator.cadence.zones import utc_now
from coordinator.errors import Conflict, InvalidInput
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.models import Organisation
from coordinator.people import registration as service
from coordinator.people.organisations import history_of, review_queue
from coordinator.present import country_name
from coordinator.web.workspace import actor, bp, done, form_text, get_or_404, secretariat_only

SHOWN = 200  # rows per state on the list; older decisions stay in the database
KEEP = 20000  # a refused reason comes back whole

def _labels() -> dict:
    return {"scopes": service.SCOPE_LABELS, "kinds": service.KIND_LABELS,
            "led_by": service.LED_BY_LABELS, "states": service.STATE_LABELS,
            "languages": LANGUAGE_NAMES, "country_name": country_name}


@bp.get("/registrations")
@secretariat_only
def registrations():
    groups = [(g.state, g.rows, g.total) for g in review_queue(SHOWN)]
    return render_template("workspace/registrations.html", groups=groups, shown=SHOWN,
                           **_labels())


def _detail(organisation: Organisation, *, errors: dict[str, str] | None = None,
            values: dict[str, str] | None = None, status: int = 200):
    history = history_of(organisation.id)
    return render_template("workspace/registration.html", organisation=organisation,
                           history=history, errors=errors or {}, values=values or {},
                           max_reason=service.MAX_REASON, **_labels()), status


@bp.get("/registrations/<int:organisation_id>")
@secretariat_only
def registration(organisation_id: int):
    return _detail(get_or_404(Organisation, organisation_id))


@bp.post("/registrations/<int:organisation_id>/approve")
@secretariat_only
def approve_registration(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    note = form_text("note", KEEP)
    try:
        service.approve_registration(organisation.id, note=note, now=utc_now(), actor=actor())
    except Conflict as exc:
        return _detail(organisation, errors={"decision": exc.message},
                       values={"note": note}, status=409)
    except InvalidInput as exc:
        return _detail(organisation, errors={"note": exc.message}, values={"note": note},
                       status=422)
    return done(gettext("Approved: %(name)s. Its contacts are told by e-mail.",
                        name=organisation.name), url_for("workspace.registrations"))


@bp.post("/registrations/<int:organisation_id>/decline")
@secretariat_only
def decline_registration(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    reason = form_text("reason", KEEP)
    try:
        service.decline_registration(organisation.id, reason, now=utc_now(), actor=actor())
    except Conflict as exc:
        return _detail(organisation, errors={"decision": exc.message},
                       values={"reason": reason}, status=409)
    except InvalidInput as exc:
        return _detail(organisation, errors={"reason": exc.message}, values={"reason": reason},
                       status=422)
    return done(gettext("Declined: %(name)s. Its contacts receive the reason by e-mail.",
                        name=organisation.name), url_for("workspace.registrations"))
