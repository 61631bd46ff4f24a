"""Issue 12: who proposed a topic is public only with their consent, and public pages and
the API show of an organisation what its registration agreed to publish, nothing more."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
import time_machine
from sqlalchemy import select

from coordinator.accounts.api_tokens import create_token
from coordinator.agendas.proposals import add_proposal_to_agenda, proposal_link
from coordinator.agendas.services import publish_agenda
from coordinator.agendas.suggestions import submit_suggestion, suggest_link
from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.invitations.deadlines import run_due_deadlines
from coordinator.invitations.messages import rsvp_links
from coordinator.invitations.participants import add_participant
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    Committee,
    Contact,
    Invitation,
    Organisation,
    OutboxMessage,
    Proposal,
    RegistrationState,
    Role,
    Scope,
)
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import PEOPLE, make_world
from tests.suggestions.helpers import CSRF, FORM_KEY
from tests.web.people import make_account

ORGANISATION = "Red de Acogida"  # the proposer's organisation (tests.mail.scenario)
PROPOSER = PEOPLE[0]  # Ana Ixcot, ana@cso.example
NEIGHBOUR = ("Grace Okafor", "grace@colectivo.example", "en", "America/Chicago")


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def neighbour_organisation() -> Organisation:
    """Another approved organisation: whatever its contact receives or opens, it is
    someone else reading about the proposer."""
    name, address, language, zone = NEIGHBOUR
    other = Organisation(name="Colectivo Vecino", scope=Scope.NATIONAL, kinds=[], led_by=[],
                         registration_state=RegistrationState.APPROVED, created_at=NOW)
    other.contacts.append(Contact(name=name, email=address, language=language, zone=zone,
                                  created_at=NOW))
    db.session.add(other)
    db.session.commit()
    return other


def mail_text(body: str) -> str:
    """Every text part of a stored message (plain, HTML, the calendar), decoded and unfolded."""
    message = email.message_from_string(body, policy=email.policy.default)
    parts = [part.get_content() for part in message.walk()
             if part.get_content_maintype() == "text"]
    return "\n".join(parts).replace("\r\n ", "").replace("\n ", "")


def mails_to(address: str) -> str:
    rows = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == address).order_by(OutboxMessage.id)).all()
    assert rows, f"nothing was mailed to {address}"
    return "\n".join(str(row.subject) + "\n" + mail_text(row.body) for row in rows)


def unfolded(text: str) -> str:
    return text.replace("\r\n ", "")


@dataclass
class Surfaces:
    """What one reader can see without being the meeting's coordinator, by where."""

    texts: dict[str, str]

    def showing(self, needle: str) -> set[str]:
        return {where for where, text in self.texts.items() if needle in text}


def public_surfaces(client, meeting_id: int, *, feeds: list[str],
                    pages: list[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    texts: dict[str, str] = {}
    for path in ["/", f"/meetings/{meeting_id}", "/tracker", *pages]:
        answer = client.get(path)
        assert answer.status_code == 200, path
        texts[path] = answer.get_data(as_text=True)
    for path in ["/feeds/all.ics", *feeds]:
        answer = client.get(path)
        assert answer.status_code == 200, path
        texts[path] = unfolded(answer.get_data(as_text=True))
    for path in [f"/api/v1/meetings/{meeting_id}", "/api/v1/meetings"]:
        answer = client.get(path)  # anonymous
        assert answer.status_code == 200, path
        texts[path] = answer.get_data(as_text=True)
    return texts


# --- topics suggested through the personal link ------------------------------------------

@pytest.mark.parametrize("consent", [False, True], ids=["without-consent", "with-consent"])
def test_a_topic_names_its_organisation_in_public_only_with_consent(
        seeded, client, frozen, consent: bool) -> None:
    world = make_world(NOW, people=[PROPOSER], first=date(2026, 12, 28))
    meeting = world.first
    add_participant(now=NOW, actor=Actor.cli(), series_id=world.series.id,
                    organisation_id=neighbour_organisation().id)
    run_due_deadlines(now=NOW)  # the window is open (16 Nov to 7 Dec): links go out
    invitations = {i.contact.email: i for i in db.session.scalars(
        select(Invitation).where(Invitation.meeting_id == meeting.id))}
    ana, grace = invitations[PROPOSER[1]], invitations[NEIGHBOUR[1]]
    topic = submit_suggestion(
        ana, form_key="k1", title="Niñez migrante no "
        "acompañada", description="", link=None, language="es", minutes=10,
        show_name=consent, now=NOW)

    # Moderation through the API, as the meeting's coordinator: staff see who proposed.
    coordinator = create_token(world.coordinator.id, "tests", now=NOW, actor=Actor.cli())
    decided = client.post(f"/api/v1/suggestions/{topic.id}/decision",
                          json={"decision": "accept"}, headers=bearer(coordinator))
    assert decided.status_code == 200, decided.get_data(as_text=True)

    neighbour_page = f"/suggest/{suggest_link(grace).rsplit('/', 1)[1]}?lang=en"
    draft = client.get(neighbour_page).get_data(as_text=True)
    assert "Niñez migrante no acompañada" in draft  # the draft agenda other invitees see
    assert (ORGANISATION in draft) is consent

    published = client.post(f"/api/v1/meetings/{meeting.id}/agenda/publish",
                            headers=bearer(coordinator))
    assert published.status_code == 200, published.get_data(as_text=True)

    texts = public_surfaces(client, meeting.id, feeds=["/feeds/country/GT.ics",
                                                       f"/feeds/series/{world.series.id}.ics"],
                            pages=[])
    texts["neighbour's topic page"] = client.get(neighbour_page).get_data(as_text=True)
    rsvp = rsvp_links(grace)["accepted"].split("coordinator.test", 1)[1]
    texts["neighbour's answer page"] = client.get(rsvp).get_data(as_text=True)
    texts["neighbour's mail"] = mails_to(NEIGHBOUR[1])
    outsider = make_account(Role.SPECIAL_COORDINATOR, email="mx@gob.example", country="MX")
    token = create_token(outsider.id, "tests", now=NOW, actor=Actor.cli())
    texts["API, another country's coordinator"] = client.get(
        f"/api/v1/meetings/{meeting.id}", headers=bearer(token)).get_data(as_text=True)
    seen = Surfaces(texts)

    # The topic itself is public everywhere the agenda goes...
    title_everywhere = {w for w in texts if w not in ("/", "/tracker",
                                                      "neighbour's answer page")}
    assert seen.showing("acompañada") >= title_everywhere
    # ...its proposer never is, and their organisation only with consent.
    assert seen.showing(PROPOSER[0]) == set()
    assert seen.showing(PROPOSER[1]) == set()
    where_named = {f"/meetings/{meeting.id}", "/feeds/all.ics", "/feeds/country/GT.ics",
                   f"/feeds/series/{world.series.id}.ics", f"/api/v1/meetings/{meeting.id}",
                   "/api/v1/meetings", "neighbour's topic page", "neighbour's mail",
                   "API, another country's coordinator"}
    assert seen.showing(ORGANISATION) == (where_named if consent else set())
    # The coordinator still sees who proposed, and whether they may be named.
    assert decided.get_json()["organisation"] == ORGANISATION
    assert decided.get_json()["show_name"] is consent


# --- written proposals put on a briefing's agenda ----------------------------------------

def propose(client, path: str, *, consent: bool) -> None:  # type: ignore[no-untyped-def]
    form = client.get(path + "?lang=en").get_data(as_text=True)
    assert 'name="show_name"' in form and "checked" not in form.split('name="show_name"')[1][:40]
    data = {"csrf_token": CSRF.search(form).group(1), "form_key": FORM_KEY.search(form).group(1),
            "title": "Visas de trabajo temporal", "body": "Proponemos simplificar los trámites.",
            "language": "es"}
    if consent:
        data["show_name"] = "yes"
    assert client.post(path, data=data).status_code == 303


@pytest.mark.parametrize("consent", [False, True], ids=["without-consent", "with-consent"])
def test_a_written_proposal_names_its_organisation_in_public_only_with_consent(
        seeded, client, frozen, consent: bool) -> None:
    world = make_world(NOW, people=[PROPOSER], first=date(2026, 12, 28))
    committee = db.session.scalar(select(Committee).where(Committee.slug == "labor-mobility"))
    # A briefing within the invitation horizon, so its participants are invited at once.
    briefings = schedule_series(SeriesInput(
        kind=SeriesKind.COMMITTEE, committee=committee.slug, first_date=date(2027, 2, 24),
        start_time=time(10), zone="America/Mexico_City"), now=NOW, actor=Actor.cli())
    add_participant(now=NOW, actor=Actor.cli(), series_id=briefings.id,
                    organisation_id=neighbour_organisation().id)
    contact = world.organisation.contacts[0]
    propose(client, proposal_link(contact, committee).split("coordinator.test", 1)[1],
            consent=consent)
    proposal = db.session.scalars(select(Proposal)).one()
    assert proposal.show_name is consent

    add_proposal_to_agenda(proposal.id, now=NOW, actor=Actor.cli())
    db.session.refresh(proposal)
    meeting = proposal.meeting
    assert meeting is not None and meeting.series_id == briefings.id
    later = NOW + timedelta(minutes=5)
    publish_agenda(meeting.id, now=later, actor=Actor.cli())

    summary = f"/committees/{committee.slug}/proposals"
    texts = public_surfaces(client, meeting.id,
                            feeds=[f"/feeds/committee/{committee.slug}.ics",
                                   f"/feeds/series/{briefings.id}.ics"], pages=[summary])
    grace = db.session.scalar(select(Invitation).join(Invitation.contact).where(
        Invitation.meeting_id == meeting.id, Contact.email == NEIGHBOUR[1]))
    texts["neighbour's topic page"] = client.get(
        f"/suggest/{suggest_link(grace).rsplit('/', 1)[1]}?lang=en").get_data(as_text=True)
    texts["neighbour's mail"] = mails_to(NEIGHBOUR[1])
    seen = Surfaces(texts)

    assert {summary, f"/meetings/{meeting.id}", "neighbour's mail"} <= seen.showing(
        "Visas de trabajo temporal")
    assert seen.showing(PROPOSER[0]) == set() and seen.showing(PROPOSER[1]) == set()
    where_named = {summary, f"/meetings/{meeting.id}", "/feeds/all.ics",
                   f"/feeds/committee/{committee.slug}.ics", f"/feeds/series/{briefings.id}.ics",
                   f"/api/v1/meetings/{meeting.id}", "/api/v1/meetings",
                   "neighbour's topic page", "neighbour's mail"}
    assert seen.showing(ORGANISATION) == (where_named if consent else set())


# --- what registrations agreed to publish -------------------------------------------------

def test_who_leads_an_organisation_is_for_the_secretariat_only(seeded, client, frozen) -> None:
    db.session.add(Organisation(
        name="Colectivo Arcoíris", scope=Scope.NATIONAL, kinds=["advocacy"],
        led_by=["lgbtiq", "refugee"], languages=["es"], website="https://arcoiris.example",
        registration_state=RegistrationState.APPROVED, created_at=NOW))
    db.session.commit()
    secretariat = make_account(Role.SECRETARIAT, email="sec@example.org")
    coordinator = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")

    anonymous = client.get("/api/v1/organisations")
    assert anonymous.status_code == 200
    [shown] = anonymous.get_json()["items"]
    assert shown["name"] == "Colectivo Arcoíris" and shown["website"] == "https://arcoiris.example"
    assert shown["led_by"] is None
    assert "lgbtiq" not in anonymous.get_data(as_text=True)
    assert "refugee" not in anonymous.get_data(as_text=True)
    token = create_token(coordinator.id, "tests", now=NOW, actor=Actor.cli())
    staff = client.get("/api/v1/organisations", headers=bearer(token))
    assert staff.get_json()["items"][0]["led_by"] is None

    token = create_token(secretariat.id, "tests", now=NOW, actor=Actor.cli())
    reviewing = client.get("/api/v1/organisations", headers=bearer(token))
    assert reviewing.get_json()["items"][0]["led_by"] == ["lgbtiq", "refugee"]


def test_a_committee_representative_is_public_by_organisation_not_by_address(
        seeded, client, frozen) -> None:
    organisation = Organisation(name="Red Migrante Mexicana", scope=Scope.NATIONAL, kinds=[],
                                led_by=[], website="https://redmigrante.example",
                                registration_state=RegistrationState.APPROVED, created_at=NOW)
    rosa = Contact(organisation=organisation, name="Rosa Pérez",
                   email="rosa@redmigrante.example", zone="America/Mexico_City",
                   created_at=NOW)
    db.session.add_all([organisation, rosa])
    db.session.flush()
    committee = db.session.scalar(select(Committee).where(Committee.slug == "labor-mobility"))
    committee.representative_contact_id = rosa.id
    db.session.commit()
    secretariat = make_account(Role.SECRETARIAT, email="sec@example.org")

    page = client.get("/committees/representatives").get_data(as_text=True)
    assert "rosa@redmigrante.example" not in page and "mailto:" not in page
    assert "Rosa Pérez" not in page
    # The organisation, as its registration agreed to publish, and its website to reach it.
    assert "Red Migrante Mexicana" in page and 'href="https://redmigrante.example"' in page

    anonymous = client.get("/api/v1/committees")
    text = anonymous.get_data(as_text=True)
    assert "rosa@redmigrante.example" not in text and "Rosa Pérez" not in text
    listed = {c["slug"]: c for c in anonymous.get_json()["items"]}["labor-mobility"]
    assert listed["representative"]["organisation"] == "Red Migrante Mexicana"
    assert listed["representative"]["name"] is None

    token = create_token(secretariat.id, "tests", now=NOW, actor=Actor.cli())
    staff = client.get("/api/v1/committees", headers={**bearer(token),
                                                      "If-None-Match": anonymous.headers["ETag"]})
    assert staff.status_code == 200  # another answer, so another validator
    listed = {c["slug"]: c for c in staff.get_json()["items"]}["labor-mobility"]
    assert listed["representative"]["name"] == "Rosa Pérez"
    assert "rosa@redmigrante.example" not in staff.get_data(as_text=True)
