"""What an outbox row is about: one member per message the service sends.

The values are what `outbox.kind` stores (a plain string column), so rows written before
this enum existed keep their meaning; the per-recipient caps count rows by kind.
"""

from __future__ import annotations

from enum import StrEnum


class MailKind(StrEnum):
    # Invitations and deadlines (iMIP: the calendar part travels with the mail)
    INVITE = "invite"
    UPDATE = "update"
    CANCEL = "cancel"
    INVITATION_WITHDRAWN = "invitation-withdrawn"  # one person uninvited; the meeting stands
    AGENDA = "agenda"
    REMINDER = "reminder"
    AGENDA_REMINDER = "agenda-reminder"
    # Suggestions and proposals
    SUGGEST_LINK = "suggest-link"
    SUGGESTION_RECEIVED = "suggestion-received"
    SUGGESTION_OUTCOME = "suggestion-outcome"
    PROPOSAL_LINK = "proposal-link"
    PROPOSAL_STATUS = "proposal-status"
    TOPIC_LEFT_AGENDA = "topic-left-agenda"  # an accepted topic taken off the agenda
    PROPOSAL_RECEIVED = "proposal-received"  # to the committee's coordinators
    # Outcomes: minutes to participants, action items to their owners
    MINUTES = "minutes"
    ACTION_ITEM_REMINDER = "action-item-reminder"  # days before the due date
    ACTION_ITEM_OVERDUE = "action-item-overdue"  # once, when the due date has passed
    CONTRIBUTION_LINK = "contribution-link"  # to contribute on a commitment, asked for
    CONTRIBUTION_DECISION = "contribution-decision"  # accepted, or declined with a reason
    # Calls for participation in high-level meetings (issue 17)
    APPLICATION_RECEIVED = "application-received"  # to the contact who applied, with the link
    # People and registration
    REGISTRATION_CONFIRM = "registration-confirm"
    REGISTRATION_DECISION = "registration-decision"
    REPRESENTATIVE = "representative"
    ORGANISATION_APPROVED = "organisation-approved"  # to the country's special coordinators
    # Accounts, feeds, tracking
    PASSWORD_LINK = "password-link"  # noqa: S105  (a kind of mail, not a password)
    FEED_LINK = "feed-link"
    DIGEST = "digest"

    @property
    def essential(self) -> bool:
        """Whether a contact who opted out of non-essential mail still receives it.

        Invitations and their changes, agendas, registration and the links a person asked
        for always go; a kind not listed in NON_ESSENTIAL counts as essential, so a new
        kind is never silently withheld.
        """
        return self not in NON_ESSENTIAL


# Reminders, the topic window's link and digests: what a contact may switch off on their
# preferences page (issue 14, item 6).
NON_ESSENTIAL = frozenset({MailKind.REMINDER, MailKind.AGENDA_REMINDER, MailKind.SUGGEST_LINK,
                           MailKind.DIGEST, MailKind.ACTION_ITEM_REMINDER})
