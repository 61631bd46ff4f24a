"""Committees: the introduction of a newly designated civil-society representative."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from coordinator.links import absolute_url
from coordinator.mail.compose import Outgoing, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.messages.addressing import to_contact
from coordinator.models import Account, Committee, Contact


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
