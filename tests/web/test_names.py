"""Names in the reader's language: committees through the catalogs, countries and time-zone
cities from CLDR, "Online" translated; zone pickers list cities, the region's capitals first.

The catalogs' translations of the committee names are filled in at the end, so the tests
compare what a page shows with the catalog's answer in that language, and rename one
committee to a message the catalogs already translate to prove the page asks them.
"""

from __future__ import annotations

import csv
import html
import re
from datetime import date, time
from importlib import resources
from urllib.parse import urlsplit

import pytest
from babel import Locale
from babel.dates import get_timezone_location
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from coordinator.cadence.kinds import SeriesKind
from coordinator.calendar.from_meeting import meeting_event
from coordinator.demo import load_demo
from coordinator.extensions import db
from coordinator.links import preferences_url
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import Committee, Meeting, Role
from coordinator.models import Series as SeriesRow
from coordinator.present import ONLINE, reading_order
from coordinator.reference.names import COMMITTEE_NAMES
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.support.organisations import approved_contact
from tests.web.people import log_in, make_account

LANGUAGES = ("es", "fr", "pt", "nl")
ACTOR = Actor.cli()
# Messages the catalogs translate already: a committee renamed to one of them shows the
# translation only if its name goes through the catalog.
TRANSLATED = ("Extraordinary meeting", "Regional joint work-plan meeting", "Discussion")
OPTGROUP = re.compile(r'<optgroup label="([^"]*)">(.*?)</optgroup>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


def zone_picker(page: str, select_id: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The optgroups of a <select> as (label, [(value, text)]), unescaped."""
    found = re.search(r'<select id="' + select_id + r'"[^>]*>(.*?)</select>', page, re.S)
    assert found, f"no select #{select_id}"
    return [(html.unescape(label), [(v, html.unescape(t)) for v, t in OPTION.findall(body)])
            for label, body in OPTGROUP.findall(found.group(1))]


def option_text(page: str, select_id: str, value: str) -> str:
    found = re.search(r'<select id="' + select_id + r'"[^>]*>.*?<option value="'
                      + re.escape(value) + r'"[^>]*>([^<]*)</option>', page, re.S)
    assert found, f"no option {value} in #{select_id}"
    return html.unescape(found.group(1))


def in_language(language: str, message: str) -> str:
    with force_locale(language):
        return gettext(message)


def briefing(slug: str, **extra: object) -> SeriesRow:
    return schedule_series(SeriesInput(kind=SeriesKind.COMMITTEE, committee=slug,
                                       first_date=date(2027, 1, 14), start_time=time(10),
                                       zone="America/Mexico_City", **extra),  # type: ignore[arg-type]
                           now=NOW, actor=ACTOR)


def test_every_committee_of_the_reference_data_is_marked_for_the_catalogs() -> None:
    text = resources.files("coordinator.reference").joinpath("committees.csv").read_text("utf-8")
    assert sorted(row["name_en"] for row in csv.DictReader(text.splitlines())) == sorted(
        COMMITTEE_NAMES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_committee_names_come_from_the_catalog(seeded, frozen, language: str) -> None:
    series = briefing("labor-mobility")
    renamed = db.session.scalar(select(Committee).where(Committee.slug == "refugee-resettlement"))
    message = next(m for m in TRANSLATED if in_language(language, m) != m)
    renamed.name_en = message
    db.session.commit()
    client = seeded.test_client()

    home = client.get(f"/?lang={language}").get_data(as_text=True)
    assert option_text(home, "committee", "labor-mobility") == in_language(
        language, "Labor Mobility")
    assert option_text(home, "committee", "refugee-resettlement") == in_language(
        language, message) != message

    meeting = client.get(f"/meetings/{series.meetings[0].id}?lang={language}")
    with force_locale(language):
        title = gettext("Committee briefing – %(committee)s", committee=gettext("Labor Mobility"))
    assert f"<h1>{escape(title)}</h1>" in meeting.get_data(as_text=True)

    tracker = client.get(f"/tracker?lang={language}").get_data(as_text=True)
    assert escape(in_language(language, message)) in tracker
    feeds = client.get(f"/feeds/?lang={language}").get_data(as_text=True)
    assert escape(in_language(language, message)) in feeds
    assert f">{escape(message)}<" not in home + tracker + feeds


def test_a_committee_feed_is_named_in_the_feeds_language(seeded, frozen) -> None:
    briefing("labor-mobility")
    renamed = db.session.scalar(select(Committee).where(Committee.slug == "labor-mobility"))
    renamed.name_en = "Discussion"
    db.session.commit()
    body = seeded.test_client().get("/feeds/committee/labor-mobility.ics?lang=es")
    assert in_language("es", "Discussion") != "Discussion"
    assert in_language("es", "Discussion") in body.get_data(as_text=True).replace("\r\n ", "")


@pytest.mark.parametrize("language", LANGUAGES)
def test_country_names_are_in_the_readers_language(seeded, frozen, language: str) -> None:
    home = seeded.test_client().get(f"/?lang={language}").get_data(as_text=True)
    for iso in ("HT", "US", "MX", "SR", "BB"):
        expected = Locale.parse(language).territories[iso]
        assert option_text(home, "country", iso) == expected
    assert ">United States<" not in home


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_zone_picker_lists_cities_with_the_capitals_first(seeded, frozen,
                                                              language: str) -> None:
    page = seeded.test_client().get(f"/?lang={language}").get_data(as_text=True)
    groups = zone_picker(page, "tz")
    assert [label for label, _ in groups] == [in_language(language, "Capitals of the region"),
                                             in_language(language, "Other time zones")]
    capitals, others = groups[0][1], groups[1][1]
    locale = Locale.parse(language)
    # One zone per country of the Declaration, its capital's, by the label in this language.
    assert len(capitals) == 23
    assert [text for _, text in capitals] == sorted((t for _, t in capitals), key=reading_order)
    labels = dict(capitals + others)
    mexico = get_timezone_location("America/Mexico_City", locale=locale, return_city=True)
    assert labels["America/Mexico_City"] == f"{mexico} ({locale.territories['MX']})"
    cordoba = get_timezone_location("America/Argentina/Cordoba", locale=locale,
                                    return_city=True)
    assert ("America/Argentina/Cordoba", f"{cordoba} ({locale.territories['AR']})") in others
    assert "America/Argentina/Cordoba" not in dict(capitals)
    assert "America/Mexico_City" in dict(capitals) and "America/Sao_Paulo" in dict(capitals)
    for zone, text in capitals + others:
        assert "/" not in text and "_" not in text, (zone, text)
    assert others[0][0] == "UTC"


def test_spanish_cities_read_as_people_write_them(seeded, frozen) -> None:
    page = seeded.test_client().get("/?lang=es").get_data(as_text=True)
    labels = dict(option for _, options in zone_picker(page, "tz") for option in options)
    assert labels["America/Mexico_City"] == "Ciudad de México (México)"
    assert labels["America/Port-au-Prince"] == "Puerto Príncipe (Haití)"
    assert labels["America/Panama"] == "Panamá"  # not "Panamá (Panamá)"
    assert labels["UTC"] == "tiempo universal coordinado (UTC)"


def test_the_browsers_zone_is_offered_only_while_none_is_chosen(seeded, frozen) -> None:
    client = seeded.test_client()
    fresh = client.get("/").get_data(as_text=True)
    assert re.search(r'<select id="tz"[^>]*data-detect-zone', fresh)
    assert 'src="/static/zone.js"' in fresh
    chosen = client.get("/?tz=America/Lima").get_data(as_text=True)
    assert "data-detect-zone" not in chosen and "zone.js" not in chosen
    script = client.get("/static/zone.js")
    assert script.status_code == 200
    assert b"resolvedOptions().timeZone" in script.data and b"data-detect-zone" in script.data


def test_workspace_zone_pickers_are_grouped_cities(seeded, frozen) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    client = seeded.test_client()
    log_in(client, "sec@example.org")
    for path in ("/workspace/account?lang=fr", "/workspace/accounts?lang=fr"):
        page = client.get(path).get_data(as_text=True)
        groups = zone_picker(page, "f-zone")
        assert groups[0][0] == in_language("fr", "Capitals of the region"), path
        labels = dict(option for _, options in groups for option in options)
        assert labels["America/Mexico_City"] == "Mexico (Mexique)", path
        assert labels["America/Port-au-Prince"] == "Port-au-Prince (Haïti)", path
    accounts = client.get("/workspace/accounts").get_data(as_text=True)
    assert re.search(r'<select id="f-zone"[^>]*data-detect-zone', accounts)
    own = client.get("/workspace/account").get_data(as_text=True)
    assert not re.search(r'<select id="f-zone"[^>]*data-detect-zone', own)


def test_the_preferences_page_offers_cities_in_the_contacts_language(seeded, frozen) -> None:
    contact = approved_contact("Rede de Apoio", "Ana", "ana@example.org", language="pt",
                               zone="America/Sao_Paulo")
    url = preferences_url(contact)
    assert url
    page = seeded.test_client().get(urlsplit(url).path).get_data(as_text=True)
    groups = zone_picker(page, "f-zone")
    assert groups[0][0] == in_language("pt", "Capitals of the region")
    labels = dict(option for _, options in groups for option in options)
    assert labels["America/Mexico_City"] == "Cidade do México (México)"
    assert '<option value="America/Sao_Paulo" selected>' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_online_meeting_says_online_in_the_readers_language(seeded, frozen,
                                                               language: str) -> None:
    series = briefing("labor-mobility", online_url="https://meet.example.org/lm")
    meeting = series.meetings[0]
    online = in_language(language, ONLINE)
    page = seeded.test_client().get(f"/meetings/{meeting.id}?lang={language}")
    assert f"<dd>{escape(online)}</dd>" in page.get_data(as_text=True)
    assert meeting_event(meeting, language, private=False).location == online
    # Invitees get the link itself where their calendar shows the place.
    assert meeting_event(meeting, language, private=True).location == (
        "https://meet.example.org/lm")


def test_the_english_word_stored_as_a_place_is_read_as_online(seeded, frozen) -> None:
    series = briefing("labor-mobility", location="Online",
                      online_url="https://meet.example.org/lm")
    meeting = db.session.get(Meeting, series.meetings[0].id)
    assert meeting is not None
    assert meeting_event(meeting, "es", private=True).location == "https://meet.example.org/lm"
    assert meeting_event(meeting, "es", private=False).location == in_language("es", ONLINE)
    typed = briefing("investing-in-asylum", location="Cancillería, Ciudad de México",
                     online_url="https://meet.example.org/ia")
    assert meeting_event(typed.meetings[0], "es", private=True).location == (
        "Cancillería, Ciudad de México")


def test_the_demo_stores_no_english_online_place(seeded, frozen) -> None:
    load_demo(now=NOW)
    places = set(db.session.scalars(select(SeriesRow.location)))
    places |= set(db.session.scalars(select(Meeting.location)))
    assert "Online" not in places
    online = db.session.scalars(select(SeriesRow).where(SeriesRow.location.is_(None))).all()
    assert online and all(s.online_url for s in online)
