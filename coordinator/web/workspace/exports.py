"""Spreadsheets for the secretariat: the registrations with their state and contacts."""

from __future__ import annotations

from flask import Response

from coordinator.cadence.zones import utc_now
from coordinator.people.organisations import registrations_csv
from coordinator.web.workspace import bp, secretariat_only


@bp.get("/registrations.csv")
@secretariat_only
def registrations_export():
    filename = f"registrations-{utc_now().date().isoformat()}.csv"
    return Response(registrations_csv().encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        # Personal data: not kept by proxies or the browser's cache.
        "Cache-Control": "private, no-store"})
