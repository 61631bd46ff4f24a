"""Written proposals: the personal link, and each change of a proposal's status."""

from __future__ import annotations

from datetime import datetime

from coordinator.mail.compose import Outgoing, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.messages.addressing import to_contact
from coordinator.models import Committee, Contact, Proposal


def proposal_link_message(contact: Contact, committee: Committee, link: str, *, days: int,
                          now: datetime) -> Outgoing:
    """The link to write to a committee, once per request."""
    key = outbox_key("propose-link", "contact", contact.id, "committee", committee.id, now)
    return compose(MailKind.PROPOSAL_LINK, key, "proposal_link", recipient=to_contact(contact),
                   now=now, context={"committee": committee, "link": link, "days": days},
                   contact_id=contact.id)


def proposal_status_message(proposal: Proposal, link: str, *, now: datetime) -> Outgoing:
    """The proposal's status (and the committee's answer), once per change.

    The state and the instant of the change are in the key: a corrected answer is mailed
    too, while a retried transaction still stores one row.
    """
    key = outbox_key("proposal", proposal.id, proposal.state, at=proposal.updated_at)
    return compose(MailKind.PROPOSAL_STATUS, key, "proposal_status",
                   recipient=to_contact(proposal.contact), now=now,
                   context={"proposal": proposal, "link": link},
                   contact_id=proposal.contact_id)
