"""Organisations and contacts after registration: the secretariat, and the special
coordinator of an organisation's country, correct names, websites and contacts."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext, ngettext

from coordinator.accounts.permissions import can_edit_organisation, is_secretariat
from coordinator.cadence.zones import utc_now
from coordinator.errors import InvalidInput, NotFound, Refusal, status_of
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.models import Contact, Organisation
from coordinator.people import editing as service
from coordinator.present import country_name
from coordinator.reference.services import all_countries
from coordinator.web.workspace import actor, allowed, bp, done, get_or_404, me
from coordinator.web.workspace.forms import text
from coordinator.web.zone_choices import zone_groups


@bp.get("/organisations")
def organisations():
    """The organisations this account may edit (none for a committee coordinator)."""
    return render_template("workspace/organisations.html",
                           organisations=service.editable_organisations(me()),
                           country_name=country_name)


def _organisation_page(organisation: Organisation, form: dict | None = None,
                       error: Refusal | None = None, status: int = 200):
    values = form or {"name": organisation.name, "website": organisation.website or "",
                      "countries": [c.iso for c in organisation.countries]}
    countries = sorted(all_countries(), key=country_name)
    return render_template(
        "workspace/organisation_edit.html", organisation=organisation, form=values,
        error=error, secretariat=is_secretariat(me()),
        countries=[(c.iso, country_name(c)) for c in countries],
        languages=LANGUAGE_NAMES, country_name=country_name), status


@bp.get("/organisations/<int:organisation_id>/edit")
def organisation_edit(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    allowed(can_edit_organisation(me(), organisation))
    return _organisation_page(organisation)


@bp.post("/organisations/<int:organisation_id>/edit")
def organisation_save(organisation_id: int):
    organisation = get_or_404(Organisation, organisation_id)
    allowed(can_edit_organisation(me(), organisation))
    form = request.form
    secretariat = is_secretariat(me())
    values = {"name": form.get("name", ""), "website": form.get("website", ""),
              "countries": form.getlist("countries")}
    try:
        service.edit_organisation(
            organisation.id, name=text(form, "name", 300) or "",
            website=text(form, "website", 400) or "",
            countries=values["countries"] if secretariat else None,
            now=utc_now(), actor=actor())
    except (InvalidInput, NotFound) as exc:
        return _organisation_page(organisation, values, exc, status_of(exc))
    return done(gettext("Saved: %(name)s.", name=organisation.name),
                url_for("workspace.organisation_edit", organisation_id=organisation.id))


def _contact_page(contact: Contact, form: dict | None = None,
                  error: Refusal | None = None, status: int = 200):
    values = form or {"name": contact.name, "email": contact.email,
                      "language": contact.language, "zone": contact.zone,
                      "active": "yes" if contact.active else ""}
    return render_template(
        "workspace/contact_edit.html", contact=contact, organisation=contact.organisation,
        form=values, error=error, languages=list(LANGUAGE_NAMES.items()),
        zones=zone_groups(service.zone_choices())), status


@bp.get("/contacts/<int:contact_id>/edit")
def contact_edit(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    allowed(can_edit_organisation(me(), contact.organisation))
    return _contact_page(contact)


@bp.post("/contacts/<int:contact_id>/edit")
def contact_save(contact_id: int):
    contact = get_or_404(Contact, contact_id)
    allowed(can_edit_organisation(me(), contact.organisation))
    form = request.form
    values = {"name": form.get("name", ""), "email": form.get("email", ""),
              "language": form.get("language", ""), "zone": form.get("zone", ""),
              "active": "yes" if form.get("active") else ""}
    try:
        edited = service.edit_contact(
            contact.id, name=text(form, "name", 300) or "", email=text(form, "email", 300) or "",
            language=values["language"], zone=values["zone"], active=bool(values["active"]),
            now=utc_now(), actor=actor())
    except (InvalidInput, NotFound) as exc:
        return _contact_page(contact, values, exc, status_of(exc))
    message = gettext("Saved: %(name)s.", name=edited.contact.name)
    if edited.requeued:
        message += " " + ngettext("%(num)s e-mail that had failed goes out again to the new "
                                  "address.", "%(num)s e-mails that had failed go out again "
                                  "to the new address.", edited.requeued)
    return done(message, url_for("workspace.organisation_edit",
                                 organisation_id=edited.contact.organisation_id))
