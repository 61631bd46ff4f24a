"""Organisations and their contacts."""

from __future__ import annotations

from coordinator.accounts.permissions import is_secretariat
from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import allowed, caller, required
from coordinator.api.out import next_offset, organisation_out
from coordinator.api.spec import json_response
from coordinator.people.organisations import contacts_of, organisations_for


@registry.operation(bp, "GET", "/organisations", summary="Civil-society organisations",
                    tag="organisations", query=s.OrganisationQuery,
                    response=s.OrganisationPage)
def organisations(query: s.OrganisationQuery):
    """Approved organisations for everyone; with a secretariat token, every registration
    state (filter with `state`)."""
    account = caller()
    secretariat = is_secretariat(account)
    found = organisations_for(account, state=query.state, country=query.country,
                              limit=query.limit, offset=query.offset)
    rows, total = found.rows, found.total
    return json_response(s.OrganisationPage(
        items=[organisation_out(o, private=secretariat) for o in rows], total=total,
        next_offset=next_offset(query.offset, query.limit, total)))


@registry.operation(bp, "GET", "/organisations/{organisation_id}/contacts",
                    summary="The contacts of an organisation", tag="organisations",
                    response=s.ContactList, token=True)
def contacts(organisation_id: int):
    """Personal data: for the secretariat only."""
    allowed(is_secretariat(required()))
    rows = contacts_of(organisation_id)
    return json_response(s.ContactList(items=[s.ContactOut(
        id=c.id, name=c.name, email=c.email, language=c.language, zone=c.zone,
        active=c.active) for c in rows]))
