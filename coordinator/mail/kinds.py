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
    AGENDA = "agenda"
    REMINDER = "reminder"
    AGENDA_REMINDER = "agenda-reminder"
    # Suggestions and proposals
    SUGGEST_LINK = "suggest-link"
    SUGGESTION_RECEIVED = "suggestion-received"
    SUGGESTION_OUTCOME = "suggestion-outcome"
    PROPOSAL_LINK = "proposal-link"
    PROPOSAL_STATUS = "proposal-status"
    # People and registration
    REGISTRATION_CONFIRM = "registration-confirm"
    REGISTRATION_DECISION = "registration-decision"
    REPRESENTATIVE = "representative"
    # Accounts, feeds, tracking
    PASSWORD_LINK = "password-link"  # noqa: S105  (a kind of mail, not a password)
    FEED_LINK = "feed-link"
    DIGEST = "digest"
