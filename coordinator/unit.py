"""One transaction per use case, and who is acting in it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from coordinator.cadence.errors import N_
from coordinator.errors import Conflict
from coordinator.extensions import DbSession, db
from coordinator.models import AuditEntry, Meeting


@dataclass(frozen=True)
class Actor:
    """Who causes a change: an account, or a door with no account (CLI, scheduler)."""

    label: str
    account_id: int | None = None

    @classmethod
    def cli(cls) -> Actor:
        return cls("cli")

    @classmethod
    def scheduler(cls) -> Actor:
        return cls("scheduler")


@dataclass
class Unit:
    session: DbSession
    actor: Actor
    now: datetime
    audit: list[AuditEntry] = field(default_factory=list)

    def record(self, action: str, entity: str, entity_id: int | None, **details: Any) -> None:
        """Add an audit entry to this transaction (flush first so new rows have ids)."""
        entry = AuditEntry(at=self.now, account_id=self.actor.account_id, actor=self.actor.label,
                           action=action, entity=entity, entity_id=entity_id,
                           details=_jsonable(details))
        self.session.add(entry)
        self.audit.append(entry)

    def lock_meeting(self, meeting_id: int) -> Meeting | None:
        """The meeting, held until this unit ends, read afresh.

        Every change to a meeting, its agenda or its invitations starts here, so two
        changes at the same instant run one after the other and the second builds on the
        first's SEQUENCE: the invitation each person last received always matches the
        database and the feeds. PostgreSQL: SELECT ... FOR UPDATE. SQLite has no row
        locks: a no-op UPDATE of the row takes the database's write lock (waiting its
        busy timeout for another writer to commit), and the row is read after it.
        """
        if self.session.get_bind().dialect.name == "sqlite":
            self.session.execute(update(Meeting).where(Meeting.id == meeting_id)
                                 .values(id=Meeting.id)
                                 .execution_options(synchronize_session=False))
        return self.session.get(Meeting, meeting_id, with_for_update=True,
                                populate_existing=True)


    def serialise(self, key: str) -> None:
        """Hold `key` until this unit ends: a check-then-insert for the same key (one
        address registering twice at once) runs one after the other, the second seeing
        the first's row. PostgreSQL: a transaction-scoped advisory lock on a 64-bit digest
        of the key. SQLite: a no-op write takes the database's write lock (one writer at
        a time there, so every key is serialised)."""
        if self.session.get_bind().dialect.name == "sqlite":
            self.session.execute(text("UPDATE data_versions SET id = id WHERE id = 0"))
            return
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        self.session.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": number})


class Busy(Conflict):
    """Someone else changed or stored the same thing at the same moment (409)."""

    field = None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


_outer: ContextVar[Unit | None] = ContextVar("unit_of_work", default=None)


@contextmanager
def unit_of_work(actor: Actor, now: datetime) -> Iterator[Unit]:
    """Commit everything a use case did, or nothing: no half-written state survives an error.

    A use case called inside another (the demo loader scheduling series) joins the outer
    transaction, so the whole compound change commits or rolls back as one.
    """
    outer = _outer.get()
    if outer is not None:
        yield Unit(outer.session, actor, now, outer.audit)
        return
    session = db.session
    session.info["now"] = now  # the data version's changed_at is this use case's `now`
    unit = Unit(session, actor, now)
    token = _outer.set(unit)
    try:
        yield unit
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        # Two requests raced to store the same thing (a double click, a form sent twice at
        # once): the unique key kept one; this one is told, and nothing half-written stays.
        raise Busy(N_("This was saved a moment ago by another request (perhaps a double "
                      "click). Reload the page to see it.")) from exc
    except OperationalError as exc:
        session.rollback()
        if "database is locked" in str(exc.orig):
            # SQLite (WAL): a writer whose snapshot is older than another's commit is
            # refused at once; nothing was written, so asking again is safe.
            raise Busy(N_("This was changed by someone else at the same moment; nothing "
                          "of yours was saved. Reload the page and try again.")) from exc
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop("now", None)
        _outer.reset(token)
