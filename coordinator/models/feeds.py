"""What feeds need besides meetings: a data version for validators, private feed tokens."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import ForeignKey, String, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from coordinator.extensions import DbSession, Model, db
from coordinator.models.people import Organisation, RegistrationState
from coordinator.models.types import UTCDateTime


class DataVersion(Model):
    """One row whose number grows with every commit that changes what feeds show.

    Reading it is one primary-key lookup, so a feed request can answer 304 without
    looking at a single meeting, and no change can slip past the validator.
    """

    __tablename__ = "data_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedToken(Model):
    """A private feed address of an organisation; only the SHA-256 of the token is stored."""

    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()


def _always(_instance: Any) -> bool:
    return True


def _known_to_feeds(instance: Any) -> bool:
    """An organisation or contact matters to feeds and the cached API answers only once
    approved (a private feed's name, the committee representative): a stranger's
    registration, or its confirmation, must not make every feed render again."""
    state = inspect(instance)
    if state.pending:  # a new row: no participant, token or committee points at it yet
        return False
    organisation = instance if isinstance(instance, Organisation) else instance.organisation
    history = inspect(organisation).attrs.registration_state.history
    states = {*(history.deleted or ()), organisation.registration_state}
    if not isinstance(instance, Organisation):
        moved = inspect(instance).attrs.organisation_id.history
        if moved.deleted:
            return True
    return RegistrationState.APPROVED in states


# The tables feeds and the ETag'd API answers (meetings, countries, committees) read, each
# with the test of whether a changed row can change them. An allow-list, so that a new
# table (topics, proposals, outcomes) never re-renders every feed unless added here.
# (feed_tokens count: a revoked private address must stop answering at once. The draft
# agenda does not: feeds and the API show the published snapshot kept on the meeting.)
FEED_TABLES: dict[str, Callable[[Any], bool]] = {
    "meetings": _always, "series": _always, "series_rules": _always,
    "participants": _always, "countries": _always, "committees": _always,
    "committee_members": _always, "feed_tokens": _always,
    "organisations": _known_to_feeds, "contacts": _known_to_feeds,
    # A translation of a title or an agenda item changes what a feed in that language says.
    "content_translations": _always,
    # Published minutes: a meeting's event links to them.
    "minutes_versions": _always,
}


def _decided(instance: Any) -> bool:
    """A contribution shows on the tracker once decided (a waiting one is private)."""
    history = inspect(instance).attrs.state.history
    states = {*(history.deleted or ()), instance.state}
    return any(str(getattr(s, "value", s)) != "waiting" for s in states)


# The tables the public tracker of commitments and the overdue action items read, besides
# FEED_TABLES (names of countries, committees, meetings and the translations). Their own
# version, so that a measurement does not make every calendar feed render again.
OUTCOME_TABLES: dict[str, Callable[[Any], bool]] = {
    "commitments": _always, "commitment_updates": _always, "work_plans": _always,
    "work_plan_entries": _always, "indicators": _always, "indicator_measurements": _always,
    "indicator_assessments": _always, "commitment_contributions": _decided,
    "action_items": _always, "documents": _always,
}

FEEDS, OUTCOMES = 1, 2  # the rows of data_versions
SCOPES: dict[int, dict[str, Callable[[Any], bool]]] = {FEEDS: FEED_TABLES,
                                                        OUTCOMES: OUTCOME_TABLES}


class VersionMemo:
    """The data version as this process last read it, trusted for a second.

    Reading the version is a database round trip; feeds are polled far more often than
    data changes. A commit in this process forgets the memo at once; another process's
    commit is seen within MEMO_SECONDS.
    """

    def __init__(self, seconds: float, scope: int = 1) -> None:
        self.seconds, self.scope = seconds, scope
        self.lock = threading.Lock()
        self.value: tuple[int, datetime] | None = None
        self.read_at = 0.0

    def peek(self) -> tuple[int, datetime] | None:
        with self.lock:
            if self.value is not None and time.monotonic() - self.read_at < self.seconds:
                return self.value
            return None

    def get(self, session: DbSession | None = None) -> tuple[int, datetime]:
        fresh = self.peek()
        if fresh is not None:
            return fresh
        value = current_version(session, self.scope)
        with self.lock:
            self.value, self.read_at = value, time.monotonic()
        return value

    def expire(self) -> None:
        with self.lock:
            self.value = None


MEMO_SECONDS = 1.0


def version_memo(app: Any = None, scope: int = FEEDS) -> VersionMemo:
    """This app's memo of a scope's version (one per app: tests run several apps, on
    different databases)."""
    app = app or current_app
    name = "feed_version_memo" if scope == FEEDS else f"data_version_memo_{scope}"
    memo = app.extensions.get(name)
    if memo is None:
        memo = app.extensions.setdefault(name, VersionMemo(MEMO_SECONDS, scope))
    return memo


def current_version(session: DbSession | None = None,
                    scope: int = FEEDS) -> tuple[int, datetime]:
    """A scope's data version and when it changed (the request's session unless one is
    given)."""
    row = (session or db.session).execute(select(DataVersion.version, DataVersion.changed_at)
                          .where(DataVersion.id == scope)).first()
    return (row[0], row[1]) if row else (0, datetime(2022, 6, 10, tzinfo=UTC))


def mark_changed(session: Session, scope: int = FEEDS) -> None:
    """Count a change the flush hook cannot see (a Core UPDATE) at the next commit."""
    session.info.setdefault("scopes_changed", set()).add(scope)


@event.listens_for(Session, "before_flush")
def _note_feed_changes(session: Session, _context: Any, _instances: Any) -> None:
    changed: set[int] = session.info.setdefault("scopes_changed", set())
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = getattr(instance, "__tablename__", "")
        for scope, tables in SCOPES.items():
            counts = tables.get(table)
            if scope in changed or counts is None:
                continue
            if (instance in session.new or instance in session.deleted
                    or session.is_modified(instance, include_collections=False)) \
                    and counts(instance):
                changed.add(scope)
        if len(changed) == len(SCOPES):
            return


@event.listens_for(Session, "before_commit")
def _bump_version(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # so before_flush has seen everything this commit writes
    changed = session.info.pop("scopes_changed", set())
    if not changed:
        return
    now = session.info.get("now") or datetime.now(UTC)
    bind = session.get_bind()
    insert = pg_insert if bind.dialect.name == "postgresql" else sqlite_insert
    for scope in sorted(changed):  # always in the same order: no deadlock between two
        statement = insert(DataVersion).values(id=scope, version=1, changed_at=now)
        session.execute(statement.on_conflict_do_update(
            index_elements=["id"],
            set_={"version": DataVersion.version + 1, "changed_at": now}))
    session.info["scopes_bumped"] = changed


@event.listens_for(Session, "after_commit")
def _forget_version(session: Session) -> None:
    bumped = session.info.pop("scopes_bumped", set())
    if bumped and has_app_context():
        for scope in bumped:
            version_memo(scope=scope).expire()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("scopes_changed", None)
    session.info.pop("scopes_bumped", None)
