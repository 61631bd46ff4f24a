"""Private feeds: the link to manage an organisation's private calendar address."""

from __future__ import annotations

from datetime import datetime

from coordinator.mail.addressing import to_contact
from coordinator.mail.compose import Outgoing, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.models import Contact


def feed_link_message(contact: Contact, link: str, *, days: int, now: datetime) -> Outgoing:
    """The manage link, once per request."""
    key = outbox_key("feed-link", contact=contact.id, at=now)
    return compose(MailKind.FEED_LINK, key, "feed_link", recipient=to_contact(contact),
                   now=now, context={"organisation": contact.organisation, "link": link,
                                     "days": days},
                   contact_id=contact.id)
