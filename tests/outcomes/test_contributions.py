"""Civil society contributes on commitments through a personal link: a proposed indicator
or evidence waits for the commitment's keeper, who accepts it (an indicator, or a timeline
entry crediting the organisation) or declines it with a public reason; the contact is
told by mail in their language."""

from __future__ import annotations

import email
from dataclasses import replace
from datetime import date, timedelta
from email.policy import default

import pytest
from sqlalchemy import select

from coordinator.content import services as content
from coordinator.errors import Conflict, InvalidInput
from coordinator.extensions import db
from coordinator.links import LinkRefused, Outcome, verify
from coordinator.mail.kinds import MailKind
from coordinator.models import Account, AuditEntry, Contact, Country, Role
from coordinator.outcomes.commitments import (
    Responsible,
    commitment_record,
    create_commitment,
    set_status,
)
from coordinator.outcomes.contributions import (
    CONTRIBUTE_LINK,
    accept_contribution,
    decided_on,
    decline_contribution,
    own_contributions,
    request_contribution_link,
    submit_contribution,
    waiting_for,
)
from coordinator.outcomes.indicators import IndicatorSpec
from coordinator.outcomes.models import ContributionState, Indicator
from coordinator.unit import Actor
from tests.conftest import NOW

PROPOSAL = IndicatorSpec(kind="quantitative", name="Personas atendidas por mes",
                         unit="people", baseline=300, baseline_on=date(2026, 3, 1),
                         target=900, direction="increase")


@pytest.fixture
def commitment(outcomes):  # type: ignore[no-untyped-def]
    return create_commitment(text="Ampliar la atención a personas refugiadas",
                             responsible=Responsible("GT"), pillar="I", written_in="es",
                             start_on=date(2026, 1, 1), target_on=date(2027, 12, 31), now=NOW,
                             actor=Actor.cli())


def _contact(email: str) -> Contact:
    found = db.session.scalar(select(Contact).where(Contact.email == email))
    assert found is not None
    return found


def _keeper(outcomes) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(outcomes.gt_coordinator.email, outcomes.gt_coordinator.id)


def test_a_registered_contact_asks_for_a_link_and_it_opens_on_the_commitment(
        outcomes, commitment, outbox) -> None:
    assert request_contribution_link("nobody@example.org", commitment.id, now=NOW) == 0
    assert request_contribution_link("wilner@cso.example", commitment.id, now=NOW) == 1
    assert request_contribution_link("wilner@cso.example", 999, now=NOW) == 0
    (mail,) = outbox(MailKind.CONTRIBUTION_LINK)
    assert mail.recipient == "wilner@cso.example" and mail.language == "ht"
    assert "/contribute/" in mail.body
    wilner = _contact("wilner@cso.example")
    token = CONTRIBUTE_LINK.token({"c": wilner.id, "k": commitment.id})
    assert verify(CONTRIBUTE_LINK, token, NOW, writing=True) == (wilner, commitment)
    with pytest.raises(LinkRefused) as refused:
        verify(CONTRIBUTE_LINK, token, NOW + timedelta(days=31))
    assert refused.value.outcome == Outcome.EXPIRED


def test_the_link_mail_shows_the_commitment_in_the_contacts_language(
        outcomes, commitment, outbox) -> None:
    content.translate("commitment", commitment.id, "text", "ht",
                      "Elaji swen pou moun ki refijye yo", now=NOW, actor=Actor.cli())
    request_contribution_link("wilner@cso.example", commitment.id, now=NOW)
    request_contribution_link("grace@cso.example", commitment.id, now=NOW)
    texts = {row.language: _text(row) for row in outbox(MailKind.CONTRIBUTION_LINK)}
    assert "Elaji swen pou moun ki refijye yo" in texts["ht"]
    assert "Ampliar la atención a personas refugiadas" in texts["en"]  # the original, marked


def test_the_link_stops_taking_contributions_when_the_commitment_ends_or_the_contact_leaves(
        outcomes, commitment) -> None:
    ana = _contact("ana@cso.example")
    token = CONTRIBUTE_LINK.token({"c": ana.id, "k": commitment.id})
    set_status(commitment.id, "achieved", now=NOW, actor=Actor.cli())
    assert verify(CONTRIBUTE_LINK, token, NOW) == (ana, commitment)  # still readable
    with pytest.raises(LinkRefused) as refused:
        verify(CONTRIBUTE_LINK, token, NOW, writing=True)
    assert (refused.value.outcome, refused.value.reason) == (Outcome.GONE, "closed")
    with pytest.raises(Conflict):
        submit_contribution(ana, commitment, kind="evidence", form_key="f1", text="Dato",
                            language="es", now=NOW)
    ana.active = False
    db.session.commit()
    with pytest.raises(LinkRefused) as refused:
        verify(CONTRIBUTE_LINK, token, NOW)
    assert refused.value.reason == "inactive"


def test_a_proposed_indicator_is_checked_and_becomes_an_indicator_when_accepted(
        outcomes, commitment, outbox) -> None:
    wilner = _contact("wilner@cso.example")
    with pytest.raises(InvalidInput) as refused:  # a rising indicator's target below it
        submit_contribution(wilner, commitment, kind="indicator", form_key="f1",
                            text="Pou swiv sèvis yo", language="ht", now=NOW,
                            indicator=replace(PROPOSAL, target=100))
    assert refused.value.field == "target"
    with pytest.raises(InvalidInput) as refused:
        submit_contribution(wilner, commitment, kind="indicator", form_key="f1",
                            text="Pou swiv sèvis yo", language="ht", now=NOW)
    assert refused.value.field == "indicator"
    proposal = submit_contribution(wilner, commitment, kind="indicator", form_key="f1",
                                   text="Pou swiv sèvis yo", language="ht", now=NOW,
                                   indicator=PROPOSAL)
    again = submit_contribution(wilner, commitment, kind="indicator", form_key="f1",
                                text="Pou swiv sèvis yo", language="ht", now=NOW,
                                indicator=PROPOSAL)
    assert again.id == proposal.id and proposal.state == ContributionState.WAITING
    assert waiting_for(outcomes.gt_coordinator) == [proposal]
    assert own_contributions(wilner, commitment) == [proposal]

    accepted = accept_contribution(proposal.id, reason="Útil para el seguimiento",
                                   now=NOW, actor=_keeper(outcomes))
    indicator = db.session.get(Indicator, accepted.indicator_id)
    assert indicator is not None and indicator.commitment_id == commitment.id
    assert indicator.proposed_by_id == outcomes.world.organisation.id
    assert (indicator.baseline, indicator.target, indicator.written_in) == (300, 900, "ht")
    assert accepted.reason_written_in == "es"  # the keeper's language
    (mail,) = outbox(MailKind.CONTRIBUTION_DECISION)
    assert mail.recipient == "wilner@cso.example" and mail.language == "ht"
    assert "Útil para el seguimiento" in _text(mail)
    assert ":accepted" in mail.key
    with pytest.raises(Conflict):
        decline_contribution(proposal.id, reason="No", now=NOW, actor=_keeper(outcomes))
    assert decided_on(commitment) == [accepted] and waiting_for(None) == []


def test_accepted_evidence_is_on_the_timeline_with_the_organisation_as_its_source(
        outcomes, commitment) -> None:
    ana = _contact("ana@cso.example")
    with pytest.raises(InvalidInput) as refused:
        submit_contribution(ana, commitment, kind="evidence", form_key="e1", text="Informe",
                            language="es", now=NOW, url="ftp://example.org/x")
    assert refused.value.field == "url"
    evidence = submit_contribution(ana, commitment, kind="evidence", form_key="e1",
                                   text="Nuestro informe muestra 420 personas atendidas",
                                   url="https://cso.example/informe.pdf", language="es",
                                   now=NOW)
    accept_contribution(evidence.id, now=NOW, actor=_keeper(outcomes))
    (entry,) = commitment_record(commitment.id).timeline
    assert entry.source_organisation_id == outcomes.world.organisation.id
    assert entry.source_url == "https://cso.example/informe.pdf"
    assert entry.dated == date(2026, 11, 22) and entry.written_in == "es"
    assert db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "contribution.accepted"))


def test_a_decline_gives_a_public_reason_and_only_the_keeper_decides(
        outcomes, commitment, outbox) -> None:
    grace = _contact("grace@cso.example")
    evidence = submit_contribution(grace, commitment, kind="evidence", form_key="e1",
                                   text="Shelter two is closed", language="en", now=NOW)
    mexico = Account(name="Coordinación MX", email="mx@gob.example",
                     role=Role.SPECIAL_COORDINATOR, created_at=NOW,
                     country_id=db.session.scalar(select(Country.id).where(
                         Country.iso == "MX")))
    db.session.add(mexico)
    db.session.commit()
    assert waiting_for(mexico) == []
    with pytest.raises(InvalidInput):
        decline_contribution(evidence.id, reason="No", now=NOW,
                             actor=Actor(mexico.email, mexico.id))
    with pytest.raises(InvalidInput) as refused:
        decline_contribution(evidence.id, reason=" ", now=NOW, actor=_keeper(outcomes))
    assert refused.value.field == "reason"
    declined = decline_contribution(evidence.id, reason="El albergue reabrió el 1 de "
                                    "noviembre", now=NOW, actor=_keeper(outcomes))
    assert declined.state == ContributionState.DECLINED and declined.update_id is None
    assert commitment_record(commitment.id).timeline == []
    (mail,) = outbox(MailKind.CONTRIBUTION_DECISION)
    assert mail.language == "en" and "El albergue reabrió" in _text(mail)


def _text(row) -> str:  # type: ignore[no-untyped-def]
    message = email.message_from_string(row.body, policy=default)
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()
