"""The outbox as people see it: what was sent, what waits, what failed and why; resending."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext
from sqlalchemy import Select, func, or_, select

from coordinator.cadence.zones import ensure_aware
from coordinator.extensions import db
from coordinator.models import Account, Meeting, OutboxMessage, OutboxState
from coordinator.services import permissions
from coordinator.services.errors import Conflict, NotFound
from coordinator.services.unit import Actor, unit_of_work


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
            raise NotFound(f"No message {message_id}.")
        if message.state != OutboxState.FAILED:
            raise Conflict(gettext("Only a failed message can be sent again."), field="state")
        previous = message.last_error
        message.state = OutboxState.QUEUED
        message.attempts = 0
        message.next_attempt_at = now
        message.claimed_at = None
        unit.record("outbox.resend", "outbox", message.id, previous_error=previous)
    return message

