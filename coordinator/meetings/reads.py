"""Reading series and their participants, for every door: one query per question, the
same filters and order on pages, in the API and on the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from coordinator.accounts import permissions
from coordinator.errors import N_, NotFound
from coordinator.extensions import db
from coordinator.links import row
from coordinator.models import (
    Account,
    Committee,
    Country,
    Meeting,
    Organisation,
    Participant,
    RegistrationState,
    Role,
    Series,
)


def find_meeting(meeting_id: int) -> Meeting:
    """The meeting of an id, or the one refusal every door gives for a missing one."""
    found = row(Meeting, meeting_id)
    if found is None:
        raise NotFound(N_("No meeting %(id)s."), id=meeting_id)
    return found


def find_series(series_id: int) -> Series:
    found = row(Series, series_id)
    if found is None:
        raise NotFound(N_("No series %(id)s."), id=series_id)
    return found


def _of_series(stmt: Select[Any], country: str | None, committee: str | None,
               kind: str | None) -> Select[Any]:
    """The API's filters on a series (or a query joined to it)."""
    if country:
        stmt = stmt.where(Series.country.has(Country.iso == country))
    if committee:
        stmt = stmt.where(Series.committee.has(Committee.slug == committee))
    if kind:
        stmt = stmt.where(Series.kind == kind)
    return stmt


@dataclass
class SeriesPage:
    rows: list[Series]
    total: int


def series_page(*, country: str | None = None, committee: str | None = None,
                kind: str | None = None, limit: int, offset: int) -> SeriesPage:
    """Every series (they are public), filtered, by id."""
    stmt = _of_series(select(Series), country, committee, kind)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.order_by(Series.id).limit(limit).offset(offset))
    return SeriesPage(list(rows), total)


def series_in_scope(account: Account) -> list[tuple[Series, int]]:
    """The series an account manages, each with its number of meetings, by kind."""
    counts = (select(Meeting.series_id, func.count(Meeting.id).label("n"))
              .group_by(Meeting.series_id).subquery())
    rows = db.session.execute(
        select(Series, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.series_id == Series.id)
        .where(permissions.series_scope(account))
        .options(selectinload(Series.rules), selectinload(Series.country),
                 selectinload(Series.committee))
        .order_by(Series.kind, Series.id)).all()
    return [(series, count) for series, count in rows]


def participants_of(series_id: int) -> list[Participant]:
    return list(db.session.scalars(select(Participant).where(
        Participant.series_id == series_id).order_by(Participant.id)))


def participant_in(series_id: int, participant_id: int) -> Participant:
    participant = row(Participant, participant_id)
    if participant is None or participant.series_id != series_id:
        raise NotFound(N_("No participant %(id)s in series %(other)s."), id=participant_id,
                       other=series_id)
    return participant


def approved_organisations() -> list[Organisation]:
    """Who can be invited: approved organisations, by name."""
    return list(db.session.scalars(select(Organisation).where(
        Organisation.registration_state == RegistrationState.APPROVED)
        .order_by(Organisation.name)))


def known_zones() -> list[str]:
    """Every zone of a country in the reference data, and UTC: the zones a form offers."""
    zones = {"UTC"}
    for country_zones in db.session.scalars(select(Country.zones)):
        zones.update(country_zones or [])
    return sorted(zones)


@dataclass
class MeetingPage:
    rows: list[Meeting]
    total: int


def meeting_page(*, country: str | None = None, committee: str | None = None,
                 kind: str | None = None, status: str | None = None,
                 start_from: datetime | None = None, start_before: datetime | None = None,
                 limit: int, offset: int) -> MeetingPage:
    """Every meeting (they are public), filtered, by start: the API's list."""
    stmt = _of_series(select(Meeting).join(Meeting.series), country, committee, kind)
    if status:
        stmt = stmt.where(Meeting.status == status)
    if start_from:
        stmt = stmt.where(Meeting.start_at >= start_from)
    if start_before:
        stmt = stmt.where(Meeting.start_at < start_before)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(
        stmt.options(joinedload(Meeting.series).joinedload(Series.country),
                     joinedload(Meeting.series).joinedload(Series.committee))
        .order_by(Meeting.start_at, Meeting.id).limit(limit).offset(offset))
    return MeetingPage(list(rows), total)


def meeting_count(series_id: int) -> int:
    """How many meetings a series has (cancelled ones included)."""
    return db.session.scalar(select(func.count(Meeting.id)).where(
        Meeting.series_id == series_id)) or 0


def government_coordinators() -> list[Account]:
    """The accounts a special coordinators' meeting invites: the countries' special
    coordinators, active, by name."""
    return list(db.session.scalars(select(Account).where(
        Account.role == Role.SPECIAL_COORDINATOR, Account.active.is_(True))
        .order_by(Account.name, Account.id)))


def meeting_participants(meeting_ids: list[int]) -> dict[int, list[Participant]]:
    """Who is invited to each of these meetings alone (e.g. the convening country's
    observers), by meeting, in the order they were invited."""
    found: dict[int, list[Participant]] = {i: [] for i in meeting_ids}
    if not meeting_ids:
        return found
    for participant in db.session.scalars(select(Participant).where(
            Participant.meeting_id.in_(meeting_ids)).order_by(Participant.id)):
        assert participant.meeting_id is not None  # selected by it
        found[participant.meeting_id].append(participant)
    return found
