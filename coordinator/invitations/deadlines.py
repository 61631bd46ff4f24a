"""The scheduler's deadline tick: act on what is due, each deadline in its own transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from coordinator.cadence.zones import ensure_aware
from coordinator.extensions import db
from coordinator.invitations import services as invitations
from coordinator.models import Deadline
from coordinator.unit import Actor, unit_of_work


def due_deadline_ids(now: datetime, limit: int) -> list[int]:
    """Pending deadlines whose time has come (a partial index makes this cheap at any size)."""
    return list(db.session.scalars(
        select(Deadline.id)
        .where(Deadline.done_at.is_(None), Deadline.due_at <= now)
        .order_by(Deadline.due_at)
        .limit(limit)))


def run_due_deadlines(*, now: datetime, limit: int = 500) -> int:
    """Act on due deadlines; returns how many messages were queued."""
    ensure_aware(now, "now")
    queued = 0
    ids = due_deadline_ids(now, limit)
    db.session.commit()
    for deadline_id in ids:
        with unit_of_work(Actor.scheduler(), now) as unit:
            query = select(Deadline).where(Deadline.id == deadline_id,
                                           Deadline.done_at.is_(None))
            if unit.session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            deadline = unit.session.scalars(query).first()
            if deadline is None:
                continue  # another process took it
            # The invitations it sends carry the meeting as it stands: hold it meanwhile.
            unit.lock_meeting(deadline.meeting_id)
            count = invitations.act_on(unit, deadline)
            queued += count
            if count:
                unit.record(f"deadline.{deadline.kind.value}", "meeting", deadline.meeting_id,
                            offset_days=deadline.offset_days, messages=count)
    return queued
