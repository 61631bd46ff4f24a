"""Organisations and their contacts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import allowed, caller, required
from coordinator.api.out import next_offset, organisation_out
from coordinator.api.spec import json_response
from coordinator.extensions import db
from coordinator.models import Contact, Country, Organisation, RegistrationState
from coordinator.services.errors import NotFound
from coordinator.services.permissions import is_secretariat


@registry.operation(bp, "GET", "/organisations", summary="Civil-society organisations",
                    tag="organisations", query=s.OrganisationQuery,
                    response=s.OrganisationPage)
def organisations(query: s.OrganisationQuery):
    """Approved organisations for everyone; with a secretariat token, every registration
    state (filter with `state`)."""
    account = caller()
    secretariat = is_secretariat(account)
    stmt = select(Organisation)
    if secretariat:
        if query.state:
            stmt = stmt.where(Organisation.registration_state == query.state)
    else:
        stmt = stmt.where(Organisation.registration_state == RegistrationState.APPROVED)
    if query.country:
        stmt = stmt.where(Organisation.countries.any(Country.iso == query.country))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.options(selectinload(Organisation.countries))
                              .order_by(Organisation.name, Organisation.id)
                              .limit(query.limit).offset(query.offset))
    return json_response(s.OrganisationPage(
        items=[organisation_out(o, private=secretariat) for o in rows], total=total,
        next_offset=next_offset(query.offset, query.limit, total)))


@registry.operation(bp, "GET", "/organisations/{organisation_id}/contacts",
                    summary="The contacts of an organisation", tag="organisations",
                    response=s.ContactList, token=True)
def contacts(organisation_id: int):
    """Personal data: for the secretariat only."""
    allowed(is_secretariat(required()))
    if db.session.get(Organisation, organisation_id) is None:
        raise NotFound(f"No organisation {organisation_id}.")
    rows = db.session.scalars(select(Contact).where(Contact.organisation_id == organisation_id)
                              .order_by(Contact.id))
    return json_response(s.ContactList(items=[s.ContactOut(
        id=c.id, name=c.name, email=c.email, language=c.language, zone=c.zone,
        active=c.active) for c in rows]))
