"""In a real browser: a CSO registers, confirms its address by mail, and is approved."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from coordinator.extensions import db
from coordinator.mail.dispatch import dispatch
from coordinator.models import Organisation, RegistrationState, Role
from tests.suggestions.helpers import plain_text
from tests.support.browser import log_in
from tests.web.people import make_account

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("backend", ["postgresql"], indirect=True)]


def mailed_link(smtp, count: int, path: str) -> str:  # type: ignore[no-untyped-def]
    dispatch(datetime.now(UTC))
    text = plain_text(smtp.wait_for(count)[count - 1])
    found = re.search(r"(http://127\.0\.0\.1:\d+" + re.escape(path) + r"\S+)", text)
    assert found is not None, text
    return found.group(1)


def test_cso_registers_confirms_and_is_approved(live, page, mailed) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    page.goto(live + "/")
    page.get_by_role("link", name="Register your organisation").click()
    page.shot("criteria")
    page.get_by_label("Name of the organisation").fill("Colectivo Frontera Sur")
    page.locator("#scope-local").check()
    page.locator("#kinds-legal-aid").check()
    page.locator("#led_by-migrant").check()
    page.locator("#countries-MX").check()
    page.locator("#countries-GT").check()
    page.locator("#languages-es").check()
    page.get_by_label("What the organisation does").fill(
        "Asesoría legal a personas migrantes en Tapachula desde 2015.")
    page.get_by_label("Name", exact=True).fill("Lucía Pérez")
    page.get_by_label("E-mail address").fill("lucia@frontera.example")
    page.get_by_label("Preferred language").select_option("es")
    page.locator("#consent").check()
    page.get_by_role("button", name="Send the registration").click()
    page.wait_for_url(re.compile(r"/register/sent"))
    page.shot("check-your-mail")
    organisation = db.session.scalar(sa.select(Organisation))
    assert organisation.registration_state == RegistrationState.PENDING

    link = mailed_link(mailed, 1, "/register/confirm/")
    assert link.endswith("?lang=es")  # the mail's link opens in Lucía's language
    page.goto(link)
    with force_locale("es"):
        confirm = gettext("Confirm the address")
        reviewing = gettext("The secretariat will now review the registration and mail you "
                            "its decision, with the reason.")
    page.get_by_role("button", name=confirm).click()
    page.get_by_text(reviewing).wait_for()
    page.shot("confirmed")
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).registration_state \
        == RegistrationState.VERIFIED

    page.goto(f"{live}/?lang=en")  # the secretariat reads English on this browser
    log_in(page, live, "sec@example.org")
    page.goto(f"{live}/workspace/registrations")
    page.get_by_role("link", name="Colectivo Frontera Sur").first.click()
    page.get_by_label("Note to the organisation (optional)").fill("Bienvenidas.")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    page.shot("approved")
    db.session.expire_all()
    approved = db.session.get(Organisation, organisation.id)
    assert approved.registration_state == RegistrationState.APPROVED
    dispatch(datetime.now(UTC))
    decision = mailed.wait_for(2)[1]
    assert decision.recipients == ["lucia@frontera.example"]
    assert "Bienvenidas." in plain_text(decision)
