"""Every public page in each of the six languages: no English committee or country name,
no time with seconds, and refusals of bad input said in the reader's language.

Expected names come from the catalogs and CLDR (Babel, plus the project's Kreyòl overlay),
so the test holds for every language the service speaks without listing translations.
"""

from __future__ import annotations

import html
import re

import pytest
from babel import Locale
from babel.dates import get_timezone_location
from flask_babel import force_locale, gettext
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.meetings.reads import known_zones
from coordinator.models import Committee, Country
from tests.conftest import NOW
from tests.mail.scenario import make_world

TYPED_PLACE = "Cancillería, Ciudad de Guatemala"  # tests/mail/scenario.py
LANGUAGES = ["en", "es", "pt", "fr", "ht", "nl"]
SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
TAGS = re.compile(r"<[^>]+>")
ERROR = re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.S)


def _visible(page: str) -> str:
    """What a reader sees: text between tags (attribute values such as slugs excluded)."""
    return html.unescape(TAGS.sub(" ", page))


def _english_names(language: str) -> list[str]:
    """English committee and country names whose name in `language` differs."""
    names = []
    for committee in db.session.scalars(select(Committee)):
        with force_locale(language):
            if gettext(committee.name_en) != committee.name_en:
                names.append(committee.name_en)
    locale = Locale.parse(language)
    # A city may rightly share a country's English name (French "Mexico" is Mexico City).
    cities = {str(get_timezone_location(zone, locale=locale, return_city=True))
              for zone in known_zones()}
    for country in db.session.scalars(select(Country)):
        local = locale.territories.get(country.iso)
        if local and local != country.name_en and country.name_en not in cities:
            names.append(country.name_en)
    return names


@pytest.fixture
def pages(seeded, frozen) -> list[str]:
    from datetime import date

    from coordinator.outcomes.commitments import Responsible, create_commitment
    from coordinator.outcomes.indicators import IndicatorSpec, add_indicator, add_measurement
    from coordinator.unit import Actor

    world = make_world(NOW)
    actor = Actor.cli()
    commitment = create_commitment(
        text="Abrir albergues", responsible=Responsible("GT"), pillar="I",
        start_on=date(2025, 1, 1), target_on=date(2027, 12, 31), now=NOW, actor=actor)
    indicator = add_indicator(commitment.id, IndicatorSpec(
        kind="quantitative", name="Personas", unit="people", baseline=10,
        baseline_on=date(2025, 1, 1), target=100, direction="increase"), now=NOW, actor=actor)
    add_measurement(indicator.id, dated=date(2026, 3, 1), value=40, source="x", now=NOW,
                    actor=actor)
    committee = db.session.scalars(select(Committee).order_by(Committee.id)).first()
    assert committee is not None
    create_commitment(text="Visas", responsible=Responsible(committee=committee.slug),
                      start_on=date(2026, 1, 1), target_on=date(2027, 1, 1), now=NOW,
                      actor=actor)
    return ["/", f"/meetings/{world.first.id}", "/tracker", "/register",
            "/committees/representatives", "/commitments", "/commitments/countries/GT",
            f"/commitments/committees/{committee.slug}", f"/commitments/{commitment.id}",
            "/commitments/pillars/I", "/action-items/overdue"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_name_things_in_the_readers_language(seeded, pages,
                                                          language: str) -> None:
    client = seeded.test_client()
    english = _english_names(language) if language != "en" else []
    for path in pages:
        page = client.get(f"{path}?lang={language}")
        assert page.status_code == 200, path
        # The place the coordinator typed is their words, not a name to translate.
        text = _visible(page.get_data(as_text=True)).replace(TYPED_PLACE, "")
        assert f'lang="{language}"' in page.get_data(as_text=True)
        assert not SECONDS.search(text), (path, SECONDS.search(text))
        leaked = [name for name in english if re.search(rf"\b{re.escape(name)}\b", text)]
        assert not leaked, (language, path, leaked)


def test_the_tracker_and_home_use_catalog_names_for_committees(seeded, pages) -> None:
    """A name the catalog translates reaches the page (checked in a language whose
    catalog translates the committee names: any difference would do)."""
    client = seeded.test_client()
    committee = db.session.scalars(select(Committee).order_by(Committee.id)).first()
    assert committee is not None
    for language in LANGUAGES[1:]:
        with force_locale(language):
            name = gettext(committee.name_en)
        home = _visible(client.get(f"/?lang={language}").get_data(as_text=True))
        assert name in home, (language, name)


BAD_REGISTRATION = {"name": "", "scope": "nowhere", "kinds": ["spies"], "countries": ["XX"],
                    "languages": ["tlh"], "website": "javascript:alert(1)",
                    "description": "", "contact_name": "", "email": "not-an-address",
                    "contact_language": "xx", "zone": "Mars/Base"}


def _refusals(client, language: str) -> list[str]:  # type: ignore[no-untyped-def]
    from tests.web.people import csrf_of

    token = csrf_of(client, f"/register?lang={language}")
    page = client.post(f"/register?lang={language}",
                       data={**BAD_REGISTRATION, "csrf_token": token})
    assert page.status_code == 422
    return [html.unescape(m).strip() for m in ERROR.findall(page.get_data(as_text=True))]


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_refused_registrations_are_said_in_the_readers_language(seeded, pages,
                                                                language: str) -> None:
    client = seeded.test_client()
    english = _refusals(client, "en")
    assert len(english) >= 5
    local = _refusals(client, language)
    assert len(local) == len(english)
    untranslated = [e for e in english if e in local]
    assert not untranslated, (language, untranslated)


@pytest.mark.parametrize("language", LANGUAGES)
def test_feeds_give_times_to_the_minute_in_every_language(seeded, pages,
                                                           language: str) -> None:
    from icalendar import Calendar

    feed = seeded.test_client().get(f"/feeds/all.ics?lang={language}&deadlines=1")
    assert feed.status_code == 200
    events = list(Calendar.from_ical(feed.data).walk("VEVENT"))
    assert events
    for event in events:
        for name in ("SUMMARY", "DESCRIPTION"):
            text = str(event.get(name, ""))
            assert not SECONDS.search(text), (language, name, text)
    if language == "ht":  # the deadlines in the description, in Kreyòl words
        assert any("desanm" in str(e.get("DESCRIPTION", "")) or "novanm" in str(
            e.get("DESCRIPTION", "")) for e in events)
