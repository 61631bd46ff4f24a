"""Errors mapped to HTTP answers: problem documents under /api/, pages in the visitor's
language elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from coordinator.errors import N_, InvalidInput, Refusal, status_of

log = logging.getLogger(__name__)


def _page(status: int, message: str | None = None):
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    from coordinator.api import api_error

    @app.errorhandler(Refusal)
    def refused(exc: Refusal):
        # A refusal no view caught: its own status (404, 409, 422) and its sentence.
        return api_error(exc) or _page(status_of(exc), exc.message)

    @app.errorhandler(OverflowError)
    def out_of_range(exc: OverflowError):
        # A date so far off that no time zone can show it: refused, never a 500.
        refusal = InvalidInput(N_("A date is out of range: use a year from %(first)s to "
                                  "%(last)s."), first=2000, last=2100)
        return api_error(refusal) or _page(422, refusal.message)

    @app.errorhandler(CSRFError)
    def form_expired(exc: CSRFError):
        return _page(400, gettext(
            "This form has expired or was sent from another site. Go back, reload the page "
            "and send it again."))

    @app.errorhandler(403)
    def forbidden(exc):
        return api_error(exc) or _page(403, gettext(
            "This belongs to another country or committee: your account cannot change it. "
            "The secretariat can."))

    @app.errorhandler(404)
    def missing(exc):
        return api_error(exc) or _page(404)

    @app.errorhandler(413)
    def too_large(exc):
        from coordinator.web.workspace.documents import too_large_message

        return api_error(exc) or _page(413, too_large_message() or gettext(
            "What you sent is too large. Shorten it and send it again."))

    @app.errorhandler(429)
    def too_many(exc):
        return api_error(exc) or _page(429, gettext(
            "Too many attempts in a short time. Wait a few minutes and try again."))

    @app.errorhandler(HTTPException)
    def other_http(exc: HTTPException):
        return api_error(exc) or _page(exc.code or 400, exc.description)

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError):
        log.exception("unhandled error", exc_info=exc.original_exception or exc)
        return api_error(exc) or _page(500, gettext(
            "Something failed on our side; nothing you sent was lost. Try again shortly."))
