"""Public CSO registration (placeholder until the registration work lands)."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("registration", __name__)


@bp.get("/register")
def criteria():  # type: ignore[no-untyped-def]
    return render_template("error.html", status=404, message=None), 404
