"""Mail about people: registration of organisations (to their contacts, and to the special
coordinators of their countries), committee representatives."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from flask_babel import force_locale

from coordinator.links import absolute_url
from coordinator.mail.addressing import secretariat, to_account, to_contact
from coordinator.mail.compose import Outgoing, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.models import Account, Committee, Contact, Organisation, RegistrationState
from coordinator.present import country_name

# Registration of organisations: confirming the address, and the secretariat's decision.

# new: the form was sent; renew: a fresh link for an expired one (once a day); known: the
# address is already a contact (a note, once a day, so the form cannot flood a mailbox).
Occasion = Literal["new", "renew", "known"]


def registration_confirm_message(contact: Contact, *, occasion: Occasion, state: str,
                                 link: str | None, days: int, now: datetime) -> Outgoing:
    """The link to confirm the address; for an address already registered, a note instead
    (with the link while that organisation's address is still unconfirmed). `state` is the
    registration's state as the reader sees it."""
    organisation = contact.organisation
    recipient = to_contact(contact)
    with force_locale(recipient.language):
        countries = [country_name(c) for c in organisation.countries]
    context = {
        "organisation": organisation, "contact": contact, "known": occasion == "known",
        "pending": organisation.registration_state == RegistrationState.PENDING,
        "state": state, "link": link, "days": days, "countries": countries,
        "criteria": absolute_url("/register")}
    if occasion == "known":
        key = outbox_key("registration-known", "contact", contact.id, now.date())
    elif occasion == "renew":
        key = outbox_key("registration-confirm", organisation=organisation.id,
                         contact=contact.id, renew=now.date())
    else:
        key = outbox_key("registration-confirm", organisation=organisation.id,
                         contact=contact.id)
    return compose(MailKind.REGISTRATION_CONFIRM, key, "registration_confirm",
                   recipient=recipient, now=now, context=context, contact_id=contact.id)


def registration_decision_message(contact: Contact, *, now: datetime) -> Outgoing:
    """The secretariat approved or declined the organisation (with its reason or note);
    from the secretariat, so a reply reaches it."""
    organisation = contact.organisation
    state = organisation.registration_state
    sender = secretariat()
    context = {"organisation": organisation, "contact": contact,
               "approved": state == RegistrationState.APPROVED,
               "reason": organisation.registration_reason, "can_reply": bool(sender.email),
               "criteria": absolute_url("/register")}
    key = outbox_key("registration-decision", "organisation", organisation.id, state,
                     contact=contact.id, at=now)
    return compose(MailKind.REGISTRATION_DECISION, key, "registration_decision",
                   recipient=to_contact(contact), sender=sender, now=now, context=context,
                   contact_id=contact.id)


# Committees: the introduction of a newly designated civil-society representative.

def representative_message(committee: Committee, contact: Contact,
                           coordinators: Sequence[Account], *, now: datetime) -> Outgoing:
    """Who coordinates the committee and how to reach them, once per designation."""
    key = outbox_key("representative", committee=committee.id, contact=contact.id, at=now)
    return compose(MailKind.REPRESENTATIVE, key, "representative",
                   recipient=to_contact(contact), now=now,
                   context={"committee": committee, "contact": contact,
                            "coordinators": coordinators,
                            "directory": absolute_url("/committees/representatives")},
                   contact_id=contact.id)


# The special coordinators of an organisation's countries, when the secretariat approves it.

def organisation_approved_message(account: Account, organisation: Organisation, *,
                                  now: datetime) -> Outgoing:
    """An organisation of the coordinator's country can now be invited: its name, where it
    works, its contacts and where to edit them; once per approval."""
    recipient = to_account(account)
    with force_locale(recipient.language):
        countries = [country_name(c) for c in organisation.countries]
    key = outbox_key("organisation-approved", organisation=organisation.id,
                     account=account.id, at=organisation.decided_at or now)
    return compose(MailKind.ORGANISATION_APPROVED, key, "organisation_approved",
                   recipient=recipient, now=now,
                   context={"account": account, "organisation": organisation,
                            "countries": countries, "reason": organisation.registration_reason,
                            "contacts": [c for c in organisation.contacts if c.active],
                            "page": absolute_url(
                                f"/workspace/organisations/{organisation.id}/edit")},
                   account_id=account.id)
