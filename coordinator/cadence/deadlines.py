"""Deadlines of a meeting, counted back from its start in the meeting's own wall-clock time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from coordinator.cadence.errors import DeadlineOrder
from coordinator.cadence.recurrence import wall_clock

MAX_OFFSET_DAYS = 365
# "Agendas are shared well in advance" (recommendation 5): a week at the very least,
# unless the meeting is extraordinary and the shortening is justified.
MIN_AGENDA_NOTICE_DAYS = 7


@dataclass(frozen=True)
class DeadlineOffsets:
    """Days before the meeting: suggestions open and close, agenda due, reminders."""

    suggestions_open: int = 42
    suggestions_close: int = 21
    agenda_due: int = 14
    reminders: tuple[int, ...] = field(default=(7, 1))

    def validated(self, *, short_notice_allowed: bool = False,
                  justification: str | None = None) -> DeadlineOffsets:
        """The offsets with reminders sorted, or DeadlineOrder saying what to change."""
        values = {
            "suggestions open": self.suggestions_open,
            "suggestions close": self.suggestions_close,
            "agenda due": self.agenda_due,
        }
        for name, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool):
                raise DeadlineOrder(f"'{name}' must be a whole number of days.")
            if not 0 <= value <= MAX_OFFSET_DAYS:
                raise DeadlineOrder(
                    f"'{name}' must be between 0 and {MAX_OFFSET_DAYS} days before.")
        if not self.suggestions_open > self.suggestions_close > self.agenda_due:
            raise DeadlineOrder(
                "Deadlines are in the wrong order: suggestions must open before they close, "
                "and close before the agenda is due "
                f"(got open {self.suggestions_open}, close {self.suggestions_close}, "
                f"agenda due {self.agenda_due} days before; e.g. 42, 21, 14)."
            )
        reminders = tuple(sorted(set(self.reminders), reverse=True))
        for days in reminders:
            if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 60:
                raise DeadlineOrder("Reminders must be whole numbers of days between 0 and 60.")
        if self.agenda_due < MIN_AGENDA_NOTICE_DAYS:
            if not short_notice_allowed:
                raise DeadlineOrder(
                    f"The agenda must be due at least {MIN_AGENDA_NOTICE_DAYS} days before the "
                    "meeting. Only an extraordinary meeting may shorten this."
                )
            if not (justification or "").strip():
                raise DeadlineOrder(
                    "Shortened deadlines need a justification, recorded with the meeting "
                    "(e.g. 'emergency response to displacement after the hurricane')."
                )
        return DeadlineOffsets(self.suggestions_open, self.suggestions_close,
                               self.agenda_due, reminders)


@dataclass(frozen=True)
class Deadlines:
    suggestions_open: datetime
    suggestions_close: datetime
    agenda_due: datetime
    reminders: tuple[datetime, ...]


def _days_before(start: datetime, days: int) -> datetime:
    # Counted in the meeting's calendar, so "14 days before 10:00" is 10:00 local even
    # when a DST change falls in between.
    return wall_clock(start.date() - timedelta(days=days), start.timetz().replace(tzinfo=None),
                      start.tzinfo)  # type: ignore[arg-type]


def deadlines_for(start_local: datetime, offsets: DeadlineOffsets) -> Deadlines:
    """All deadlines of a meeting starting at `start_local` (aware, in the meeting's zone)."""
    if start_local.tzinfo is None:
        raise ValueError("start_local must be timezone-aware")
    return Deadlines(
        suggestions_open=_days_before(start_local, offsets.suggestions_open),
        suggestions_close=_days_before(start_local, offsets.suggestions_close),
        agenda_due=_days_before(start_local, offsets.agenda_due),
        reminders=tuple(_days_before(start_local, d) for d in offsets.reminders),
    )
