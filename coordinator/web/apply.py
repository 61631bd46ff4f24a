"""Applying to a call for civil-society seats with a contact's personal link: the call, its
criteria and dates, and the organisation's application to send, change or withdraw until
the call closes (issue 17, point 2)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import lazy_gettext
from werkzeug.datastructures import MultiDict

from coordinator.agendas.suggestions import new_form_key
from coordinator.cadence.zones import utc_now
from coordinator.errors import Refusal, status_of
from coordinator.extensions import limiter
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.models import Contact
from coordinator.selection.applications import (
    APPLY_LINK,
    MAX_ACCESSIBILITY,
    MAX_ATTENDEES,
    MAX_MOTIVATION,
    MAX_NAME,
    MAX_OTHER,
    MAX_ROLE,
    ApplicationInput,
    application_of,
    edit_application,
    submit_application,
    withdraw_application,
)
from coordinator.selection.calls import call_state
from coordinator.selection.models import Application, ApplicationState, Call, Mechanism
from coordinator.web.limits import per_link
from coordinator.web.personal_links import personal_link

bp = Blueprint("applications", __name__)

MECHANISM_NAMES = {
    Mechanism.RCM: lazy_gettext("Regional Conference on Migration (Puebla Process)"),
    Mechanism.CSM: lazy_gettext("South American Conference on Migration"),
    Mechanism.QUITO: lazy_gettext("Quito Process"),
    Mechanism.MIRPS: lazy_gettext("MIRPS (Comprehensive Regional Protection and Solutions "
                                  "Framework)"),
    Mechanism.CARTAGENA: lazy_gettext("Cartagena +40"),
    Mechanism.MERCOSUR: lazy_gettext("Mercosur"),
    Mechanism.CARICOM: lazy_gettext("CARICOM"),
    Mechanism.UN_NETWORK: lazy_gettext("United Nations Regional Network on Migration"),
    Mechanism.OTHER: lazy_gettext("Other"),
}


def _input(form: MultiDict[str, str]) -> ApplicationInput:
    """The application as typed; the service checks every field."""
    attendees = []
    for n in range(1, MAX_ATTENDEES + 1):
        name = (form.get(f"attendee_name_{n}") or "").strip()
        role = (form.get(f"attendee_role_{n}") or "").strip()
        if name or role:
            attendees.append({"name": name[:MAX_NAME + 1], "role": role[:MAX_ROLE + 1]})
    return ApplicationInput(
        motivation=(form.get("motivation") or "")[:MAX_MOTIVATION + 1],
        attendees=attendees, online=form.get("seat") == "online",
        interpretation=form.getlist("interpretation"),
        accessibility=(form.get("accessibility") or "")[:MAX_ACCESSIBILITY + 1] or None,
        mechanisms=form.getlist("mechanisms"),
        other_mechanism=(form.get("other_mechanism") or "")[:MAX_OTHER + 1] or None,
        consent_publish=form.get("consent_publish") == "1",
        written_in=form.get("written_in") or None)


def _form_of(application: Application | None) -> dict[str, Any]:
    """What the form shows for an application already sent."""
    if application is None:
        return {}
    form: dict[str, Any] = {"motivation": application.motivation, "seat":
                  "online" if application.online else "in-person",
                  "interpretation": application.interpretation,
                  "accessibility": application.accessibility or "",
                  "mechanisms": application.mechanisms,
                  "other_mechanism": application.other_mechanism or "",
                  "consent_publish": "1" if application.consent_publish else "",
                  "written_in": application.written_in or ""}
    for n, person in enumerate(application.attendees, start=1):
        form[f"attendee_name_{n}"] = person.get("name", "")
        form[f"attendee_role_{n}"] = person.get("role", "")
    return form


def _page(contact: Contact, call: Call, *, error: Refusal | None = None,
          form: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
    now = utc_now()
    mine = application_of(contact.organisation, call)
    standing = mine if mine is not None and mine.state != ApplicationState.WITHDRAWN else None
    return render_template(
        "apply.html", contact=contact, call=call, application=standing,
        editable=standing is None or standing.contact_id == contact.id,
        open=call_state(call, now) == "open", error=error,
        form=form if form is not None else _form_of(standing), form_key=new_form_key(),
        languages=LANGUAGE_NAMES, mechanisms=MECHANISM_NAMES, max_attendees=MAX_ATTENDEES,
        saved=request.args.get("saved"), withdrawn=request.args.get("withdrawn")), status


@bp.route("/apply/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute;100/day", key_func=per_link, methods=["POST"])
@personal_link(APPLY_LINK)
def apply(applicant: tuple[Contact, Call], token: str):
    contact, call = applicant
    if request.method == "POST":
        data = _input(request.form)
        mine = application_of(contact.organisation, call)
        try:
            if (mine is not None and mine.state != ApplicationState.WITHDRAWN
                    and mine.contact_id == contact.id):
                edit_application(contact, call, data, now=utc_now())
            else:
                submit_application(contact, call, data,
                                   form_key=request.form.get("form_key", ""), now=utc_now())
        except Refusal as exc:
            kept: dict[str, Any] = dict(request.form.items())  # what was typed stays
            kept["interpretation"] = request.form.getlist("interpretation")
            kept["mechanisms"] = request.form.getlist("mechanisms")
            return _page(contact, call, error=exc, form=kept, status=status_of(exc))
        return redirect(url_for("applications.apply", token=token, saved=1), code=303)
    return _page(contact, call)


@bp.post("/apply/<token>/withdraw")
@limiter.limit("10/minute", key_func=per_link)
@personal_link(APPLY_LINK)
def withdraw(applicant: tuple[Contact, Call], token: str):
    contact, call = applicant
    try:
        withdraw_application(contact, call, now=utc_now())
    except Refusal as exc:
        return _page(contact, call, error=exc, status=status_of(exc))
    return redirect(url_for("applications.apply", token=token, withdrawn=1), code=303)
