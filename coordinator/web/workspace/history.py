"""The audit history of a meeting, a series, an organisation or an account, as a page."""

from __future__ import annotations

from flask import abort, render_template, request

from coordinator.errors import NotFound
from coordinator.tracking.history import ENTITIES, OutsideScope, history_of
from coordinator.web.workspace import an_id, bp, me


@bp.get("/history/<entity>/<int:entity_id>")
def history(entity: str, entity_id: int):
    if entity not in ENTITIES:
        abort(404)
    try:
        found = history_of(entity, entity_id, me(), page=an_id(request.args.get("page")) or 1)
    except NotFound:
        abort(404)
    except OutsideScope:
        abort(403)
    return render_template("workspace/history.html", history=found)
