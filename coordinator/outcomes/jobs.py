"""The scheduler's action-item tick: remind owners before the due date and once overdue.

Like the deadline tick, it only asks the database what is due and acts on each item in a
transaction of its own; the outbox keys make a rerun (or a second scheduler) queue
nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from coordinator.cadence.zones import ensure_aware
from coordinator.extensions import db
from coordinator.mail.outbox import enqueue
from coordinator.outcomes.action_items import UNSETTLED, days_left, owners_of
from coordinator.outcomes.messages import (
    action_item_overdue_message,
    action_item_reminder_message,
)
from coordinator.outcomes.models import ActionItem
from coordinator.unit import Actor, unit_of_work

# Days before the due date on which owners are reminded (COORDINATOR_ACTION_ITEM_REMINDER_DAYS).
REMINDER_DAYS = (7, 1)


def reminder_days() -> tuple[int, ...]:
    configured = current_app.config.get("ACTION_ITEM_REMINDER_DAYS", REMINDER_DAYS)
    return tuple(sorted({int(d) for d in configured if int(d) >= 0}, reverse=True))


def reminder_due(left: int, days: Sequence[int]) -> int | None:
    """Which reminder (its configured number of days) an item `left` days from its due
    date is owed: the nearest one it has reached. A tick missed (the scheduler down) is
    caught up, and an item created 3 days before its date still gets its reminder."""
    reached = [d for d in days if left <= d]
    return min(reached) if reached and left >= 0 else None


def remind_action_item_owners(*, now: datetime, limit: int = 1000) -> int:
    """Queue what is owed; returns how many messages were queued."""
    ensure_aware(now, "now")
    days = reminder_days()
    horizon = now.date() + timedelta(days=(max(days) if days else 0) + 1)
    ids = list(db.session.scalars(select(ActionItem.id).where(
        ActionItem.status.in_(UNSETTLED), ActionItem.due_on <= horizon)
        .order_by(ActionItem.due_on, ActionItem.id).limit(limit)))
    db.session.commit()
    queued = 0
    for item_id in ids:
        with unit_of_work(Actor.scheduler(), now) as unit:
            item = unit.session.get(ActionItem, item_id)
            if item is None or item.status not in UNSETTLED:
                continue  # settled meanwhile
            left = days_left(item, now)
            offset = reminder_due(left, days)
            if left >= 0 and offset is None:
                continue
            count = 0
            for person in owners_of(item, session=unit.session):
                outgoing = (action_item_overdue_message(item, person, now=now) if left < 0
                            else action_item_reminder_message(item, person, days_left=left,
                                                              offset=offset or 0, now=now))
                count += enqueue(unit.session, outgoing, now)
            if count:
                unit.record("action_item.overdue" if left < 0 else "action_item.remind",
                            "action_item", item.id, days_left=left, messages=count)
            queued += count
    return queued
