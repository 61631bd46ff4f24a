"""The contribution page behind a contact's personal link: it shows the commitment and the
contact's own contributions, takes one indicator proposal or piece of evidence per form,
keeps what was typed when it refuses, and the page that mails a new link answers the same
whatever the address. On SQLite and PostgreSQL, with the clock frozen."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from coordinator.cadence.zones import utc_now
from coordinator.extensions import db, limiter
from coordinator.link_requests.services import answer_link_requests
from coordinator.mail.kinds import MailKind
from coordinator.models import Contact
from coordinator.outcomes.commitments import Responsible, create_commitment, set_status
from coordinator.outcomes.contributions import (
    CONTRIBUTE_LINK,
    decline_contribution,
    own_contributions,
)
from coordinator.outcomes.models import Commitment, Contribution, ContributionState
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.support.database import snapshot
from tests.web.people import csrf_of

FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="[^"]+"')


@pytest.fixture
def commitment(outcomes, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(limiter, "enabled", False)
    return create_commitment(text="Ampliar la atención a personas refugiadas",
                             responsible=Responsible("GT"), pillar="I", written_in="es",
                             start_on=date(2026, 1, 1), target_on=date(2027, 12, 31), now=NOW,
                             actor=Actor.cli())


def _contact(email: str = "grace@cso.example") -> Contact:
    found = db.session.scalar(select(Contact).where(Contact.email == email))
    assert found is not None
    return found


def _page(commitment: Commitment, contact: Contact | None = None) -> str:
    return CONTRIBUTE_LINK.path.format(token=CONTRIBUTE_LINK.token(
        {"c": (contact or _contact()).id, "k": commitment.id}))


def _form(client, page: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    text = client.get(page).get_data(as_text=True)
    key = FORM_KEY.search(text)
    assert key is not None
    return {"csrf_token": csrf_of(client, page), "form_key": key.group(1), "language": "es"}


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Contribution)) or 0


def test_the_page_shows_the_commitment_and_opening_it_changes_nothing(commitment,
                                                                      client) -> None:
    page = _page(commitment)
    before = snapshot()
    answer = client.get(page)
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert "Ampliar la atención a personas refugiadas" in text
    assert "written in Spanish" in text  # the reader's language is English
    assert _contact().organisation.name in text
    for field in ("text", "language", "url", "indicator_kind", "name", "unit", "unit_label",
                  "baseline", "baseline_on", "target", "direction"):
        assert f'<label for="{field}">' in text, field
    assert "<script" not in text.split("<main", 1)[1] and "style=" not in text
    assert client.get(page + "?lang=es").status_code == 200
    assert snapshot() == before


def test_evidence_is_stored_once_per_form_and_listed_as_waiting(commitment, client) -> None:
    page = _page(commitment)
    data = {**_form(client, page), "kind": "evidence", "text": "Se abrió un albergue en Tecún Umán",
            "url": "https://cso.example/informe.pdf"}
    answer = client.post(page, data=data)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("saved=1")
    assert client.post(page, data=data).status_code == 303  # the same form again: no second
    (stored,) = own_contributions(_contact(), commitment)
    assert stored.url == "https://cso.example/informe.pdf" and stored.written_in == "es"
    text = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "your contribution is received" in text
    assert "Se abrió un albergue en Tecún Umán" in text and "Waiting for a decision" in text


def test_a_proposed_indicator_is_sent_and_a_refused_one_keeps_what_was_typed(
        commitment, client) -> None:
    page = _page(commitment)
    proposal = {"kind": "indicator", "text": "Cuenta a quienes reciben atención",
                "indicator_kind": "quantitative", "name": "Personas atendidas por mes",
                "unit": "people", "baseline": "300", "baseline_on": "2026-03-01",
                "target": "100", "direction": "increase"}
    refused = client.post(page, data={**_form(client, page), **proposal})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "The target is below the baseline" in text
    assert 'value="Personas atendidas por mes"' in text and 'value="300"' in text
    assert 'value="2026-03-01"' in text and "Cuenta a quienes reciben atención" in text
    assert _count() == 0
    for bad in ({"baseline": "many"}, {"baseline_on": "yesterday"}, {"unit": "parsecs"}):
        assert client.post(page, data={**_form(client, page), **proposal,
                                       "target": "900", **bad}).status_code == 422, bad
    assert _count() == 0
    sent = client.post(page, data={**_form(client, page), **proposal, "target": "900"})
    assert sent.status_code == 303
    (stored,) = own_contributions(_contact(), commitment)
    assert stored.indicator is not None and stored.indicator["target"] == 900
    assert "Personas atendidas por mes" in client.get(page).get_data(as_text=True)


def test_a_declined_contribution_shows_its_public_reason(commitment, client,
                                                         outcomes) -> None:
    page = _page(commitment)
    client.post(page, data={**_form(client, page), "kind": "evidence", "text": "Rumor"})
    (stored,) = own_contributions(_contact(), commitment)
    decline_contribution(stored.id, reason="No source is given.", now=NOW,
                         actor=Actor(outcomes.gt_coordinator.email, outcomes.gt_coordinator.id),
                         written_in="en")
    text = client.get(page).get_data(as_text=True)
    assert "Declined" in text and "No source is given." in text
    db.session.expire_all()
    assert db.session.get(Contribution, stored.id).state == ContributionState.DECLINED


def test_an_ended_commitment_takes_no_more_contributions(commitment, client) -> None:
    page = _page(commitment)
    data = {**_form(client, page), "kind": "evidence", "text": "Tarde"}
    set_status(commitment.id, "achieved", now=NOW, actor=Actor.cli())
    answer = client.get(page)
    assert answer.status_code == 200
    assert "it takes no more contributions" in answer.get_data(as_text=True)
    assert client.post(page, data=data).status_code >= 400
    assert _count() == 0


def test_asking_for_a_link_answers_the_same_whatever_the_address(commitment, client,
                                                                 outbox) -> None:
    shown = client.get(f"/contribute/ask?commitment={commitment.id}")
    assert shown.status_code == 200
    assert f'<option value="{commitment.id}" selected' in shown.get_data(as_text=True)
    answers = []
    for address in ("nobody@example.org", "grace@cso.example"):
        answer = client.post("/contribute/ask", data={
            "csrf_token": csrf_of(client, "/contribute/ask"), "email": address,
            "commitment": str(commitment.id)})
        assert answer.status_code == 200
        answers.append(CSRF.sub("", answer.get_data(as_text=True)))
    assert answers[0] == answers[1] and "a link is on its way" in answers[0]
    # The page only queued both (its time tells nothing); the scheduler's job looks them up.
    assert outbox(MailKind.CONTRIBUTION_LINK) == []
    assert answer_link_requests(now=utc_now()) == 2
    assert [m.recipient for m in outbox(MailKind.CONTRIBUTION_LINK)] == ["grace@cso.example"]
    for junk in ("", "x", "99999999999999999999"):
        assert client.post("/contribute/ask", data={
            "csrf_token": csrf_of(client, "/contribute/ask"), "email": "grace@cso.example",
            "commitment": junk}).status_code == 200
