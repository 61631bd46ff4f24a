"""Errors a person can act on: each says what is wrong and how to fix it."""


class InvalidInput(ValueError):
    """Input refused before anything is written; the web layer answers 422, the CLI exits 2."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


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
