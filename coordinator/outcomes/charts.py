"""Charts of indicators drawn on the server as SVG: readable without JavaScript, in the
reader's language, each with a text alternative (and, on the page, its data as a table).

Why not a charting library: pygal embeds scripts and styles that the pages' Content
Security Policy refuses, and matplotlib would add tens of MiB to every web worker (issue
19); a chart here is one polyline, two dashed lines and a few labels. This module works out
the geometry and the words; templates/commitments/_charts.html draws them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal, format_percent
from flask_babel import gettext, lazy_gettext
from markupsafe import Markup

from coordinator.content.services import Shown
from coordinator.i18n import reader_locale, written_in_note
from coordinator.outcomes.models import Commitment, Indicator, Rating
from coordinator.outcomes.tracker import IndicatorView

# Drawn at 480 units wide so that its labels stay readable when a phone shrinks it.
WIDTH, HEIGHT = 480, 250
LEFT, RIGHT, TOP, BOTTOM = 56, 14, 30, 34  # room for the axes' labels

UNIT_NAMES = {
    "number": lazy_gettext("Number"),
    "percent": lazy_gettext("Percentage"),
    "people": lazy_gettext("People"),
    "money": lazy_gettext("Amount of money"),
    "days": lazy_gettext("Days"),
    "other": lazy_gettext("Other unit"),
}
RATING_NAMES = {
    Rating.NOT_STARTED: lazy_gettext("Not started"),
    Rating.OFF_TRACK: lazy_gettext("Off track"),
    Rating.SOME_PROGRESS: lazy_gettext("Some progress"),
    Rating.ON_TRACK: lazy_gettext("On track"),
    Rating.ACHIEVED: lazy_gettext("Achieved"),
}
RATING_ORDER = list(Rating)


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in the chart's coordinates
    label: str


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str  # "1 Oct 2026: 336" (a tooltip, and what a screen reader may reach)


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    dots: list[Dot]
    path: str  # the measurements, baseline first
    planned: str  # the straight way from baseline to target, by the target date
    target_y: float
    target_label: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    unit: str
    summary: str  # the text alternative


@dataclass(frozen=True)
class Bar:
    """A list page's small chart: how far from baseline to target."""

    fraction: float | None  # None: not measured yet
    percent: str
    summary: str


# --- words ----------------------------------------------------------------------------

class Words:
    """What a tracker page writes again and again (dates, numbers, "written in Spanish"),
    formatted once per page in the reader's locale: a page of 500 commitments says the
    same few dozen dates thousands of times, and each Babel call costs."""

    def __init__(self) -> None:
        self.locale = reader_locale()
        self.days: dict[date, str] = {}
        self.notes: dict[str | None, str] = {}
        self.values: dict[tuple[float, bool], str] = {}
        # Said on every card: translated once per page.
        self.span_words = gettext("%(start)s to %(target)s")
        self.pillar_words = gettext("Pillar %(pillar)s")

    def said(self, shown: Shown | None) -> Markup:
        """A person's text in its language, marked "written in …" when it is not the
        reader's (the tracker says thousands of them: a function, not a template macro)."""
        if not shown:
            return Markup("")
        lang = Markup(' lang="{}"').format(shown.language) if shown.language else ""
        html = Markup("<span{}>{}</span>").format(lang, shown.text)
        if shown.foreign_to(self.locale.language):
            html += Markup(' <em class="muted">({})</em>').format(
                self.written_in(shown.language))
        return html

    def span(self, start: date, target: date) -> str:
        return self.span_words % {"start": self.day(start), "target": self.day(target)}

    def pillar(self, code: str) -> str:
        return self.pillar_words % {"pillar": code}

    def day(self, day: date) -> str:
        found = self.days.get(day)
        if found is None:
            found = self.days[day] = format_date(day, "medium", locale=self.locale)
        return found

    def value(self, value: float, indicator: Indicator) -> str:
        key = (value, indicator.unit == "percent")
        found = self.values.get(key)
        if found is None:
            found = self.values[key] = value_text(value, indicator, self.locale)
        return found

    def written_in(self, code: str | None) -> str:
        found = self.notes.get(code)
        if found is None:
            found = self.notes[code] = written_in_note(code)
        return found


def unit_name(indicator: Indicator) -> str:
    if indicator.unit_label:
        return indicator.unit_label
    return str(UNIT_NAMES.get(indicator.unit or "", ""))


def value_text(value: float, indicator: Indicator, locale: Locale | None = None) -> str:
    """A value as the reader writes numbers ("1 234,5", "45 %")."""
    locale = locale or reader_locale()
    if indicator.unit == "percent":  # the locale's own pattern ("45,5 %"), its decimals kept
        share = Decimal(format_decimal(value, "0.##", locale="en")) / 100
        return format_percent(share, locale=locale, decimal_quantization=False)
    return format_decimal(value, "#,##0.##", locale=locale)


def summary(view: IndicatorView, commitment: Commitment, words: Words | None = None) -> str:
    """The chart in one sentence, for those who do not see it."""
    words = words or Words()
    indicator, latest = view.indicator, view.latest
    assert indicator.baseline is not None and indicator.target is not None
    assert indicator.baseline_on is not None
    said = {"name": view.name.text, "unit": unit_name(indicator),
            "baseline": words.value(indicator.baseline, indicator),
            "baseline_on": words.day(indicator.baseline_on),
            "target": words.value(indicator.target, indicator),
            "target_on": words.day(commitment.target_on)}
    if latest is None:
        return gettext("%(name)s (%(unit)s): not measured yet. Baseline %(baseline)s on "
                       "%(baseline_on)s; target %(target)s by %(target_on)s.", **said)
    progress = view.progress or 0.0
    return gettext("%(name)s (%(unit)s): %(latest)s on %(latest_on)s, from a baseline of "
                   "%(baseline)s on %(baseline_on)s towards a target of %(target)s by "
                   "%(target_on)s: %(percent)s of the way.",
                   latest=words.value(latest.value, indicator),
                   latest_on=words.day(latest.dated),
                   percent=format_percent(progress, locale=words.locale),
                   **said)


def bar(view: IndicatorView, commitment: Commitment, words: Words | None = None) -> Bar:
    words = words or Words()
    fraction = view.progress
    percent = format_percent(fraction, locale=words.locale) if fraction is not None else ""
    return Bar(fraction, percent, summary(view, commitment, words))


# --- geometry -------------------------------------------------------------------------

def nice_step(span: float, intervals: int = 4) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about `intervals` intervals."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / intervals
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _date_ticks(first: date, last: date, locale: Locale) -> list[tuple[date, str]]:
    """Years when the chart spans more than eighteen months, else quarters."""
    months = (last.year - first.year) * 12 + last.month - first.month
    ticks: list[tuple[date, str]] = []
    if months > 18:
        step = max(1, math.ceil((last.year - first.year + 1) / 6))
        for year in range(first.year + (first.month > 1 or first.day > 1), last.year + 1, step):
            ticks.append((date(year, 1, 1), format_skeleton("y", date(year, 1, 1),
                                                            locale=locale)))
        return ticks
    year, month = first.year, ((first.month - 1) // 3) * 3 + 1
    while (day := date(year, month, 1)) <= last:
        if day >= first:
            ticks.append((day, format_skeleton("yMMM", day, locale=locale)))
        year, month = (year + 1, 1) if month == 10 else (year, month + 3)
    every = max(1, math.ceil(len(ticks) / 6))
    return ticks[::every]


def line_chart(view: IndicatorView, commitment: Commitment,
               words: Words | None = None) -> LineChart | None:
    """The measurements over time against the baseline, the target and the planned way
    (None for a qualitative indicator)."""
    indicator = view.indicator
    if (not view.quantitative or indicator.baseline is None or indicator.target is None
            or indicator.baseline_on is None):
        return None
    words = words or Words()
    locale = words.locale
    first = indicator.baseline_on
    last = max([commitment.target_on, *(v.dated for v in view.values)])
    if last <= first:
        last = date.fromordinal(first.toordinal() + 1)
    numbers = [indicator.baseline, indicator.target, *(v.value for v in view.values)]
    low, high = min(numbers), max(numbers)
    if high == low:
        high = low + 1
    step = nice_step(high - low)
    low_tick = math.floor(low / step) * step
    high_tick = math.ceil(high / step) * step
    if low >= 0 > low_tick:
        low_tick = 0.0
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x(day: date) -> float:
        share = (day.toordinal() - first.toordinal()) / (last.toordinal() - first.toordinal())
        return round(LEFT + share * (right - LEFT), 1)

    def y(value: float) -> float:
        share = (value - low_tick) / (high_tick - low_tick)
        return round(bottom - share * (bottom - TOP), 1)

    points = [(first, indicator.baseline), *((v.dated, v.value) for v in view.values)]
    dots = [Dot(x(d), y(v), f"{words.day(d)}: {words.value(v, indicator)}")
            for d, v in points]
    y_ticks = []
    count = round((high_tick - low_tick) / step)
    for n in range(count + 1):
        value = low_tick + n * step
        y_ticks.append(Tick(y(value), value_text(value, indicator, locale)))
    return LineChart(
        width=WIDTH, height=HEIGHT, left=LEFT, top=TOP, right=right, bottom=bottom,
        dots=dots, path="M" + " L".join(f"{d.x} {d.y}" for d in dots),
        planned=f"M{x(first)} {y(indicator.baseline)} "
                f"L{x(commitment.target_on)} {y(indicator.target)}",
        target_y=y(indicator.target),
        target_label=gettext("Target: %(value)s", value=value_text(indicator.target,
                                                                   indicator, locale)),
        x_ticks=[Tick(x(d), label) for d, label in _date_ticks(first, last, locale)],
        y_ticks=y_ticks, unit=unit_name(indicator), summary=summary(view, commitment, words))
