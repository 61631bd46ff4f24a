"""Issue 14 item 1: a written proposal reaches the committee's coordinators (mail and
dashboard), and the proposer is told at each step, each step in the audit log."""

from __future__ import annotations

import email
import email.policy

import pytest
from sqlalchemy import select

from coordinator.agendas.proposals import (
    add_proposal_to_agenda,
    answer_proposal,
    consider_proposal,
    submit_proposal,
)
from coordinator.errors import Conflict
from coordinator.extensions import db
from coordinator.mail.dispatch import dispatch
from coordinator.models import (
    AuditEntry,
    Committee,
    Contact,
    OutboxMessage,
    Proposal,
    ProposalState,
    Role,
)
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.suggestions.helpers import plain_text
from tests.web.people import log_in, make_account


@pytest.fixture
def world(briefing_world):  # type: ignore[no-untyped-def]
    return briefing_world


def _committee(slug: str) -> Committee:
    return db.session.scalars(select(Committee).where(Committee.slug == slug)).one()


def _contact() -> Contact:
    return db.session.scalars(select(Contact).where(
        Contact.email == "ana@cso.example")).one()


def _submit(slug: str = "labor-mobility", key: str = "k1") -> Proposal:
    return submit_proposal(_contact(), _committee(slug), form_key=key,
                           title="Ferias de empleo para retornados", body="Proponemos ferias.",
                           language="es", now=NOW)


def _received() -> dict[str, OutboxMessage]:
    db.session.expire_all()
    return {m.recipient: m for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "proposal-received"))}


def test_a_new_proposal_mails_each_active_coordinator_of_its_committee_only(world) -> None:
    mine = make_account(Role.COMMITTEE_COORDINATOR, email="marie@gob.example",
                        committee="labor-mobility")
    mine.language, mine.zone = "fr", "America/Port-au-Prince"
    gone = make_account(Role.COMMITTEE_COORDINATOR, email="gone@gob.example",
                        committee="labor-mobility")
    gone.active = False
    make_account(Role.COMMITTEE_COORDINATOR, email="other@gob.example",
                 committee=_other_committee().slug)
    make_account(Role.SECRETARIAT, email="sec@example.org")
    db.session.commit()
    proposal = _submit()
    received = _received()
    assert set(received) == {"marie@gob.example"}  # not the secretariat: there is a coordinator
    row = received["marie@gob.example"]
    assert row.language == "fr" and row.account_id == mine.id
    text = row.body
    assert "Ferias de empleo para retornados" in row.subject
    assert f"/workspace/proposals?lang=fr#proposal-{proposal.id}" in email.message_from_string(
        text, policy=email.policy.default).get_body(("plain",)).get_content()
    assert "07:00" in text  # 12:00 UTC in Port-au-Prince, the account's zone
    # The same form sent again stores nothing new and mails nobody again.
    _submit()
    assert len(_received()) == 1
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "proposal.submit")).one()
    assert entry.details["notified"] == [mine.id]


def _other_committee() -> Committee:
    return db.session.scalars(select(Committee).where(
        Committee.slug != "labor-mobility").order_by(Committee.id)).first()  # type: ignore[return-value]


def test_without_a_coordinator_the_secretariat_is_told(world) -> None:
    make_account(Role.SECRETARIAT, email="sec@example.org")
    closed = make_account(Role.SECRETARIAT, email="closed@example.org")
    closed.active = False
    db.session.commit()
    _submit()
    assert set(_received()) == {"sec@example.org"}


def test_the_new_proposal_mail_really_arrives(world, mailed) -> None:
    make_account(Role.COMMITTEE_COORDINATOR, email="marie@gob.example",
                 committee="labor-mobility")
    _submit()
    queued = len(db.session.scalars(select(OutboxMessage)).all())  # invitations too
    assert dispatch(NOW).sent == queued
    got = {r.recipients[0]: r for r in mailed.wait_for(queued)
           if str(r.message["Subject"]).strip().startswith("New written proposal")}
    assert set(got) == {"marie@gob.example"}
    text = plain_text(got["marie@gob.example"])
    assert "https://coordinator.test/workspace/proposals?lang=" in text and "#proposal-" in text
    assert "Red de Acogida" in text


def test_the_proposer_is_told_at_each_step_and_each_step_is_audited(world) -> None:
    proposal = _submit()
    consider_proposal(proposal.id, now=NOW, actor=Actor.cli())
    consider_proposal(proposal.id, now=NOW, actor=Actor.cli())  # a second click: no new mail
    add_proposal_to_agenda(proposal.id, now=NOW, actor=Actor.cli())
    with pytest.raises(Conflict):  # not "under consideration" again once on an agenda
        consider_proposal(proposal.id, now=NOW, actor=Actor.cli())
    db.session.expire_all()
    states = [m.key.split(":")[2] for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "proposal-status").order_by(OutboxMessage.id))]
    assert states == ["received", "under-consideration", "on-agenda"]
    actions = [e.action for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "proposal").order_by(AuditEntry.id))]
    assert actions == ["proposal.submit", "proposal.consider", "proposal.on_agenda"]
    other = _submit(key="k2")
    answer_proposal(other.id, "Lo tratamos con el ministerio.", now=NOW, actor=Actor.cli())
    db.session.expire_all()
    assert db.session.get(Proposal, other.id).state == ProposalState.ANSWERED  # type: ignore[union-attr]
    assert db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "proposal.answer", AuditEntry.entity_id == other.id)).one()
    assert db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.key.startswith(f"proposal:{other.id}:answered:"))).one()


def test_the_dashboard_shows_proposals_waiting_to_those_who_manage_the_committee(
        world, client) -> None:
    make_account(Role.COMMITTEE_COORDINATOR, email="marie@gob.example",
                 committee="labor-mobility")
    make_account(Role.COMMITTEE_COORDINATOR, email="other@gob.example",
                 committee=_other_committee().slug)
    make_account(Role.SPECIAL_COORDINATOR, email="gt@gob.example", country="GT")
    log_in(client, "marie@gob.example")
    assert "Written proposals waiting" not in client.get("/workspace/").get_data(as_text=True)
    first = _submit()
    _submit(key="k2")
    page = client.get("/workspace/").get_data(as_text=True)
    assert "Written proposals waiting" in page and "2 proposals" in page
    assert 'href="/workspace/proposals"' in page
    consider_proposal(first.id, now=NOW, actor=Actor.cli())
    assert "2 proposals" in client.get("/workspace/").get_data(as_text=True)
    answer_proposal(first.id, "Gracias.", now=NOW, actor=Actor.cli())
    assert "1 proposal" in client.get("/workspace/").get_data(as_text=True)
    for outsider in ("other@gob.example", "gt@gob.example"):
        other = client.application.test_client()
        log_in(other, outsider)
        assert "Written proposals waiting" not in other.get("/workspace/").get_data(
            as_text=True)


def test_every_door_refuses_to_reconsider_a_proposal_already_on_an_agenda(
        world, client, app) -> None:
    from coordinator.accounts.api_tokens import create_token
    from coordinator.cli import main
    from tests.web.people import csrf_of

    marie = make_account(Role.COMMITTEE_COORDINATOR, email="marie@gob.example",
                         committee="labor-mobility")
    proposal = _submit()
    add_proposal_to_agenda(proposal.id, now=NOW, actor=Actor.cli())
    token = create_token(marie.id, "tests", now=NOW, actor=Actor.cli())
    api = client.post(f"/api/v1/proposals/{proposal.id}/consideration",
                      headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 409
    assert api.get_json()["detail"] == "This proposal is already answered or on an agenda."
    log_in(client, "marie@gob.example")
    page = client.post(f"/workspace/proposals/{proposal.id}/consider",
                       data={"csrf_token": csrf_of(client, "/workspace/proposals")})
    assert page.status_code == 409
    cli = app.test_cli_runner().invoke(main, ["proposals", "consider", str(proposal.id)])
    assert cli.exit_code == 2 and "already answered or on an agenda" in cli.output
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == ProposalState.ON_AGENDA  # type: ignore[union-attr]
    assert not db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.key.startswith(f"proposal:{proposal.id}:under-consideration"))).all()
