"""Haitian Creole dates, zones and places come from our overlay: CLDR's `ht` is a stub."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, datetime, time
from importlib.resources import files

import pytest
from babel import Locale, localedata
from babel.dates import (
    format_date,
    format_datetime,
    format_time,
    get_day_names,
    get_month_names,
    get_timezone,
    get_timezone_location,
)

from coordinator.locales import install_overlays

MONTHS = ["janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm",
          "oktòb", "novanm", "desanm"]
DAYS = ["lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch"]
WEDNESDAY = date(2027, 1, 13)


@pytest.fixture(autouse=True)
def overlay() -> None:
    install_overlays()


@pytest.fixture
def stock_babel() -> Iterator[None]:
    """Babel as it ships, without the overlay; put back for the tests that follow."""
    localedata.clear_caches()
    yield
    localedata.clear_caches()
    install_overlays()


def test_full_date_and_short_time_read_in_kreyol() -> None:
    assert format_date(WEDNESDAY, "full", locale="ht") == "mèkredi 13 janvye 2027"
    assert format_date(WEDNESDAY, "long", locale="ht") == "13 janvye 2027"
    assert format_date(WEDNESDAY, "short", locale="ht") == "13/01/2027"
    assert format_time(time(9, 30), "short", locale="ht") == "9:30"
    assert format_time(time(21, 5), "short", locale="ht") == "21:05"


def test_date_and_time_join_with_a_comma() -> None:
    moment = datetime(2027, 1, 13, 9, 30)
    assert format_datetime(moment, "short", locale="ht") == "13/01/2027, 9:30"
    pattern = Locale.parse("ht").datetime_formats["full"]
    assert pattern.format(format_time(moment, "short", locale="ht"),
                          format_date(moment, "full", locale="ht")) == (
        "mèkredi 13 janvye 2027, 9:30")


@pytest.mark.parametrize("context", ["format", "stand-alone"])
def test_every_month_and_day_has_its_kreyol_name(context: str) -> None:
    english = Locale.parse("en")
    months, days = get_month_names("wide", context, "ht"), get_day_names("wide", context, "ht")
    assert [months[m] for m in range(1, 13)] == MONTHS
    assert [days[d] for d in range(7)] == DAYS  # Babel counts from Monday
    for width in ("abbreviated", "narrow"):
        months = get_month_names(width, context, "ht")
        assert sorted(months) == list(range(1, 13))
        assert not any(name.startswith("M") and name[1:].isdigit() for name in months.values())
    for width in ("abbreviated", "short", "narrow"):
        days = get_day_names(width, context, "ht")
        assert [days[i][0].upper() for i in range(7)] == [d[0].upper() for d in DAYS]
    for kind in ("months", "days"):
        for width in ("wide", "abbreviated"):
            ours = set(getattr(Locale.parse("ht"), kind)[context][width].values())
            assert not ours & set(getattr(english, kind)[context][width].values())


def test_quarter_is_written_out() -> None:
    assert format_date(WEDNESDAY, "QQQQ y", locale="ht") == "premye trimès 2027"
    assert format_date(date(2027, 11, 2), "QQQ y", locale="ht") == "T4 2027"


def test_places_and_zones_have_kreyol_names() -> None:
    locale = Locale.parse("ht")
    assert locale.territories["HT"] == "Ayiti"
    assert locale.territories["DO"] == "Repiblik Dominikèn"
    assert locale.languages["es"] == "panyòl"
    haiti = get_timezone("America/Port-au-Prince")
    assert get_timezone_location(haiti, locale="ht", return_city=True) == "Pòtoprens"
    assert get_timezone_location(haiti, locale="ht") == "lè Ayiti"
    assert get_timezone_location(get_timezone("America/New_York"), locale="ht") == (
        "lè Etazini (Nouyòk)")


def test_every_country_of_the_declaration_and_its_zones_are_named() -> None:
    text = files("coordinator.reference").joinpath("countries.csv").read_text(encoding="utf-8")
    locale = Locale.parse("ht")
    for row in csv.DictReader(text.splitlines()):
        assert row["iso"] in locale.territories, row["iso"]
        for zone in [row["capital_zone"], *row["other_zones"].split()]:
            assert zone in locale.time_zones, zone


def test_a_locale_made_before_the_install_sees_the_overlay(stock_babel: None) -> None:
    early = Locale.parse("ht")
    assert early.months["format"]["wide"][1] == "M01"  # the stub, read (and memoized)
    assert format_date(WEDNESDAY, "full", locale="ht") != "mèkredi 13 janvye 2027"
    install_overlays()
    assert early.months["format"]["wide"][1] == "janvye"
    assert early.territories["HT"] == "Ayiti"
    assert format_date(WEDNESDAY, "full", locale=early) == "mèkredi 13 janvye 2027"


def test_installing_twice_changes_nothing() -> None:
    months = localedata.load("ht")["months"]
    install_overlays()
    assert localedata.load("ht")["months"] is months


def test_other_locales_are_untouched() -> None:
    assert format_date(WEDNESDAY, "full", locale="fr") == "mercredi 13 janvier 2027"
    assert format_date(WEDNESDAY, "full", locale="es") == "miércoles, 13 de enero de 2027"
    assert Locale.parse("fr").territories["HT"] == "Haïti"
    assert Locale.parse("fr").zone_formats["region"] == "heure : %s"
    assert Locale.parse("en").months["format"]["wide"][1] == "January"
    assert localedata.load("root")["months"]["format"]["wide"][1] == "M01"
    assert "HT" not in localedata.load("root")["territories"]
