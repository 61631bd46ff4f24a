"""Reading organisations: the secretariat's review queue and history, the public list (only
approved ones, only what their consent covers) and, for the secretariat, their contacts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coordinator.accounts.permissions import is_secretariat
from coordinator.errors import N_, NotFound
from coordinator.extensions import db
from coordinator.models import (
    Account,
    AuditEntry,
    Contact,
    Country,
    Organisation,
    RegistrationState,
)

# Waiting for a decision first, oldest first: nobody waits behind newer applications.
REVIEW_ORDER = (
    (RegistrationState.VERIFIED, Organisation.verified_at.asc()),
    (RegistrationState.PENDING, Organisation.created_at.desc()),
    (RegistrationState.APPROVED, Organisation.decided_at.desc()),
    (RegistrationState.DECLINED, Organisation.decided_at.desc()),
)


@dataclass
class StateGroup:
    state: RegistrationState
    rows: list[Organisation]  # at most `shown`, in the review order
    total: int


def review_queue(shown: int) -> list[StateGroup]:
    """Every registration state with its newest (or longest-waiting) organisations."""
    groups = []
    for state, order in REVIEW_ORDER:
        rows = db.session.scalars(
            select(Organisation).where(Organisation.registration_state == state)
            .options(selectinload(Organisation.countries), selectinload(Organisation.contacts))
            .order_by(order, Organisation.id).limit(shown)).all()
        total = db.session.scalar(select(func.count(Organisation.id))
                                  .where(Organisation.registration_state == state)) or 0
        groups.append(StateGroup(state, list(rows), total))
    return groups


def history_of(organisation_id: int) -> list[AuditEntry]:
    """What happened to a registration, oldest first (the audit log's entries)."""
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "organisation", AuditEntry.entity_id == organisation_id)
        .order_by(AuditEntry.at, AuditEntry.id)))


@dataclass
class OrganisationPage:
    rows: list[Organisation]
    total: int


def organisations_for(account: Account | None, *, state: str | None, country: str | None,
                      limit: int, offset: int) -> OrganisationPage:
    """Approved organisations for everyone; every state (or the one asked) for the
    secretariat. By name."""
    stmt = select(Organisation)
    if is_secretariat(account):
        if state:
            stmt = stmt.where(Organisation.registration_state == state)
    else:
        stmt = stmt.where(Organisation.registration_state == RegistrationState.APPROVED)
    if country:
        stmt = stmt.where(Organisation.countries.any(Country.iso == country))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.options(selectinload(Organisation.countries))
                              .order_by(Organisation.name, Organisation.id)
                              .limit(limit).offset(offset))
    return OrganisationPage(list(rows), total)


def contacts_of(organisation_id: int) -> list[Contact]:
    """Personal data: the doors show it to the secretariat only."""
    if db.session.get(Organisation, organisation_id) is None:
        raise NotFound(N_("No organisation %(id)s."), id=organisation_id)
    return list(db.session.scalars(select(Contact).where(
        Contact.organisation_id == organisation_id).order_by(Contact.id)))
