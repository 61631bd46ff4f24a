"""The public tracker of commitments: pages per country, committee and pillar, a page per
commitment with its charts (SVG with a text alternative and a data table), overdue action
items, open data (CSV, JSON) and an Atom feed; each rendered once per data version."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import feedparser
import pytest
from sqlalchemy import event, select

from coordinator.content.services import translate
from coordinator.extensions import db
from coordinator.models import Role
from coordinator.models.feeds import FEEDS, OUTCOMES, current_version
from coordinator.outcomes.action_items import Owner, add_action_item
from coordinator.outcomes.commitments import Responsible, add_update, create_commitment
from coordinator.outcomes.indicators import IndicatorSpec, add_indicator, add_measurement, assess
from coordinator.outcomes.models import Commitment
from coordinator.unit import Actor
from coordinator.web.page_cache import page_cache
from tests.conftest import NOW
from tests.web.people import log_in, make_account

CLI = Actor.cli()


class Tracked:
    def __init__(self, outcomes) -> None:  # type: ignore[no-untyped-def]
        self.outcomes = outcomes
        self.shelters = create_commitment(
            text="Abrir =tres albergues en la frontera sur", responsible=Responsible("GT"),
            pillar="I", start_on=date(2025, 1, 1), target_on=date(2027, 12, 31), now=NOW,
            actor=CLI, written_in="es")
        self.people = add_indicator(self.shelters.id, IndicatorSpec(
            kind="quantitative", name="Personas alojadas", unit="people",
            baseline=120, baseline_on=date(2025, 1, 1), target=600, direction="increase"),
            now=NOW, actor=CLI, written_in="es")
        for day, value in ((date(2025, 6, 1), 200), (date(2026, 3, 1), 336)):
            add_measurement(self.people.id, dated=day, value=value, source="Ministerio",
                            now=NOW, actor=CLI)
        self.quality = add_indicator(self.shelters.id, IndicatorSpec(
            kind="qualitative", name="Calidad de la atención"), now=NOW, actor=CLI,
            written_in="es")
        assess(self.quality.id, dated=date(2026, 5, 1), rating="on-track",
               narrative="Visitas de monitoreo", now=NOW, actor=CLI, written_in="es")
        add_update(self.shelters.id, text="Primer albergue abierto", dated=date(2026, 4, 2),
                   now=NOW, actor=CLI, written_in="es")
        self.mobility = create_commitment(
            text="Expand seasonal work visas", responsible=Responsible(committee="labor-mobility"),
            start_on=date(2026, 1, 1), target_on=date(2028, 6, 30), now=NOW, actor=CLI,
            written_in="en")
        translate("commitment", self.shelters.id, "text", "ht",
                  "Louvri twa abri sou fwontyè sid la", now=NOW, actor=CLI)


@pytest.fixture
def tracked(outcomes) -> Tracked:  # type: ignore[no-untyped-def]
    return Tracked(outcomes)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.get_data(as_text=True)[-800:]
    return response.get_data(as_text=True)


def test_the_front_page_counts_by_status_country_committee_and_pillar(client, tracked) -> None:
    page = _text(client.get("/commitments?lang=en"))
    assert "2 commitments." in page
    assert 'href="/commitments/countries/GT"' in page
    assert 'href="/commitments/committees/labor-mobility"' in page
    assert re.search(r'href="/commitments/pillars/I">[^<]+</a> \(1\)', page)
    assert re.search(r'href="/commitments/pillars/II">[^<]+</a> \(1\)', page)
    assert 'type="application/atom+xml"' in page


def test_a_country_page_shows_each_commitment_with_its_progress(client, tracked) -> None:
    page = _text(client.get("/commitments/countries/gt?lang=en"))
    assert "Abrir =tres albergues" in page and 'lang="es"' in page
    assert "Expand seasonal work visas" not in page  # a committee's, not Guatemala's
    # (336 - 120) / (600 - 120) = 45% of the way, said in words beside the bar.
    assert "<strong>45%</strong>" in page
    assert "Personas alojadas (People): 336 on Mar 1, 2026" in page
    assert "On track" in page  # the qualitative indicator's latest rating
    assert "Primer albergue abierto" in page
    assert client.get("/commitments/countries/ZZ").status_code == 404
    committee = _text(client.get("/commitments/committees/labor-mobility?lang=en"))
    assert "Expand seasonal work visas" in committee and "albergues" not in committee
    assert client.get("/commitments/pillars/IV").status_code == 404


def test_a_commitment_page_draws_its_chart_with_words_and_a_data_table(client, tracked) -> None:
    page = _text(client.get(f"/commitments/{tracked.shelters.id}?lang=en"))
    svg = page[page.index("<svg viewBox=\"0 0 480"):page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert ("from a baseline of 120 on Jan 1, 2025 towards a target of 600 by Dec 31, 2027: "
            "45% of the way.") in svg
    assert len(re.findall(r"<circle ", svg)) == 3  # the baseline and two measurements
    table = page[page.index("<details class=\"data\">"):page.index("</details>")]
    assert [re.sub(r"<[^>]+>", "", r).strip() for r in re.findall(r"<td>[^<]*</td>", table)
            ][:6] == ["Jan 1, 2025", "120", "Baseline", "Jun 1, 2025", "200", "Ministerio"]
    assert "Visitas de monitoreo" in page
    assert f'/contribute/ask?commitment={tracked.shelters.id}' in page
    assert client.get("/commitments/999999").status_code == 404


def test_texts_are_shown_in_the_readers_language_where_translated(client, tracked) -> None:
    page = _text(client.get(f"/commitments/{tracked.shelters.id}?lang=ht"))
    assert "Louvri twa abri sou fwontyè sid la" in page
    # Untranslated texts keep their language, marked, never passed off as Kreyòl.
    assert re.search(r'<span lang="es">Personas alojadas</span>', page)
    assert '<html lang="ht">' in page


def test_answers_are_rendered_once_per_version_with_strong_validators(app, client,
                                                                      tracked) -> None:
    path = "/commitments/countries/GT?lang=en"
    first = client.get(path)
    tag = first.headers["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert client.get(path, headers={"If-None-Match": tag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}
                      ).status_code == 304
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        again = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert again.get_data() == first.get_data()
    assert not [s for s in statements if "commitments" in s or "indicator" in s]
    feeds_before = current_version(db.session, FEEDS)[0]
    outcomes_before = current_version(db.session, OUTCOMES)[0]
    add_measurement(tracked.people.id, dated=date(2026, 9, 1), value=408, source="ACNUR",
                    now=NOW, actor=CLI)
    assert current_version(db.session, OUTCOMES)[0] > outcomes_before
    # A measurement changes the tracker, not the calendars: feeds keep their validators.
    assert current_version(db.session, FEEDS)[0] == feeds_before
    changed = client.get(path, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert "<strong>60%</strong>" in changed.get_data(as_text=True)


def test_a_logged_in_visitor_gets_a_page_of_their_own(app, client, tracked) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    response = client.get("/commitments?lang=en")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response.headers
    assert "Log out" in response.get_data(as_text=True)
    assert not any("Log out" in page.body.decode() for page in page_cache().entries.values())


def test_the_exports_are_open_data_with_stable_columns(client, tracked) -> None:
    response = client.get("/commitments.csv?lang=fr")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_id = {int(r["id"]): r for r in rows}
    assert set(by_id) == {tracked.shelters.id, tracked.mobility.id}
    shelters = by_id[tracked.shelters.id]
    assert shelters["country"] == "GT" and shelters["indicators"] == "2"
    assert shelters["text"].startswith("Abrir =tres")  # an = inside is left alone
    assert by_id[tracked.mobility.id]["committee"] == "labor-mobility"
    assert shelters["url"].endswith(f"/commitments/{tracked.shelters.id}")
    measurements = list(csv.DictReader(io.StringIO(
        client.get("/commitments/measurements.csv").get_data(as_text=True))))
    assert [(m["dated"], m["value"]) for m in measurements if m["kind"] == "quantitative"] \
        == [("2025-06-01", "200.0"), ("2026-03-01", "336.0")]
    assert [m["rating"] for m in measurements if m["kind"] == "qualitative"] == ["on-track"]
    data = json.loads(client.get("/commitments.json").get_data())
    found = {c["id"]: c for c in data["commitments"]}[tracked.shelters.id]
    people = found["indicators"][0]
    assert people["baseline"] == 120 and people["target"] == 600
    assert [m["value"] for m in people["measurements"]] == [200, 336]
    assert found["timeline"][0]["text"] == "Primer albergue abierto"


def test_a_formula_in_an_export_reaches_spreadsheets_as_text(client, outcomes) -> None:
    create_commitment(text="=HYPERLINK(\"http://evil.example\")", responsible=Responsible("GT"),
                      pillar="I", start_on=date(2026, 1, 1), target_on=date(2026, 12, 31),
                      now=NOW, actor=CLI)
    rows = list(csv.DictReader(io.StringIO(client.get("/commitments.csv").get_data(
        as_text=True))))
    assert rows[0]["text"].startswith("'=HYPERLINK")


def test_the_atom_feed_lists_what_changed_newest_first(client, tracked) -> None:
    later = NOW + timedelta(hours=1)
    add_measurement(tracked.people.id, dated=date(2026, 9, 1), value=408, source="ACNUR",
                    now=later, actor=CLI)
    response = client.get("/commitments/updates.atom?lang=en")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.language == "en"
    ids = [e.id for e in parsed.entries]
    assert len(ids) == len(set(ids)) == 5  # three measurements, a rating, a timeline entry
    assert "408 on Sep 1, 2026 (source: ACNUR)" in parsed.entries[0].summary
    assert parsed.entries[0].link.endswith(f"/commitments/{tracked.shelters.id}"
                                           f"#indicator-{tracked.people.id}")


def test_overdue_action_items_are_listed_by_country(client, outcomes, frozen) -> None:
    gt = Actor.cli()
    add_action_item(text="Enviar el informe de albergues", owner=Owner(country="GT"),
                    due_on=NOW.date() - timedelta(days=3), meeting_id=outcomes.first.id,
                    now=NOW - timedelta(days=10), actor=gt, written_in="es")
    add_action_item(text="Publicar el calendario", owner=Owner(country="GT"),
                    due_on=NOW.date() + timedelta(days=3), meeting_id=outcomes.first.id,
                    now=NOW, actor=gt, written_in="es")
    page = _text(client.get("/action-items/overdue?lang=en"))
    section = page[page.index('id="country-GT"'):]
    assert "Enviar el informe de albergues" in section
    assert "Publicar el calendario" not in page  # not due yet
    assert "Guatemala" in section
    assert "No action item is overdue." in _text(
        client.get("/action-items/overdue?lang=en&committee=labor-mobility"))
    assert client.get("/action-items/overdue?country=ZZ").status_code == 404


def test_a_pages_queries_do_not_grow_with_its_commitments(app, client, outcomes) -> None:
    def make(n: int) -> None:
        for i in range(n):
            found = create_commitment(text=f"Compromiso {i}", responsible=Responsible("GT"),
                                      pillar="I", start_on=date(2025, 1, 1),
                                      target_on=date(2027, 1, 1), now=NOW, actor=CLI)
            indicator = add_indicator(found.id, IndicatorSpec(
                kind="quantitative", name=f"Indicador {i}", unit="number", baseline=0,
                baseline_on=date(2025, 1, 1), target=10, direction="increase"),
                now=NOW, actor=CLI)
            add_measurement(indicator.id, dated=date(2025, 5, 1), value=i, source="x",
                            now=NOW, actor=CLI)
            add_update(found.id, text=f"Avance {i}", dated=date(2025, 6, 1), now=NOW,
                       actor=CLI)

    def count() -> int:
        page_cache().clear()
        statements: list[str] = []
        def listener(*args) -> None:  # type: ignore[no-untyped-def]
            statements.append(args[2])
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/commitments/countries/GT?lang=ht").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        # The data versions are read at most once a second: not the page's own queries.
        return [s for s in statements if "data_versions" not in s]

    make(2)
    few = count()
    make(10)
    many = count()
    assert len(many) == len(few), "\n".join([*many, "----", *few])
    assert db.session.scalar(select(db.func.count()).select_from(Commitment)) == 12
