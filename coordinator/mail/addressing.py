"""Who a message goes to and on whose behalf it is written."""

from __future__ import annotations

from flask import current_app

from coordinator.i18n import supported_language
from coordinator.mail.compose import Recipient, Sender
from coordinator.models import Account, Contact, Meeting


def to_contact(contact: Contact) -> Recipient:
    return Recipient(contact.name, contact.email, supported_language(contact.language),
                     contact.zone)


def to_account(account: Account) -> Recipient:
    return Recipient(account.name, account.email, supported_language(account.language),
                     account.zone)


def secretariat() -> Sender:
    """The secretariat, Reply-To its address when one is set."""
    return Sender(current_app.config.get("ORGANIZER_NAME") or "Secretariat",
                  current_app.config.get("ORGANIZER_EMAIL"))


def organizer_of(meeting: Meeting) -> Sender:
    """The meeting's coordinator; the secretariat's address when the series has none."""
    coordinator = meeting.series.coordinator
    if coordinator is not None:
        return Sender(coordinator.name, coordinator.email)
    office = secretariat()
    return Sender(office.name, office.email or current_app.config["MAIL_DEFAULT_SENDER"])
