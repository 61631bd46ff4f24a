"""RFC 9457 problem documents: every API refusal says what went wrong, in JSON."""

from __future__ import annotations

from http import HTTPStatus

from flask import Response
from pydantic import BaseModel, ValidationError

PROBLEM = "application/problem+json"


class FieldError(BaseModel):
    field: str
    message: str


class ProblemDocument(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] = []


class Problem(Exception):
    """Raised anywhere in an API view to answer with a problem document."""

    def __init__(self, status: int, *, detail: str | None = None, title: str | None = None,
                 errors: list[FieldError] | None = None) -> None:
        super().__init__(detail or title)
        self.status = status
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.errors = errors or []

    def document(self) -> ProblemDocument:
        return ProblemDocument(title=self.title, status=self.status, detail=self.detail,
                               errors=self.errors)


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response:
    return Response(problem.document().model_dump_json(exclude_none=True), problem.status,
                    mimetype=PROBLEM, headers=headers)


def validation_problem(exc: ValidationError) -> Problem:
    errors = [FieldError(field=".".join(str(p) for p in error["loc"]) or "body",
                         message=error["msg"]) for error in exc.errors(include_url=False)]
    return Problem(422, title="Invalid input", errors=errors[:50],
                   detail="Some fields were refused; nothing was written.")


def field_problem(status: int, message: str, field: str | None) -> Problem:
    """A service's refusal (InvalidInput, Conflict) as a problem document."""
    return Problem(status, detail=message,
                   errors=[FieldError(field=field, message=message)] if field else [])
