"""Who may change what: the secretariat everything, a coordinator only their own scope.

Plain rules over accounts and series, so views, the API and tests ask the same questions.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, true

from coordinator.cadence.kinds import SeriesKind
from coordinator.models import Account, Committee, Meeting, Organisation, Role, Series

# Kinds each role may create (besides the secretariat, who may create any).
CREATABLE = {
    Role.SPECIAL_COORDINATOR: (SeriesKind.NATIONAL, SeriesKind.EXTRAORDINARY),
    Role.COMMITTEE_COORDINATOR: (SeriesKind.COMMITTEE, SeriesKind.EXTRAORDINARY),
    Role.SECRETARIAT: tuple(SeriesKind),
}


def can_manage_series(account: Account | None, series: Series) -> bool:
    if account is None or not account.is_active:
        return False
    if account.role == Role.SECRETARIAT or series.coordinator_id == account.id:
        return True
    if account.role == Role.SPECIAL_COORDINATOR:
        return series.country_id is not None and series.country_id == account.country_id
    if account.role == Role.COMMITTEE_COORDINATOR:
        return series.committee_id is not None and series.committee_id == account.committee_id
    return False


def can_manage_meeting(account: Account | None, meeting: Meeting) -> bool:
    return can_manage_series(account, meeting.series)


def can_create(account: Account | None, kind: SeriesKind, country_iso: str | None,
               committee_slug: str | None) -> bool:
    """A coordinator schedules only their own kinds, for their own country or committee."""
    if account is None or not account.is_active:
        return False
    if account.role == Role.SECRETARIAT:
        return True
    if kind not in CREATABLE.get(account.role, ()):
        return False
    if account.role == Role.SPECIAL_COORDINATOR:
        return (account.country is not None and (country_iso or "").upper() == account.country.iso
                and not committee_slug)
    if account.role == Role.COMMITTEE_COORDINATOR:
        return (account.committee is not None and committee_slug == account.committee.slug
                and not country_iso)
    return False


def can_manage_committee(account: Account | None, committee: Committee) -> bool:
    if account is None or not account.is_active:
        return False
    return account.role == Role.SECRETARIAT or (
        account.role == Role.COMMITTEE_COORDINATOR and account.committee_id == committee.id)


def can_edit_organisation(account: Account | None, organisation: Organisation) -> bool:
    """The secretariat, or the special coordinator of a country the organisation works in
    (names, websites and contacts; moving it to other countries is the secretariat's)."""
    if account is None or not account.is_active:
        return False
    if account.role == Role.SECRETARIAT:
        return True
    return (account.role == Role.SPECIAL_COORDINATOR and account.country_id is not None
            and any(c.id == account.country_id for c in organisation.countries))


def is_secretariat(account: Account | None) -> bool:
    return account is not None and account.is_active and account.role == Role.SECRETARIAT


def series_scope(account: Account) -> ColumnElement[bool]:
    """The series an account may manage, as a condition for queries (lists, dashboards)."""
    if account.role == Role.SECRETARIAT:
        return true()
    mine = Series.coordinator_id == account.id
    if account.role == Role.SPECIAL_COORDINATOR and account.country_id is not None:
        return or_(mine, Series.country_id == account.country_id)
    if account.role == Role.COMMITTEE_COORDINATOR and account.committee_id is not None:
        return or_(mine, Series.committee_id == account.committee_id)
    return mine
