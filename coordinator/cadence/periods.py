"""Calendar quarters and half-years: the periods the recommendations count in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, order=True)
class Period:
    year: int
    index: int  # 1-4 for quarters, 1-2 for half-years
    months: int  # 3 or 6

    @property
    def first_day(self) -> date:
        return date(self.year, (self.index - 1) * self.months + 1, 1)

    @property
    def after_last_day(self) -> date:
        month = self.index * self.months + 1
        return date(self.year + 1, 1, 1) if month > 12 else date(self.year, month, 1)

    @property
    def label(self) -> str:
        return f"{'Q' if self.months == 3 else 'H'}{self.index}"

    def contains(self, day: date) -> bool:
        return self.first_day <= day < self.after_last_day


def period_of(day: date, months: int) -> Period:
    return Period(day.year, (day.month - 1) // months + 1, months)


def periods_of_year(year: int, months: int) -> list[Period]:
    return [Period(year, i, months) for i in range(1, 12 // months + 1)]
