"""Which meetings have published minutes: a small read for the calendar writer, which sits
below the outcomes services and must not import them (they mail through it)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from coordinator.extensions import DbSession, db
from coordinator.outcomes.models import MinutesVersion


def has_minutes(meeting_ids: Iterable[int], *, session: DbSession | None = None) -> set[int]:
    """The ids, among these, of meetings with at least one published version of minutes."""
    ids = set(meeting_ids)
    if not ids:
        return set()
    return set((session or db.session).scalars(
        select(MinutesVersion.meeting_id).where(MinutesVersion.meeting_id.in_(ids)).distinct()))
