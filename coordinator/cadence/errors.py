"""Errors a person can act on: each says what is wrong and how to fix it.

A refusal carries an English message template and its parameters, never a finished
sentence: `cadence/` knows nothing of Flask, so the door that shows the refusal (a page,
a problem document, the command line) translates the template into the reader's
language and fills in the parameters there. Templates are marked with `N_` so that
`pybabel extract -k N_` puts them in the catalogs; a template that shows a count is
marked with `Np_(singular, plural)` (`-k Np_:1,2`) and chooses its form by the `num`
parameter, as `ngettext` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, NamedTuple


class Plural(NamedTuple):
    """A template whose wording depends on the count in its `num` parameter."""

    singular: str
    plural: str

    def english_form(self, params: Mapping[str, Any]) -> str:
        return self.singular if params.get("num") == 1 else self.plural


Template = str | Plural
Translator = Callable[[Template, Mapping[str, Any]], str]


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def Np_(singular: str, plural: str) -> Plural:
    """Mark a message with a count (the `num` parameter) for extraction with its plural;
    the reader's language chooses the form where it is shown (`ngettext`)."""
    return Plural(singular, plural)


def english(template: Template, params: Mapping[str, Any]) -> str:
    """A refusal in English (logs, and readers outside any request)."""
    if isinstance(template, Plural):
        template = template.english_form(params)
    return template % {k: _plain(v) for k, v in params.items()} if params else template


def _plain(value: Any) -> Any:
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else value


class Refusal(Exception):
    """What every refusal shares: an English template, its parameters, and the sentence
    in the reader's language. Each door maps the kind of refusal to its answer (see
    `status_of`), so a refusal reads and counts the same through pages, API and CLI."""

    field: str | None = None
    # Set once by the application (coordinator.i18n): translates a template into the
    # current reader's language and formats dates for them. English without it.
    translator: ClassVar[Translator | None] = None

    def __init__(self, message: Template, *, field: str | None = None, **params: Any) -> None:
        self.template = message
        self.params: dict[str, Any] = params
        super().__init__(english(message, params))
        if field is not None:
            self.field = field

    @property
    def message(self) -> str:
        """The refusal in the reader's language (English outside a request)."""
        translate = Refusal.translator
        if translate is not None:
            return translate(self.template, self.params)
        return english(self.template, self.params)

    @property
    def english(self) -> str:
        return english(self.template, self.params)


class InvalidInput(Refusal, ValueError):
    """Input refused before anything is written: 422 on pages and in the API, exit 2."""


class InvalidRule(InvalidInput):
    field = "rrule"


class RuleTooFrequent(InvalidRule):
    pass


class UnknownZone(InvalidInput):
    field = "zone"


class EndBeforeStart(InvalidInput):
    field = "until"


class InvalidDuration(InvalidInput):
    field = "duration"


class DeadlineOrder(InvalidInput):
    field = "deadlines"
