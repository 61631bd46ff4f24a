"""In a real browser: a contact follows the preferences link from a mail that really
arrived, switches to Français, and the next mail arrives in French; the workspace's new
people pages and the own-account page, at phone and desktop width."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from coordinator.cadence.recurrence import wall_clock
from coordinator.cadence.zones import get_zone
from coordinator.extensions import db
from coordinator.mail.dispatch import dispatch
from coordinator.meetings.services import move_meeting
from coordinator.models import Contact, Country, Role
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import PEOPLE, make_world
from tests.suggestions.helpers import plain_text
from tests.support.browser import both_widths, log_in
from tests.web.people import make_account

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]


def test_contact_switches_to_french_through_the_mailed_link(live, page, mailed) -> None:
    world = make_world(NOW, people=PEOPLE[:1])  # Ana Ixcot, in Spanish
    dispatch(NOW + timedelta(minutes=1))
    invitation = mailed.wait_for(1)[0]
    assert invitation.message["Content-Language"] == "es"
    found = re.search(r"(http://127\.0\.0\.1:\d+/preferences/\S+)", plain_text(invitation))
    assert found is not None, plain_text(invitation)

    page.goto(found.group(1))
    page.get_by_role("heading", name=re.compile("preferences|preferencias", re.I)).wait_for()
    both_widths(page, "preferences")
    page.locator("#f-language").select_option("fr")
    page.locator("button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"saved=1"))
    assert page.locator("html").get_attribute("lang") == "fr"
    both_widths(page, "preferences-saved")
    db.session.expire_all()
    contact = db.session.scalars(select(Contact)).one()
    assert contact.language == "fr"

    # The next mail: the meeting moves a day, and the update comes in French.
    meeting = world.first
    move_meeting(meeting.id, wall_clock(date(2026, 12, 11), time(10),
                                        get_zone("America/Guatemala")),
                 now=NOW + timedelta(hours=1), actor=Actor.cli())
    dispatch(NOW + timedelta(hours=1, minutes=1))
    update = mailed.wait_for(2)[1]
    assert update.message["Content-Language"] == "fr"
    assert str(update.message["Subject"]).startswith("Déplacée\u00a0: ")  # "Moved:" in French
    assert "/preferences/" in plain_text(update)


def test_people_pages_and_own_account_at_phone_and_desktop_width(live, page) -> None:
    world = make_world(NOW, people=PEOPLE[:2])
    world.organisation.countries = [db.session.scalars(select(Country).where(
        Country.iso == "GT")).one()]
    db.session.commit()
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT",
                 name="Coordinadora GT")
    log_in(page, live, "gt@example.org")
    page.get_by_role("link", name="Organisations").click()
    both_widths(page, "organisations")
    page.get_by_role("link", name="Red de Acogida").click()
    both_widths(page, "organisation-edit")
    page.get_by_role("link", name="Edit Ana Ixcot").click()
    page.get_by_label("Name").fill("Ana María Ixcot")
    page.get_by_label("E-mail address").fill("ana@cso")  # the browser lets it through
    page.get_by_role("button", name="Save").click()
    page.locator("#e-email").get_by_text("Give a valid e-mail address.").wait_for()
    both_widths(page, "contact-edit-refused")
    page.get_by_label("E-mail address").fill("ana.maria@cso.example")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: Ana María Ixcot.").wait_for()
    db.session.expire_all()
    assert db.session.scalars(select(Contact.email).where(
        Contact.name == "Ana María Ixcot")).one() == "ana.maria@cso.example"

    page.get_by_role("link", name="My account").click()
    both_widths(page, "account")
    page.get_by_label("Current password").fill("wrong password here")
    page.get_by_label("New password").fill("a new long passphrase")
    page.get_by_role("button", name="Change the password").click()
    page.locator("#e-current_password").get_by_text("The current password is not right.").wait_for()
    both_widths(page, "account-refused")
