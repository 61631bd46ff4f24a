"""Mail about agendas: topic links and outcomes of suggested topics, written proposals."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale

from coordinator.i18n import LANGUAGE_NAMES, local_time
from coordinator.links import absolute_url
from coordinator.mail.addressing import organizer_of, to_account, to_contact
from coordinator.mail.compose import Outgoing, compose, outbox_key
from coordinator.mail.kinds import MailKind
from coordinator.models import (
    Account,
    Committee,
    Contact,
    Invitation,
    Meeting,
    Proposal,
    Suggestion,
)
from coordinator.present import series_title

# Topic links when the suggestion window opens, and what became of a suggested topic.

def suggest_link_message(invitation: Invitation, link: str, *, now: datetime) -> Outgoing:
    """This person's topic link; a new link (a new version) is a new message."""
    meeting = invitation.meeting
    recipient = to_contact(invitation.contact)
    with force_locale(recipient.language):
        context = {"meeting": meeting, "title": series_title(meeting.series), "link": link,
                   "close": meeting.deadlines.suggestions_close,
                   "zone": invitation.contact.zone}
    key = outbox_key("suggest", meeting=meeting.id, contact=invitation.contact_id,
                     v=invitation.suggest_version)
    return compose(MailKind.SUGGEST_LINK, key, "suggestions_open", recipient=recipient,
                   sender=organizer_of(meeting), now=now, context=context,
                   meeting_id=meeting.id, contact_id=invitation.contact_id)


def _about(suggestion: Suggestion, kind: MailKind, what: str, status: str,
           now: datetime) -> Outgoing:
    meeting = suggestion.meeting
    recipient = to_contact(suggestion.contact)
    with force_locale(recipient.language):
        context = {"suggestion": suggestion, "meeting": meeting,
                   "title": series_title(meeting.series), "status": status}
    # One of each per suggestion: it is received once and decided once (a deferred topic
    # is a new suggestion at the next meeting).
    return compose(kind, outbox_key("suggestion", suggestion.id, what), f"suggestion_{what}",
                   recipient=recipient, sender=organizer_of(meeting), now=now,
                   context=context, meeting_id=meeting.id, contact_id=suggestion.contact_id)


def suggestion_received_message(suggestion: Suggestion, status: str, *,
                                now: datetime) -> Outgoing:
    """We have the topic; `status` is the page where the proposer follows it."""
    return _about(suggestion, MailKind.SUGGESTION_RECEIVED, "received", status, now)


def suggestion_outcome_message(suggestion: Suggestion, status: str, *,
                               now: datetime) -> Outgoing:
    """The coordinator's decision, when it is released."""
    return _about(suggestion, MailKind.SUGGESTION_OUTCOME, "outcome", status, now)


# Written proposals: the personal link, and each change of a proposal's status.

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


def proposal_received_message(account: Account, proposal: Proposal, *,
                              now: datetime) -> Outgoing:
    """To a coordinator of the committee: a proposal waits in the workspace inbox, so
    written proposals between briefings are not left unread until someone looks."""
    recipient = to_account(account)
    with force_locale(recipient.language):
        context = {"proposal": proposal, "committee": proposal.committee,
                   "organisation": proposal.contact.organisation.name,
                   "language": LANGUAGE_NAMES.get(proposal.language, proposal.language),
                   "received": local_time(proposal.created_at, recipient.zone),
                   "inbox": absolute_url(f"/workspace/proposals#proposal-{proposal.id}")}
    # Once per proposal and coordinator: a proposal arrives once.
    key = outbox_key("proposal-received", proposal.id, account=account.id)
    return compose(MailKind.PROPOSAL_RECEIVED, key, "proposal_received", recipient=recipient,
                   now=now, context=context, account_id=account.id)


def topic_left_agenda_message(contact: Contact, meeting: Meeting, topic: str, status: str,
                              *, proposal: bool, about: int, now: datetime) -> Outgoing:
    """To the proposer: their topic (an accepted suggestion, or a proposal put on a
    briefing) is no longer on this meeting's agenda, so no page or mail keeps saying it
    is. `about` is the suggestion's or proposal's id."""
    recipient = to_contact(contact)
    with force_locale(recipient.language):
        context = {"meeting": meeting, "title": series_title(meeting.series), "topic": topic,
                   "status": status, "proposal": proposal,
                   "when": local_time(meeting.start_at, recipient.zone, "long")}
    # A proposal may be put on an agenda and taken off it more than once: the instant too.
    key = outbox_key("topic-left", "proposal" if proposal else "suggestion", about,
                     meeting=meeting.id, at=now)
    return compose(MailKind.TOPIC_LEFT_AGENDA, key, "topic_left_agenda", recipient=recipient,
                   sender=organizer_of(meeting), now=now, context=context,
                   meeting_id=meeting.id, contact_id=contact.id)
