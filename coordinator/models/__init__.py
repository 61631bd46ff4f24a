"""All models, imported here so Alembic and the app see one complete metadata."""

# Domain packages keep their own models; imported here so the metadata is complete.
from coordinator.content.models import ContentTranslation
from coordinator.documents.models import Document, DocumentBlob  # noqa: F401
from coordinator.models.agenda import (
    AgendaItem,
    AgendaPublication,
    ItemKind,
    Proposal,
    ProposalState,
    Suggestion,
    SuggestionState,
)
from coordinator.models.api import ApiToken, ExternalFeed
from coordinator.models.attendance import MeetingAttendance
from coordinator.models.audit import AuditEntry
from coordinator.models.feeds import DataVersion, FeedToken, current_version
from coordinator.models.invitations import Answer, Deadline, DeadlineKind, Invitation, JobRun
from coordinator.models.meetings import (
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Series,
    SeriesRule,
)
from coordinator.models.outbox import OutboxMessage, OutboxState
from coordinator.models.people import (
    Account,
    Contact,
    LedBy,
    Organisation,
    OrganisationKind,
    RegistrationState,
    Role,
    Scope,
)
from coordinator.models.places import Committee, CommitteeMember, CommitteeRole, Country
from coordinator.outcomes.models import ActionItem, FollowUp, Minutes, MinutesVersion  # noqa: F401

__all__ = [
    "Account",
    "AgendaItem",
    "AgendaPublication",
    "Answer",
    "ApiToken",
    "AuditEntry",
    "Committee",
    "CommitteeMember",
    "CommitteeRole",
    "Contact",
    "ContentTranslation",
    "Country",
    "DataVersion",
    "Deadline",
    "DeadlineKind",
    "ExternalFeed",
    "FeedToken",
    "Invitation",
    "ItemKind",
    "JobRun",
    "LedBy",
    "Meeting",
    "MeetingAttendance",
    "MeetingStatus",
    "Organisation",
    "OrganisationKind",
    "OutboxMessage",
    "OutboxState",
    "Participant",
    "ParticipantRole",
    "Proposal",
    "ProposalState",
    "RegistrationState",
    "Role",
    "Scope",
    "Series",
    "SeriesRule",
    "Suggestion",
    "SuggestionState",
    "current_version",
]
