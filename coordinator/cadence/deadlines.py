"""Deadlines of a meeting, counted back from its start in the meeting's own wall-clock time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from coordinator.cadence.errors import N_, DeadlineOrder, Np_
from coordinator.cadence.recurrence import wall_clock

MAX_OFFSET_DAYS = 365
# "Agendas are shared well in advance" (recommendation 5): a week at the very least,
# unless the meeting is extraordinary and the shortening is justified.
MIN_AGENDA_NOTICE_DAYS = 7

# One sentence per deadline rather than its name as a parameter: each language words
# (and inflects) the deadline's name in its own way.
NOT_WHOLE_DAYS = {
    "suggestions_open": N_("'Suggestions open' must be a whole number of days."),
    "suggestions_close": N_("'Suggestions close' must be a whole number of days."),
    "agenda_due": N_("'Agenda due' must be a whole number of days."),
}
OUT_OF_RANGE = {
    "suggestions_open": Np_("'Suggestions open' must be between 0 and %(num)s day before.",
                            "'Suggestions open' must be between 0 and %(num)s days before."),
    "suggestions_close": Np_("'Suggestions close' must be between 0 and %(num)s day before.",
                             "'Suggestions close' must be between 0 and %(num)s days before."),
    "agenda_due": Np_("'Agenda due' must be between 0 and %(num)s day before.",
                      "'Agenda due' must be between 0 and %(num)s days before."),
}


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
            "suggestions_open": self.suggestions_open,
            "suggestions_close": self.suggestions_close,
            "agenda_due": self.agenda_due,
        }
        for name, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool):
                raise DeadlineOrder(NOT_WHOLE_DAYS[name])
            if not 0 <= value <= MAX_OFFSET_DAYS:
                raise DeadlineOrder(OUT_OF_RANGE[name], num=MAX_OFFSET_DAYS)
        if not self.suggestions_open > self.suggestions_close > self.agenda_due:
            raise DeadlineOrder(
                N_("Deadlines are in the wrong order: suggestions must open before they close, "
                   "and close before the agenda is due (got open %(open)s, close %(close)s, "
                   "agenda due %(due)s days before; e.g. 42, 21, 14)."),
                open=self.suggestions_open, close=self.suggestions_close, due=self.agenda_due)
        reminders = tuple(sorted(set(self.reminders), reverse=True))
        for days in reminders:
            if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 60:
                raise DeadlineOrder(N_("Reminders must be whole numbers of days between "
                                       "%(low)s and %(high)s."), low=0, high=60)
        if self.agenda_due < MIN_AGENDA_NOTICE_DAYS:
            if not short_notice_allowed:
                raise DeadlineOrder(
                    Np_("The agenda must be due at least %(num)s day before the meeting. "
                        "Only an extraordinary meeting may shorten this.",
                        "The agenda must be due at least %(num)s days before the meeting. "
                        "Only an extraordinary meeting may shorten this."),
                    num=MIN_AGENDA_NOTICE_DAYS)
            if not (justification or "").strip():
                raise DeadlineOrder(
                    N_("Shortened deadlines need a justification, recorded with the meeting "
                       "(e.g. 'emergency response to displacement after the hurricane')."))
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
