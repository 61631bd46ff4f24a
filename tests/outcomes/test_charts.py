"""The geometry and words of the tracker's charts: ticks at round numbers, every point
inside the plot, the target line where the target is, either direction of progress."""

from __future__ import annotations

from datetime import date

import pytest

from coordinator.content.services import Shown
from coordinator.outcomes import charts
from coordinator.outcomes.models import Commitment, Indicator, IndicatorKind
from coordinator.outcomes.tracker import IndicatorView, Value


@pytest.mark.parametrize(("span", "step"), [(480, 200), (9, 5), (8, 2), (1, 0.5),
                                            (0.03, 0.01), (1_000_000, 500_000), (0, 1.0)])
def test_steps_are_one_two_or_five_times_a_power_of_ten(span, step) -> None:
    """The smallest round step giving at most four intervals."""
    assert charts.nice_step(span) == pytest.approx(step)


def _view(baseline: float, target: float, values: list[tuple[date, float]],
          direction: str, unit: str = "days") -> tuple[IndicatorView, Commitment]:
    indicator = Indicator(kind=IndicatorKind.QUANTITATIVE, name="Días de espera", unit=unit,
                          baseline=baseline, baseline_on=date(2025, 1, 1), target=target,
                          direction=direction)
    commitment = Commitment(start_on=date(2025, 1, 1), target_on=date(2027, 1, 1))
    view = IndicatorView(indicator, Shown("Días de espera", "es"),
                         [Value(d, v, "x") for d, v in values])
    return view, commitment


def test_a_falling_indicator_draws_inside_its_plot(app) -> None:
    view, commitment = _view(12, 3, [(date(2025, 6, 1), 10), (date(2026, 6, 1), 6)],
                             "decrease")
    with app.test_request_context("/?lang=en"):
        chart = charts.line_chart(view, commitment)
    assert chart is not None
    for dot in chart.dots:
        assert chart.left <= dot.x <= chart.right and chart.top <= dot.y <= chart.bottom
    assert [d.label for d in chart.dots] == ["Jan 1, 2025: 12", "Jun 1, 2025: 10",
                                             "Jun 1, 2026: 6"]
    # Higher values are higher up: the baseline (12) above the target line (3).
    assert chart.dots[0].y < chart.target_y
    assert [t.label for t in chart.y_ticks] == ["0", "5", "10", "15"]
    assert [t.label for t in chart.x_ticks] == ["2025", "2026", "2027"]
    assert "of the way" in chart.summary and "67%" in chart.summary  # (12-6)/(12-3)


def test_a_percentage_reads_as_one_in_the_readers_language(app) -> None:
    view, commitment = _view(20, 80, [(date(2025, 6, 1), 45.5)], "increase", unit="percent")
    with app.test_request_context("/?lang=fr"):
        words = charts.Words()
        assert words.value(45.5, view.indicator).replace("\u202f", " ").replace(
            "\u00a0", " ") == "45,5 %"
        assert charts.line_chart(view, commitment, words) is not None


def test_a_qualitative_indicator_has_no_line_chart(app) -> None:
    indicator = Indicator(kind=IndicatorKind.QUALITATIVE, name="Calidad")
    with app.test_request_context("/"):
        assert charts.line_chart(IndicatorView(indicator, Shown("Calidad", "es")),
                                 Commitment(target_on=date(2027, 1, 1))) is None


def test_short_spans_are_marked_by_quarter(app) -> None:
    view, commitment = _view(0, 10, [(date(2025, 4, 15), 4)], "increase")
    commitment.target_on = date(2025, 12, 31)
    with app.test_request_context("/?lang=en"):
        chart = charts.line_chart(view, commitment)
    assert chart is not None
    assert [t.label for t in chart.x_ticks] == ["Jan 2025", "Apr 2025", "Jul 2025",
                                               "Oct 2025"]
