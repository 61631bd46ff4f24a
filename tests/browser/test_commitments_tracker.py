"""In a real browser (issue 16): the public tracker shows a commitment's chart in Kreyòl on
a phone; a CSO contact proposes an indicator through their personal link and the
commitment's coordinator accepts it with a public reason, which the tracker then shows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_date

from coordinator.content.services import translate
from coordinator.i18n import install_overlays
from coordinator.models import Role
from coordinator.outcomes.commitments import Responsible, create_commitment
from coordinator.outcomes.contributions import contribution_link
from coordinator.outcomes.indicators import IndicatorSpec, add_indicator, add_measurement
from coordinator.unit import Actor
from tests.support.browser import PHONE, both_widths, log_in
from tests.support.organisations import approved_contact
from tests.web.people import make_account

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]


def _commitment(today: date):  # type: ignore[no-untyped-def]
    """A Guatemalan commitment measured twice since its baseline, on any day of the year."""
    now = datetime.now(UTC)
    commitment = create_commitment(
        text="Abrir tres albergues en la frontera sur", responsible=Responsible("GT"),
        pillar="I", start_on=today - timedelta(days=400), target_on=today + timedelta(days=400),
        now=now, actor=Actor.cli(), written_in="es")
    indicator = add_indicator(commitment.id, IndicatorSpec(
        kind="quantitative", name="Personas alojadas", unit="people", baseline=120,
        baseline_on=today - timedelta(days=400), target=600, direction="increase"),
        now=now, actor=Actor.cli(), written_in="es")
    measured = [today - timedelta(days=300), today - timedelta(days=100)]
    for day, value in zip(measured, (200, 336), strict=True):
        add_measurement(indicator.id, dated=day, value=value, source="Ministerio", now=now,
                        actor=Actor.cli())
    translate("commitment", commitment.id, "text", "ht", "Louvri twa abri sou fwontyè sid la",
              now=now, actor=Actor.cli())
    translate("indicator", indicator.id, "name", "ht", "Moun ki jwenn abri", now=now,
              actor=Actor.cli())
    return commitment, indicator, measured


def test_the_tracker_shows_a_commitments_chart_in_kreyol_on_a_phone(live, page) -> None:
    today = datetime.now(UTC).date() - timedelta(days=1)  # a day past in every zone
    commitment, _indicator, measured = _commitment(today)
    page.set_viewport_size(PHONE)
    page.goto(f"{live}/?lang=ht")
    page.locator("header a[href='/commitments']").click()
    page.wait_for_url(re.compile(r"/commitments$"))
    page.locator("a[href='/commitments/countries/GT']").click()
    assert page.locator("html").get_attribute("lang") == "ht"
    assert page.get_by_text("Louvri twa abri sou fwontyè sid la").count() == 1
    assert page.locator("figure.bar strong").inner_text().replace("\u00a0", "") == "45%"
    page.get_by_role("link", name="Louvri twa abri sou fwontyè sid la").click()
    page.wait_for_url(re.compile(rf"/commitments/{commitment.id}$"))
    chart = page.get_by_role("img", name="Moun ki jwenn abri")
    assert chart.count() == 1 and chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    # The text alternative and the data table speak Kreyòl: its dates too.
    install_overlays()
    caption = page.locator("figure.chart figcaption").inner_text()
    assert "Moun ki jwenn abri" in caption and "336" in caption
    assert "baseline" not in caption and "of the way" not in caption  # said in Kreyòl
    page.locator("details.data summary").click()
    table = page.locator("details.data table").inner_text()
    for day in measured:
        assert format_date(day, "medium", locale="ht") in table
    assert "Ministerio" in table
    both_widths(page, "commitment-ht")


def test_a_cso_proposes_an_indicator_and_the_coordinator_accepts_it(live, page) -> None:
    today = datetime.now(UTC).date() - timedelta(days=1)
    commitment, _indicator, _measured = _commitment(today)
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT",
                 name="Coordinadora GT")
    contact = approved_contact("Red de Acogida", "Ana", "ana@example.org", language="es",
                               zone="America/Guatemala")
    link = contribution_link(contact, commitment)
    page.goto(link)
    page.get_by_label(re.compile("indicador propuesto|proposed indicator", re.I)).check()
    page.locator("#text").fill("Medir el tiempo de espera en la frontera.")
    page.locator("#indicator_kind").select_option("quantitative")
    page.locator("#name").fill("Días de espera en la frontera")
    page.locator("#unit").select_option("days")
    page.locator("#baseline").fill("12")
    page.locator("#baseline_on").fill((today - timedelta(days=30)).isoformat())
    page.locator("#target").fill("3")
    page.locator("#direction").select_option("decrease")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"saved=1"))
    assert "Días de espera en la frontera" in page.content()

    log_in(page, live, "gt@example.org")
    page.goto(f"{live}/workspace/contributions")
    assert page.get_by_text("Red de Acogida").count() >= 1
    page.get_by_label(re.compile("reason", re.I)).first.fill(
        "A good measure of the border's reception.")
    page.get_by_role("button", name=re.compile("^Accept")).first.click()
    page.wait_for_load_state()
    both_widths(page, "contributions-decided")

    page.goto(f"{live}/commitments/{commitment.id}?lang=en")
    assert page.get_by_text("proposed by Red de Acogida").count() == 1
    assert page.get_by_text("A good measure of the border's reception.").count() == 1
    assert page.get_by_role("img", name="Días de espera en la frontera").count() == 1
