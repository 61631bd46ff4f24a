"""JSON API v1: the cadence for other tools, described by an OpenAPI 3.1 document."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from coordinator.api.problems import Problem, field_problem, problem_response
from coordinator.api.spec import Registry, openapi_document
from coordinator.errors import Refusal, status_of

bp = Blueprint("api", __name__, url_prefix="/api/v1")
registry = Registry()
API_PREFIX = "/api/"


def _document() -> dict:
    return openapi_document(
        registry, title="coordinator API", version="1.0.0",
        description="The civil-society meeting cadence of the Los Angeles Declaration on "
                    "Migration and Protection: countries, committees, series and meetings "
                    "with their deadlines, agendas, topic suggestions, written proposals, "
                    "compliance and mail status. Reads of public data need no token; "
                    "changes need a personal API token and stay in its account's scope. "
                    "Errors are RFC 9457 problem documents.",
        server=current_app.config["BASE_URL"] + "/api/v1")


@bp.get("/openapi.json")
def openapi():
    return _document()


@bp.get("/docs")
def docs():
    """A readable page built from the same document (no JavaScript, works offline)."""
    return render_template("api_docs.html", doc=_document())


def register(app: Flask) -> None:
    from coordinator.api import (  # noqa: F401  (each module declares its operations)
        attendance,
        commitments,
        history,
        meetings,
        moderation,
        outcomes,
        people,
        reference,
        series,
        status,
        translations,
    )
    from coordinator.extensions import csrf, limiter

    # Bearer tokens, not cookies: a cross-site form cannot act with them, so no CSRF token.
    csrf.exempt(bp)
    limiter.limit("120/minute", key_func=_api_key, methods=["POST", "PUT", "PATCH", "DELETE"])(bp)
    app.register_blueprint(bp)

    @app.errorhandler(Problem)
    def problem(exc: Problem) -> Response:
        return problem_response(exc, headers={"WWW-Authenticate": 'Bearer realm="coordinator"'}
                                if exc.status == 401 else None)


def _api_key() -> str:
    """Writes are limited per verified token's account, else per client: a bogus or
    re-spaced token each time is the client's budget, not a fresh one."""
    from flask_limiter.util import get_remote_address

    from coordinator.api.access import caller

    try:
        account = caller()
    except Problem:
        account = None
    return f"api:account:{account.id}" if account else f"api:client:{get_remote_address()}"


def api_error(exc: Exception) -> Response | None:
    """Errors under /api/ as problem documents (the HTML pages keep their own)."""
    if not request.path.startswith(API_PREFIX):
        return None
    if isinstance(exc, Problem):
        return problem_response(exc)
    if isinstance(exc, Refusal):
        return problem_response(field_problem(status_of(exc), exc.message, exc.field))
    if isinstance(exc, HTTPException) and exc.code is not None:
        detail = exc.description if exc.code != 500 else None
        valid_methods = getattr(exc, "valid_methods", None)  # MethodNotAllowed's
        allow = {"Allow": ", ".join(valid_methods)} if valid_methods else None
        return problem_response(Problem(exc.code, detail=detail), headers=allow)
    return problem_response(Problem(500, detail=gettext("Something failed on our side; nothing "
                                                        "was written. It is logged.")))
