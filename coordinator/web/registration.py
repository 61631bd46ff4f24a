"""Public CSO registration: the published criteria with the form, and the mailed link.

No JavaScript: a refused form comes back with every answer kept and each problem next to
its field; the confirmation link works on any phone.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale

from coordinator.cadence.zones import utc_now
from coordinator.extensions import limiter
from coordinator.i18n import LANGUAGE_NAMES, supported_language
from coordinator.models import Contact, Country, RegistrationState
from coordinator.people.registration import (
    CONFIRMATION_LINK,
    FIELDS,
    KIND_LABELS,
    LED_BY_LABELS,
    LINK_SECONDS,
    MAX_DESCRIPTION,
    MAX_NAME,
    MAX_WEBSITE,
    SCOPE_LABELS,
    STATE_LABELS,
    RegistrationRefused,
    confirm_registration,
    register_organisation,
    renew_confirmation,
    zones_of,
)
from coordinator.present import country_name, reading_order, zone_city
from coordinator.reference.services import all_countries
from coordinator.web.limits import per_link
from coordinator.web.personal_links import personal_link

bp = Blueprint("registration", __name__)

LISTS = ("kinds", "led_by", "countries", "languages")
KEEP = 20000  # what a refused form gives back: all of any sensible answer


def _countries() -> list[tuple[Country, str]]:
    named = [(c, country_name(c)) for c in all_countries()]
    return sorted(named, key=lambda pair: reading_order(pair[1]))


def _submitted() -> dict[str, Any]:
    """The form as typed, whole, so a refusal loses nothing."""
    values: dict[str, Any] = {f: (request.form.get(f) or "")[:KEEP]
                              for f in FIELDS if f not in LISTS}
    values.update({f: [v[:100] for v in request.form.getlist(f)[:50]] for f in LISTS})
    values["consent"] = request.form.get("consent") == "yes"
    return values


def _blank() -> dict[str, Any]:
    values: dict[str, Any] = {f: "" for f in FIELDS}
    values.update({f: [] for f in LISTS})
    values.update(consent=False, contact_language=supported_language(str(get_locale())))
    return values


def _page(values: dict[str, Any], errors: dict[str, str], status: int):
    countries = _countries()
    zones = [(name, [(zone, zone_city(zone)) for zone in zones_of(country)])
             for country, name in countries]
    return render_template(
        "registration/criteria.html", values=values, errors=errors, countries=countries,
        zones=zones, scopes=SCOPE_LABELS, kinds=KIND_LABELS, led_by=LED_BY_LABELS,
        languages=LANGUAGE_NAMES, days=LINK_SECONDS // 86400, max_name=MAX_NAME,
        max_description=MAX_DESCRIPTION, max_website=MAX_WEBSITE), status


@bp.route("/register", methods=["GET", "POST"])
# Only accepted forms count: someone correcting mistakes on a phone is never locked out.
@limiter.limit("5/minute;50/day", methods=["POST"],
               deduct_when=lambda response: response.status_code < 400)
# Refused forms do not count above (someone fixing mistakes is never locked out), but a
# flood of them still meets this ceiling.
@limiter.limit("30/minute", methods=["POST"])
def criteria():
    if request.method == "POST":
        values = _submitted()
        try:
            register_organisation(values, now=utc_now())
        except RegistrationRefused as exc:
            return _page(values, exc.errors, 422)
        # The same answer whether or not the address was already registered.
        return redirect(url_for("registration.sent"), code=303)
    return _page(_blank(), {}, 200)


@bp.get("/register/sent")
def sent():
    return render_template("registration/sent.html", days=LINK_SECONDS // 86400)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("10/minute;50/day", key_func=per_link, methods=["POST"])
@personal_link(CONFIRMATION_LINK)
def confirm(contact: Contact, token: str):
    """GET shows what is confirmed and a button; only the POST confirms (no change on GET:
    a mail scanner that opens the link confirms nothing)."""
    if request.method == "POST":
        organisation = confirm_registration(contact, now=utc_now())
    else:
        organisation = contact.organisation
        if organisation.registration_state == RegistrationState.PENDING:
            return render_template("registration/confirm.html",
                                   organisation=organisation, token=token)
    return render_template("registration/confirmed.html", organisation=organisation,
                           state=STATE_LABELS[organisation.registration_state])


@bp.post("/register/confirm/<token>/renew")
@limiter.limit("3/hour", key_func=per_link)
@personal_link(CONFIRMATION_LINK, renewing=True)
def renew(contact: Contact, token: str):
    organisation = renew_confirmation(contact, now=utc_now())
    if organisation.registration_state == RegistrationState.PENDING:
        return render_template("registration/sent.html", days=LINK_SECONDS // 86400,
                               renewed=True)
    return render_template("registration/confirmed.html", organisation=organisation,
                           state=STATE_LABELS[organisation.registration_state])
