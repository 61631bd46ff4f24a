"""Mail status: what the outbox sent, holds and failed to send."""

from __future__ import annotations

from coordinator.api import bp, registry
from coordinator.api import schemas as s
from coordinator.api.access import required
from coordinator.api.out import next_offset
from coordinator.api.spec import json_response
from coordinator.tracking import outbox


@registry.operation(bp, "GET", "/outbox", summary="Mail status in the account's scope",
                    tag="status", query=s.OutboxQuery, response=s.OutboxOut, token=True)
def outbox_status(query: s.OutboxQuery):
    found = outbox.outbox_page(required(), state=query.state, limit=query.limit,
                               offset=query.offset)
    counts, rows, total = found.counts, found.rows, found.total
    return json_response(s.OutboxOut(counts=counts, items=[s.OutboxItemOut(
        id=m.id, kind=m.kind, recipient=m.recipient, subject=m.subject,
        state=m.state.value, attempts=m.attempts, last_error=m.last_error,
        meeting_id=m.meeting_id, created_at=m.created_at, sent_at=m.sent_at) for m in rows],
        total=total, next_offset=next_offset(query.offset, query.limit, total)))
