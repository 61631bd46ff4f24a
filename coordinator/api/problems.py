"""RFC 9457 problem documents: every API refusal says what went wrong, in JSON."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response
from flask_babel import gettext
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from coordinator.cadence.errors import N_, InvalidInput, Np_, Refusal, Template

PROBLEM = "application/problem+json"

# pydantic words its own messages in English only: the common ones, by their type, in the
# reader's language (the parameters come from the error's `ctx`); the rarest stay English.
PYDANTIC_MESSAGES: dict[str, Template] = {
    "missing": N_("This field is required."),
    "extra_forbidden": N_("This field is not expected; check its name."),
    "string_too_long": Np_("Use at most %(num)s character.", "Use at most %(num)s characters."),
    "string_too_short": Np_("Use at least %(num)s character.", "Use at least %(num)s characters."),
    "too_long": Np_("Give at most %(num)s item.", "Give at most %(num)s items."),
    "too_short": Np_("Give at least %(num)s item.", "Give at least %(num)s items."),
    "greater_than_equal": N_("Give a number from %(ge)s up."),
    "less_than_equal": N_("Give a number up to %(le)s."),
    "int_parsing": N_("Give a whole number."),
    "int_type": N_("Give a whole number."),
    "int_from_float": N_("Give a whole number."),
    "string_type": N_("Give a text."),
    "bool_parsing": N_("Give true or false."),
    "bool_type": N_("Give true or false."),
    "literal_error": N_("Use one of: %(expected)s."),
    "enum": N_("Use one of: %(expected)s."),
    "string_pattern_mismatch": N_("This is not in the expected form."),
    "date_parsing": N_("Give a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": N_("Give a date as YYYY-MM-DD."),
    "date_type": N_("Give a date as YYYY-MM-DD."),
    "datetime_parsing": N_("Give a date and time with its offset, e.g. "
                           "2027-03-01T10:00:00-06:00."),
    "datetime_from_date_parsing": N_("Give a date and time with its offset, e.g. "
                                     "2027-03-01T10:00:00-06:00."),
    "timezone_aware": N_("Give a date and time with its offset, e.g. "
                         "2027-03-01T10:00:00-06:00."),
    "list_type": N_("Give a list."),
    "model_type": N_("Give an object."),
    "dict_type": N_("Give an object."),
}


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
                         message=_message(error)) for error in exc.errors(include_url=False)]
    return Problem(422, title=gettext("Invalid input"), errors=errors[:50],
                   detail=gettext("Some fields were refused; nothing was written."))


def _message(error: ErrorDetails) -> str:
    """One field's refusal in the reader's language: our validators raise refusals (a
    ValueError pydantic keeps in `ctx`); pydantic's own common messages go by their type."""
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    raised = ctx.pop("error", None)
    if isinstance(raised, Refusal):
        return raised.message
    if error["type"] not in PYDANTIC_MESSAGES:
        return error["msg"]
    for length in ("max_length", "min_length"):
        if length in ctx:
            ctx["num"] = ctx.pop(length)
    return InvalidInput(PYDANTIC_MESSAGES[error["type"]], **ctx).message



def field_problem(status: int, message: str, field: str | None) -> Problem:
    """A service's refusal (InvalidInput, Conflict) as a problem document."""
    return Problem(status, detail=message,
                   errors=[FieldError(field=field, message=message)] if field else [])
