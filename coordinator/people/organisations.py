"""Reading organisations: the secretariat's review queue and history, the public list (only
approved ones, only what their consent covers) and, for the secretariat, their contacts."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coordinator.accounts.permissions import is_secretariat
from coordinator.errors import N_, NotFound
from coordinator.extensions import db
from coordinator.i18n import LANGUAGE_NAMES
from coordinator.invitations.rsvp import spreadsheet_safe
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


def registrations_export() -> list[Organisation]:
    """Every registered organisation with its countries and contacts, by state (the review
    order) and name: what the secretariat's spreadsheet lists."""
    order = {state: i for i, (state, _) in enumerate(REVIEW_ORDER)}
    rows = db.session.scalars(select(Organisation).options(
        selectinload(Organisation.countries), selectinload(Organisation.contacts))
        .order_by(Organisation.name, Organisation.id)).all()
    return sorted(rows, key=lambda o: order.get(o.registration_state, len(order)))


def registrations_csv() -> str:
    """The registrations as CSV, one line per contact (an organisation without contacts
    has one line of its own), headers and states in the reader's language, dates in UTC.

    Starts with a byte-order mark, without which Excel reads UTF-8 as Latin-1 and mangles
    names; a cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    from coordinator.people.registration import SCOPE_LABELS, STATE_LABELS

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("Organisation"), gettext("State"), gettext("Countries"),
                     gettext("Scope"), gettext("Languages"), gettext("Website"),
                     gettext("Contact"), gettext("Email"), gettext("Contact's language"),
                     gettext("Registered (UTC)"), gettext("Decided (UTC)")])
    for organisation in registrations_export():
        common = [organisation.name, str(STATE_LABELS[organisation.registration_state]),
                  " ".join(sorted(c.iso for c in organisation.countries)),
                  str(SCOPE_LABELS.get(organisation.scope, organisation.scope)),
                  " ".join(organisation.languages or ()), organisation.website or ""]
        dates = [_day(organisation.created_at), _day(organisation.decided_at)]
        people = [[c.name, c.email, LANGUAGE_NAMES.get(c.language, c.language)]
                  for c in sorted(organisation.contacts, key=lambda c: c.id)] or [["", "", ""]]
        for person in people:
            writer.writerow([spreadsheet_safe(cell) for cell in common + person + dates])
    return "\ufeff" + out.getvalue()


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""
