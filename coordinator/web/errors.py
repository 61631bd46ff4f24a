"""Service errors mapped to HTTP answers, rendered in the visitor's language."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from coordinator.services.errors import InvalidInput, NotFound


def register(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=404, message=None), 404

    @app.errorhandler(InvalidInput)
    def invalid(exc: InvalidInput):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=422, message=exc.message), 422

    @app.errorhandler(404)
    def missing(exc):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=404, message=None), 404

    @app.errorhandler(CSRFError)
    def form_expired(exc: CSRFError):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=400, message=gettext(
            "This form has expired or was sent from another site. Go back, reload the page "
            "and send it again.")), 400

    @app.errorhandler(403)
    def forbidden(exc):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=403, message=gettext(
            "This belongs to another country or committee: your account cannot change it. "
            "The secretariat can.")), 403

    @app.errorhandler(400)
    def bad_request(exc):  # type: ignore[no-untyped-def]
        return render_template("error.html", status=400, message=exc.description), 400
