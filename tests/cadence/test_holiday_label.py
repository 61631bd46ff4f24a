"""Holiday names for a reader: their language where the `holidays` package has it, else
English with the country's own name beside it."""

from __future__ import annotations

from datetime import date

import pytest

from coordinator.cadence.rest_days import holiday_label


@pytest.mark.parametrize(("country", "day", "language", "expected"), [
    ("GT", date(2026, 4, 4), "es", "Sábado Santo"),
    ("GT", date(2026, 4, 4), "en", "Holy Saturday"),
    ("GT", date(2026, 4, 4), "ht", "Holy Saturday (Sábado Santo)"),
    ("SR", date(2026, 7, 1), "nl", "Dag der Vrijheden"),
    ("SR", date(2026, 7, 1), "pt", "Day of Freedoms (Dag der Vrijheden)"),
    ("BR", date(2026, 9, 7), "pt", "Independência do Brasil"),
    ("GT", date(2026, 4, 7), "ht", None),  # not a holiday
])
def test_a_holiday_is_named_for_its_reader(country, day, language, expected) -> None:
    assert holiday_label(country, day, language) == expected


def test_haiti_speaks_kreyol() -> None:
    label = holiday_label("HT", date(2026, 1, 1), "ht")
    assert label is not None and "Endepandans" in label and "(" not in label
