"""The dashboard: what needs the coordinator's attention now."""

from __future__ import annotations

from flask import render_template

from coordinator.web.workspace import bp


@bp.get("/")
def dashboard():  # type: ignore[no-untyped-def]
    return render_template("workspace/dashboard.html")
