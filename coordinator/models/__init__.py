"""All models, imported here so Alembic and the app see one complete metadata."""

from coordinator.models.audit import AuditEntry
from coordinator.models.meetings import (
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Series,
    SeriesRule,
)
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

__all__ = [
    "Account", "AuditEntry", "Committee", "CommitteeMember", "CommitteeRole", "Contact",
    "Country", "LedBy", "Meeting", "MeetingStatus", "Organisation", "OrganisationKind",
    "Participant", "ParticipantRole", "RegistrationState", "Role", "Scope", "Series",
    "SeriesRule",
]
