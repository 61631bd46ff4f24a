"""Public CSO registration, through the real pages and a real SMTP server: criteria and
form, the mailed confirmation link, and the secretariat's decision with its reason."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import time_machine
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import func, select

from coordinator.accounts.services import PASSWORD_LINK
from coordinator.cadence.kinds import SeriesKind
from coordinator.errors import Conflict
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant
from coordinator.mail.dispatch import dispatch
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    AuditEntry,
    Contact,
    Organisation,
    OutboxMessage,
    RegistrationState,
    Role,
)
from coordinator.people.registration import (
    CONFIRMATION_LINK,
    confirm_registration,
    confirmation_link,
    register_organisation,
)
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.suggestions.helpers import html_text, link_in, plain_text
from tests.web.people import csrf_of, log_in, make_account


def _es(message: str) -> str:
    """What a Spanish reader sees: mailed links carry the recipient's language."""
    with force_locale("es"):
        return str(escape(gettext(message)))

VALID = {
    "name": "Red Jesuita con Migrantes",
    "scope": "regional",
    "kinds": ["service-provider", "advocacy"],
    "led_by": ["migrant"],
    "countries": ["MX", "GT"],
    "languages": ["es", "en"],
    "website": "https://redjesuita.example.org/nosotros",
    "description": "Acompañamos a personas migrantes y refugiadas en albergues de la frontera sur.",
    "contact_name": "María López",
    "email": "maria@red.example",
    "contact_language": "es",
    "zone": "",
    "consent": "yes",
}


def confirm(client, link: str):  # type: ignore[no-untyped-def]
    """Open the mailed link and press its button, as a person does."""
    return client.post(link, data={"csrf_token": csrf_of(client, link)})


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def register(client, **changes):  # type: ignore[no-untyped-def]
    """Send the form from /register with its CSRF token; None leaves a field out."""
    data = {**VALID, **changes, "csrf_token": csrf_of(client, "/register")}
    return client.post("/register", data={k: v for k, v in data.items() if v is not None})


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def footprint() -> tuple[int, int, int, int]:
    return count(Organisation), count(Contact), count(OutboxMessage), count(AuditEntry)


def the_organisation() -> Organisation:
    db.session.expire_all()
    return db.session.scalars(select(Organisation)).one()


def verified_organisation(**changes: object) -> Organisation:
    organisation = register_organisation({**VALID, **changes}, now=NOW)
    assert organisation is not None
    confirm_registration(organisation.contacts[0], now=NOW)
    return organisation


def actions(organisation: Organisation) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "organisation", AuditEntry.entity_id == organisation.id)
        .order_by(AuditEntry.id)))


def test_criteria_are_published_with_the_form(seeded, client) -> None:
    page = client.get("/register")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for words in ("Who may register", "migration and protection", "Legal aid",
                  "Indigenous people", "National: across one country",
                  "The decision and its reason are mailed", 'name="csrf_token"',
                  '<label for="email">', 'value="HT"', 'value="America/Port-au-Prince"',
                  'name="consent"'):
        assert words in text, words
    spanish = client.get("/register", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "México" in spanish and "Ciudad de México" in spanish  # CLDR names, no catalog


def test_registration_confirmed_approved_and_mailed_in_the_contacts_language(
        seeded, mailed, client, frozen) -> None:
    answer = register(client)
    assert answer.status_code == 303 and answer.headers["Location"] == "/register/sent"
    assert "Check your mail" in client.get("/register/sent").get_data(as_text=True)
    organisation = the_organisation()
    contact = organisation.contacts[0]
    assert organisation.registration_state == RegistrationState.PENDING
    assert sorted(c.iso for c in organisation.countries) == ["GT", "MX"]
    assert organisation.kinds == ["service-provider", "advocacy"]
    assert organisation.languages == ["en", "es"]
    assert (contact.email, contact.language) == ("maria@red.example", "es")
    assert contact.zone == "America/Mexico_City"  # the first country's capital

    dispatch(NOW)
    [confirmation] = mailed.wait_for(1)
    assert confirmation.recipients == ["maria@red.example"]
    assert confirmation.message["Content-Language"] == "es"
    assert '<html lang="es">' in html_text(confirmation)
    assert "México" in plain_text(confirmation)  # the country named in Spanish
    link = link_in(plain_text(confirmation), "/register/confirm/")

    assert f"{link}?lang=es" in plain_text(confirmation)  # in the contact's language
    link = f"{link}?lang=es"
    opened = client.get(link)  # what a mail scanner does: shows a button, changes nothing
    assert opened.status_code == 200 and _es("Confirm the address") in opened.get_data(
        as_text=True)
    assert the_organisation().registration_state == RegistrationState.PENDING
    first = confirm(client, link)
    assert first.status_code == 200 and _es(
        "The secretariat will now review the registration and mail you its decision, with "
        "the reason.") in first.get_data(as_text=True)
    organisation = the_organisation()
    assert organisation.registration_state == RegistrationState.VERIFIED
    assert organisation.verified_at == NOW
    again = client.get(link)  # a second visit (or a mail scanner) changes nothing
    assert again.status_code == 200
    assert actions(the_organisation()) == ["organisation.register", "organisation.verify"]

    secretariat = make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    # The same browser followed a Spanish link (the language is remembered): ask English.
    listing = client.get("/workspace/registrations?lang=en").get_data(as_text=True)
    assert "Red Jesuita con Migrantes" in listing and "Services to migrants" in listing
    assert listing.index("Waiting for the secretariat") < listing.index("Approved")
    detail = f"/workspace/registrations/{organisation.id}"
    assert "albergues de la frontera sur" in client.get(detail).get_data(as_text=True)
    approved = client.post(f"{detail}/approve", data={
        "note": "Bienvenidos: la próxima reunión nacional es en enero.",
        "csrf_token": csrf_of(client, detail)})
    assert approved.status_code == 302 and approved.headers["Location"].endswith(
        "/workspace/registrations")

    organisation = the_organisation()
    assert organisation.registration_state == RegistrationState.APPROVED
    assert organisation.registration_reason.startswith("Bienvenidos")
    assert organisation.decided_at == NOW
    decided_by = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "organisation.approve")).one()
    assert decided_by.account_id == secretariat.id

    dispatch(NOW)
    decision = mailed.wait_for(2)[1]
    assert decision.recipients == ["maria@red.example"]
    assert decision.message["Content-Language"] == "es"
    assert "Red Jesuita con Migrantes" in str(decision.message["Subject"])
    assert "la próxima reunión nacional es en enero" in plain_text(decision)

    # Approved, the organisation can now be invited.
    series = schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="MX",
                                         first_date=date(2027, 3, 1), start_time=time(10),
                                         zone="America/Mexico_City"), now=NOW,
                             actor=Actor.cli())
    assert add_participant(now=NOW, actor=Actor.cli(), series_id=series.id,
                           organisation_id=organisation.id) is not None


def test_unapproved_organisations_cannot_be_invited(seeded, frozen) -> None:
    organisation = verified_organisation()
    series = schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="MX",
                                         first_date=date(2027, 3, 1), start_time=time(10),
                                         zone="America/Mexico_City"), now=NOW,
                             actor=Actor.cli())
    with pytest.raises(Conflict):
        add_participant(now=NOW, actor=Actor.cli(), series_id=series.id,
                        organisation_id=organisation.id)


def test_decline_needs_a_reason_which_is_kept_and_mailed(seeded, mailed, client,
                                                         frozen) -> None:
    organisation = verified_organisation(contact_language="fr", email="paul@cso.example")
    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    detail = f"/workspace/registrations/{organisation.id}"
    before = footprint()

    empty = client.post(f"{detail}/decline", data={"reason": "  ",
                                                   "csrf_token": csrf_of(client, detail)})
    assert empty.status_code == 422
    assert 'id="reason-error"' in empty.get_data(as_text=True)
    long = "Trop long. " * 200
    too_long = client.post(f"{detail}/decline", data={"reason": long,
                                                      "csrf_token": csrf_of(client, detail)})
    assert too_long.status_code == 422
    assert long.strip() in too_long.get_data(as_text=True)  # what was typed comes back
    assert footprint() == before
    assert the_organisation().registration_state == RegistrationState.VERIFIED

    reason = "L'organisation ne travaille pas dans un pays de la Déclaration."
    declined = client.post(f"{detail}/decline", data={"reason": reason,
                                                      "csrf_token": csrf_of(client, detail)})
    assert declined.status_code == 302
    organisation = the_organisation()
    assert organisation.registration_state == RegistrationState.DECLINED
    assert organisation.registration_reason == reason and organisation.decided_at == NOW

    dispatch(NOW)
    # The contact reads French: the subject says "refusée".
    decision = next(r for r in mailed.wait_for(2) if "refusée" in str(r.message["Subject"]))
    assert decision.recipients == ["paul@cso.example"]
    assert decision.message["Content-Language"] == "fr"
    assert reason in plain_text(decision) and str(escape(reason)) in html_text(decision)

    # Decided once: a second decision is refused and changes nothing.
    late = client.post(f"{detail}/approve", data={"csrf_token": csrf_of(client, detail)})
    assert late.status_code == 409
    assert the_organisation().registration_state == RegistrationState.DECLINED


def test_an_unconfirmed_registration_cannot_be_decided(seeded, client, frozen) -> None:
    register_organisation(VALID, now=NOW)
    organisation = the_organisation()
    make_account(Role.SECRETARIAT, email="sec@example.org")
    log_in(client, "sec@example.org")
    detail = f"/workspace/registrations/{organisation.id}"
    answer = client.post(f"{detail}/approve", data={"csrf_token": csrf_of(client, detail)})
    assert answer.status_code == 409
    assert the_organisation().registration_state == RegistrationState.PENDING
    assert client.get("/workspace/registrations/99999").status_code == 404


BAD = [
    ("name", {"name": ""}),
    ("name", {"name": "x" * 201}),
    ("scope", {"scope": "global"}),
    ("scope", {"scope": None}),
    ("kinds", {"kinds": None}),
    ("kinds", {"kinds": ["advocacy", "smuggling"]}),
    ("led_by", {"led_by": ["everyone"]}),
    ("countries", {"countries": None}),
    ("countries", {"countries": ["MX", "ZZ"]}),
    ("languages", {"languages": None}),
    ("languages", {"languages": ["de"]}),
    ("website", {"website": "javascript:alert(1)"}),
    ("website", {"website": "ftp://files.example.org"}),
    ("website", {"website": "www.example.org"}),
    ("website", {"website": "https://" + "a" * 300 + ".org"}),
    ("description", {"description": ""}),
    ("description", {"description": "x" * 2001}),
    ("contact_name", {"contact_name": "   "}),
    ("email", {"email": "maria@"}),
    ("email", {"email": None}),
    ("contact_language", {"contact_language": "de"}),
    ("zone", {"zone": "Europe/Berlin"}),
    ("zone", {"zone": "Not/A_Zone"}),
    ("consent", {"consent": None}),
]


@pytest.mark.parametrize(("field", "change"), BAD, ids=[f"{f}-{i}" for i, (f, _) in
                                                        enumerate(BAD)])
def test_bad_input_is_refused_by_its_field_and_keeps_what_was_typed(
        seeded, client, frozen, field: str, change: dict) -> None:
    before = footprint()
    answer = register(client, **change)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert f'id="{field}-error"' in page and 'class="problem" role="alert"' in page
    assert page.count('class="error"') == 1  # only the field at fault
    assert footprint() == before
    # Everything typed is still there.
    kept = {**VALID, **change}
    for text_field in ("name", "website", "description", "contact_name", "email"):
        if kept[text_field]:
            assert str(escape(kept[text_field])) in page, text_field
    for iso in kept["countries"] or []:
        if iso != "ZZ":
            assert f'value="{iso}" checked' in page
    if kept["consent"]:
        assert 'value="yes" checked' in page
    assert 'value="es" lang="es" selected' in page or field == "contact_language"


def test_every_problem_is_shown_at_once(seeded, client) -> None:
    before = footprint()
    answer = register(client, name="", countries=None, email="nope", consent=None)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    for field in ("name", "countries", "email", "consent"):
        assert f'id="{field}-error"' in page and f'href="#{field}"' in page
    assert footprint() == before


def test_typed_markup_comes_back_escaped(seeded, client) -> None:
    script = "<script>alert(1)</script>"
    page = register(client, name=script, description=script, email="bad").get_data(
        as_text=True)
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_line_breaks_count_once_as_browsers_count_them(seeded, client, frozen) -> None:
    # 300 lines of 6 characters: 1,800 as typed, 2,100 with the \r\n a browser sends.
    answer = register(client, description="línea\r\n" * 300)
    assert answer.status_code == 303
    assert len(the_organisation().description) == 300 * 6 - 1


def test_accepted_forms_are_rate_limited_and_corrections_are_not(seeded, client,
                                                                 frozen) -> None:
    for _ in range(6):
        assert register(client, consent=None).status_code == 422
    for n in range(5):
        assert register(client, email=f"person{n}@cso.example").status_code == 303
    assert register(client, email="one-more@cso.example").status_code == 429
    assert count(Organisation) == 5


def test_a_known_address_gets_the_same_answer_and_no_second_organisation(
        seeded, mailed, client, frozen) -> None:
    first = register(client)
    second = register(client, name="Otra Organización", email="maria@RED.example")
    assert (first.status_code, first.headers["Location"]) == (
        second.status_code, second.headers["Location"])
    assert count(Organisation) == 1 and the_organisation().name == VALID["name"]
    third = register(client, name="Una Más")
    assert third.status_code == 303
    assert count(OutboxMessage) == 2  # the note goes out at most once a day

    dispatch(NOW)
    confirmation, note = mailed.wait_for(2)
    assert confirmation.recipients == note.recipients == ["maria@red.example"]
    assert "Red Jesuita con Migrantes" in plain_text(note)
    assert "Otra Organización" not in plain_text(note)
    # The registration is still unconfirmed, so the note carries a fresh link that works.
    assert confirm(client, link_in(plain_text(note), "/register/confirm/")).status_code == 200
    assert the_organisation().registration_state == RegistrationState.VERIFIED


def test_forged_and_foreign_links_are_refused(seeded, client, frozen) -> None:
    register_organisation(VALID, now=NOW)
    token = confirmation_link(the_organisation().contacts[0]).rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    other_purpose = PASSWORD_LINK.token({"o": 1, "c": 1})
    for bad in ("nonsense", tampered, other_purpose, "x" * 600):
        answer = client.get(f"/register/confirm/{bad}")
        assert answer.status_code == 404, bad
        assert "This link is not valid" in answer.get_data(as_text=True)
    # Genuine, but for a contact that does not exist (any more): gone.
    unknown = client.get(f"/register/confirm/{CONFIRMATION_LINK.token({'o': 999, 'c': 999})}")
    assert unknown.status_code == 410
    assert "This link no longer works" in unknown.get_data(as_text=True)
    assert the_organisation().registration_state == RegistrationState.PENDING


def test_an_expired_link_offers_a_new_one(seeded, mailed, client, frozen) -> None:
    register(client)
    dispatch(NOW)
    old = link_in(plain_text(mailed.wait_for(1)[0]), "/register/confirm/")

    later = NOW + timedelta(days=8)
    frozen.move_to(later)
    expired = client.get(old)
    page = expired.get_data(as_text=True)
    assert expired.status_code == 410 and "This link has expired" in page
    assert the_organisation().registration_state == RegistrationState.PENDING

    renewed = client.post(f"{old.split('?')[0]}/renew?lang=en",
                          data={"csrf_token": csrf_of(client, old)})
    assert renewed.status_code == 200 and "Check your mail" in renewed.get_data(as_text=True)
    dispatch(later)
    fresh = link_in(plain_text(mailed.wait_for(2)[1]), "/register/confirm/")
    assert confirm(client, fresh).status_code == 200
    organisation = the_organisation()
    assert organisation.registration_state == RegistrationState.VERIFIED
    assert organisation.verified_at == later


def test_registration_review_is_for_the_secretariat_only(seeded, frozen) -> None:
    organisation = verified_organisation()
    base = f"/workspace/registrations/{organisation.id}"
    pages = ["/workspace/registrations", base]
    forms = [f"{base}/approve", f"{base}/decline"]

    anonymous = seeded.test_client()
    for path in pages:
        answer = anonymous.get(path)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    for path in forms:
        answer = anonymous.post(path, data={"reason": "no", "csrf_token": csrf_of(anonymous)})
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")

    make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    coordinator = seeded.test_client()
    log_in(coordinator, "mx@example.org")
    for path in pages:
        assert coordinator.get(path).status_code == 403, path
    for path in forms:
        answer = coordinator.post(path, data={"reason": "no",
                                              "csrf_token": csrf_of(coordinator, "/register")})
        assert answer.status_code == 403, path
    assert the_organisation().registration_state == RegistrationState.VERIFIED
