"""Who a message goes to and on whose behalf it is written."""

from __future__ import annotations

from flask import current_app

from coordinator.i18n import supported_language
from coordinator.links import preferences_url
from coordinator.mail.compose import Recipient, Sender
from coordinator.models import Account, Contact, Invitation, Meeting


def to_contact(contact: Contact) -> Recipient:
    return Recipient(contact.name, contact.email, supported_language(contact.language),
                     contact.zone, preferences_url=preferences_url(contact))


def to_account(account: Account) -> Recipient:
    return Recipient(account.name, account.email, supported_language(account.language),
                     account.zone)


def to_invitee(invitation: Invitation) -> Recipient:
    """Whoever holds the invitation: a contact, or an account (a government coordinator
    invited to the special coordinators' meeting), in their own language and zone."""
    if invitation.contact_id is not None:
        return to_contact(invitation.contact)
    assert invitation.account is not None  # the invitation's CHECK holds one of the two
    return to_account(invitation.account)


def invitee_ids(invitation: Invitation) -> dict[str, int]:
    """The invitee as outbox-key parts and envelope fields (`contact` or `account`)."""
    if invitation.contact_id is not None:
        return {"contact": invitation.contact_id}
    assert invitation.account_id is not None
    return {"account": invitation.account_id}


def secretariat() -> Sender:
    """The secretariat, Reply-To its address when one is set."""
    return Sender(current_app.config.get("ORGANIZER_NAME") or "Secretariat",
                  current_app.config.get("ORGANIZER_EMAIL"))


def organizer_of(meeting: Meeting) -> Sender:
    """The series' coordinator (set and changed with meetings.series.set_coordinator):
    ORGANIZER, From's name and Reply-To of its mails; the secretariat's address when the
    series has none."""
    coordinator = meeting.series.coordinator
    if coordinator is not None:
        return Sender(coordinator.name, coordinator.email)
    office = secretariat()
    return Sender(office.name, office.email or current_app.config["MAIL_DEFAULT_SENDER"])
