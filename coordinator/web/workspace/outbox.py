"""The outbox: sent, queued and failed mail with the server's reason; resending."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext

from coordinator.cadence.zones import utc_now
from coordinator.errors import InvalidInput
from coordinator.models import OutboxMessage, OutboxState
from coordinator.tracking import outbox as service
from coordinator.web.workspace import actor, allowed, an_id, bp, done, get_or_404, me

PAGE = 50


@bp.get("/outbox")
def outbox():
    state = request.args.get("state", "")
    page = min(an_id(request.args.get("page")) or 1, 10_000)
    found = service.outbox_page(me(), state=state, limit=PAGE + 1, offset=(page - 1) * PAGE)
    rows, counts = found.rows, found.counts
    return render_template("workspace/outbox.html", rows=rows[:PAGE], more=len(rows) > PAGE,
                           page=page, state=state, counts=counts)


@bp.post("/outbox/<int:message_id>/resend")
def outbox_resend(message_id: int):
    message = get_or_404(OutboxMessage, message_id)
    allowed(service.can_see_message(me(), message.id))
    try:
        service.resend(message.id, now=utc_now(), actor=actor())
    except InvalidInput as exc:
        return done(exc.message, url_for("workspace.outbox", state=OutboxState.FAILED.value))
    return done(gettext("The message is queued again."),
                url_for("workspace.outbox", state=OutboxState.FAILED.value))
