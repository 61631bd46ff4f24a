"""The outbox as people see it: what was sent, what waits, what failed and why; resending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, func, or_, select

from coordinator.accounts import permissions
from coordinator.cadence.zones import ensure_aware
from coordinator.errors import N_, Conflict, NotFound
from coordinator.extensions import db
from coordinator.models import Account, Meeting, OutboxMessage, OutboxState
from coordinator.unit import Actor, unit_of_work


def visible_messages(account: Account) -> Select:
    """The secretariat sees every message; a coordinator those of meetings in their scope
    and those addressed to them."""
    query = select(OutboxMessage)
    if permissions.is_secretariat(account):
        return query
    in_scope = select(Meeting.id).join(Meeting.series).where(permissions.series_scope(account))
    return query.where(or_(OutboxMessage.meeting_id.in_(in_scope),
                           OutboxMessage.account_id == account.id))


def counts(query: Select) -> dict[str, int]:
    inner = query.with_only_columns(OutboxMessage.state, OutboxMessage.id).subquery()
    rows = db.session.execute(select(inner.c.state, func.count()).group_by(inner.c.state))
    found = {OutboxState(state).value: n for state, n in rows}
    return {state.value: found.get(state.value, 0) for state in OutboxState}


def resend(message_id: int, *, now: datetime, actor: Actor) -> OutboxMessage:
    """Put a failed message back in the queue, as it was composed (same Message-ID)."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        message = unit.session.get(OutboxMessage, message_id)
        if message is None:
            raise NotFound(N_("No message %(id)s."), id=message_id)
        if message.state != OutboxState.FAILED:
            raise Conflict(N_("Only a failed message can be sent again."), field="state")
        previous = message.last_error
        message.state = OutboxState.QUEUED
        message.attempts = 0
        message.next_attempt_at = now
        message.claimed_at = None
        unit.record("outbox.resend", "outbox", message.id, previous_error=previous)
    return message


# A queued message due this long and still not sent means nothing is sending mail (the
# dispatcher is stopped or stuck), even before any attempt has failed.
STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class MailBacklog:
    """Mail that cannot be sent right now: during an outage no row has failed yet, yet
    nothing goes out, and people must not read "every message went out"."""

    retrying: int  # queued after failed attempts, waiting for the next one
    delayed: int  # due for longer than STALE_AFTER and not sent
    oldest_queued_at: datetime | None

    @property
    def stuck(self) -> bool:
        return self.retrying > 0 or self.delayed > 0

    @property
    def state(self) -> str:
        """"retrying", "delayed" or "ok", as /healthz reports it."""
        return "retrying" if self.retrying else "delayed" if self.delayed else "ok"


def mail_backlog(query: Select, now: datetime) -> MailBacklog:
    """The backlog among the outbox rows `query` selects (one account's scope, or all)."""
    ensure_aware(now, "now")
    inner = query.where(OutboxMessage.state == OutboxState.QUEUED).with_only_columns(
        OutboxMessage.attempts, OutboxMessage.next_attempt_at,
        OutboxMessage.created_at).subquery()
    retrying, delayed, oldest = db.session.execute(select(
        func.count().filter(inner.c.attempts > 0),
        func.count().filter(and_(inner.c.attempts == 0,
                                 inner.c.next_attempt_at <= now - STALE_AFTER)),
        func.min(inner.c.created_at))).one()
    return MailBacklog(retrying=retrying or 0, delayed=delayed or 0,
                       oldest_queued_at=ensure_aware(oldest, "oldest") if oldest else None)


@dataclass
class OutboxPage:
    """One page of the outbox in an account's scope, with the counts by state."""

    counts: dict[str, int]
    rows: list[OutboxMessage]
    total: int  # rows in the chosen state (all states when none is chosen)


def outbox_page(account: Account, *, state: str | None, limit: int, offset: int
                ) -> OutboxPage:
    """Newest first; an unknown state shows every state (a filter from the address bar)."""
    visible = visible_messages(account)
    by_state = counts(visible)
    if state in by_state:
        visible = visible.where(OutboxMessage.state == state)
    total = by_state[state] if state in by_state else sum(by_state.values())
    rows = db.session.scalars(visible.order_by(OutboxMessage.created_at.desc(),
                                               OutboxMessage.id.desc())
                              .limit(limit).offset(offset)).all()
    return OutboxPage(counts=by_state, rows=list(rows), total=total)


def can_see_message(account: Account, message_id: int) -> bool:
    return db.session.scalar(visible_messages(account).where(
        OutboxMessage.id == message_id).with_only_columns(OutboxMessage.id)) is not None
