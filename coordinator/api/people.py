"""Organisations and their contacts: reading them, and correcting them."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from coordinator.accounts.permissions import can_edit_organisation, is_secretariat
from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import allowed, api_actor, caller, required
from coordinator.api.out import next_offset, organisation_out
from coordinator.api.spec import json_response
from coordinator.cadence.zones import utc_now
from coordinator.people.editing import (
    edit_contact,
    edit_organisation,
    find_contact,
    find_organisation,
)
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


class OrganisationPatch(s.Input):
    """Only the fields given change; `website: ""` removes it."""

    name: str | None = Field(None, max_length=300)
    website: str | None = Field(None, max_length=400)
    countries: list[Annotated[str, Field(max_length=2)]] | None = Field(
        None, max_length=40, description="ISO codes; the secretariat only.")


class ContactPatch(s.Input):
    """Only the fields given change. A new address receives again the mail that failed
    to the old one."""

    name: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=300)
    language: str | None = Field(None, max_length=8)
    zone: str | None = Field(None, max_length=64)
    active: bool | None = None


@registry.operation(bp, "PATCH", "/organisations/{organisation_id}",
                    summary="Correct an organisation", tag="organisations",
                    body=OrganisationPatch, response=s.OrganisationOut, token=True,
                    errors=(404, 422))
def organisation_patch(organisation_id: int, body: OrganisationPatch):
    """For the secretariat, and the special coordinator of a country the organisation works
    in; moving it to other countries (`countries`) is the secretariat's."""
    account = required()
    organisation = find_organisation(organisation_id)
    allowed(can_edit_organisation(account, organisation))
    if body.countries is not None:
        allowed(is_secretariat(account))
    edited = edit_organisation(organisation.id, name=body.name, website=body.website,
                               countries=body.countries, now=utc_now(),
                               actor=api_actor(account))
    return json_response(organisation_out(edited, private=is_secretariat(account)))


@registry.operation(bp, "PATCH", "/contacts/{contact_id}", summary="Correct a contact",
                    tag="organisations", body=ContactPatch, response=s.ContactOut, token=True,
                    errors=(404, 409, 422))
def contact_patch(contact_id: int, body: ContactPatch):
    """For the secretariat, and the special coordinator of a country the contact's
    organisation works in. An address another contact already has is refused (409)."""
    account = required()
    contact = find_contact(contact_id)
    allowed(can_edit_organisation(account, contact.organisation))
    edited = edit_contact(contact.id, name=body.name, email=body.email,
                          language=body.language, zone=body.zone, active=body.active,
                          now=utc_now(), actor=api_actor(account)).contact
    return json_response(s.ContactOut(id=edited.id, name=edited.name, email=edited.email,
                                      language=edited.language, zone=edited.zone,
                                      active=edited.active))
