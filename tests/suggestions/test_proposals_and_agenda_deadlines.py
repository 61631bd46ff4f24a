"""Written proposals between briefings; the coordinator reminded of a due agenda."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from coordinator.agendas.proposals import (
    add_proposal_to_agenda,
    answer_proposal,
    consider_proposal,
    proposal_link,
)
from coordinator.extensions import db
from coordinator.invitations.deadlines import run_due_deadlines
from coordinator.link_requests.services import answer_link_requests
from coordinator.models import AgendaItem, OutboxMessage, Proposal, ProposalState
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.suggestions.helpers import CSRF, FORM_KEY, stored_text


@pytest.fixture
def world(briefing_world):  # type: ignore[no-untyped-def]
    return briefing_world


def test_a_contact_asks_for_a_link_writes_and_follows_the_proposal(world, client) -> None:
    page = client.get("/proposals").get_data(as_text=True)
    csrf = CSRF.search(page).group(1)
    for address in ("ana@cso.example", "nobody@else.example"):
        answer = client.post("/proposals", data={"csrf_token": csrf, "email": address,
                                                 "committee": "labor-mobility"})
        assert answer.status_code == 200
        assert "If this address belongs to a registered organisation" in answer.get_data(
            as_text=True)
    answer_link_requests(now=NOW)  # the scheduler's job: look the addresses up, mail
    mails = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "proposal-link")).all()
    assert [m.recipient for m in mails] == ["ana@cso.example"]
    link = re.search(r"https://coordinator\.test(/propose/\S+)", stored_text(mails[0].body))
    path = link.group(1).split("?")[0]  # without the mailed `lang=`: the test picks its own
    form = client.get(path + "?lang=en").get_data(as_text=True)
    data = {"csrf_token": CSRF.search(form).group(1), "form_key": FORM_KEY.search(form).group(1),
            "title": "Visas de trabajo temporal", "body": "Proponemos simplificar los trámites.",
            "language": "es"}
    assert client.post(path, data=data).status_code == 303
    assert client.post(path, data=data).status_code == 303  # a double submit stores one
    proposal = db.session.scalars(select(Proposal)).one()
    assert proposal.state == ProposalState.RECEIVED

    consider_proposal(proposal.id, now=NOW, actor=Actor.cli())
    add_proposal_to_agenda(proposal.id, now=NOW, actor=Actor.cli())
    db.session.refresh(proposal)
    assert proposal.state == ProposalState.ON_AGENDA
    item = db.session.scalars(select(AgendaItem).where(
        AgendaItem.proposal_id == proposal.id)).one()
    assert item.meeting.start_local.date() == date(2027, 3, 3)  # the next briefing
    assert item.presenter is None  # the proposer did not agree to be named
    with pytest.raises(Exception, match="already on an agenda"):
        add_proposal_to_agenda(proposal.id, now=NOW, actor=Actor.cli())
    statuses = db.session.scalars(select(OutboxMessage.key).where(
        OutboxMessage.kind == "proposal-status")).all()
    assert len(statuses) == 3  # received, under consideration, on the agenda

    mine = client.get(path + "?lang=en").get_data(as_text=True)
    assert "Visas de trabajo temporal" in mine and "Added to the agenda of a briefing" in mine
    public = client.get("/committees/labor-mobility/proposals?lang=en").get_data(as_text=True)
    assert "Visas de trabajo temporal" in public and "Ana Ixcot" not in public
    assert "ana@cso.example" not in public


def test_answers_are_mailed_and_public_in_summary(world, client) -> None:
    from coordinator.agendas.proposals import submit_proposal
    from coordinator.models import Committee, Contact

    contact = db.session.scalars(select(Contact).limit(1)).one()
    committee = db.session.scalars(select(Committee).where(
        Committee.slug == "labor-mobility")).one()
    proposal = submit_proposal(contact, committee, form_key="k1", title="Ferias de empleo",
                               body="Texto", language="es", now=NOW)
    answer_proposal(proposal.id, "Lo tratamos con el Ministerio de Trabajo.", now=NOW,
                    actor=Actor.cli())
    summary = client.get("/committees/labor-mobility/proposals?lang=en").get_data(as_text=True)
    assert "Lo tratamos con el Ministerio de Trabajo." in summary
    assert "Answered: 1" in summary
    mail = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.key.startswith(f"proposal:{proposal.id}:answered:"))).one()
    assert "Lo tratamos con el Ministerio de Trabajo." in stored_text(mail.body)
    # A corrected answer is mailed as well, not only published.
    answer_proposal(proposal.id, "Corrección: lo tratamos con Cancillería.",
                    now=NOW + timedelta(hours=1), actor=Actor.cli())
    answers = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.key.startswith(f"proposal:{proposal.id}:answered:"))
        .order_by(OutboxMessage.id)).all()
    assert len(answers) == 2
    assert "Corrección: lo tratamos con Cancillería." in stored_text(answers[1].body)


@pytest.mark.parametrize(("path", "status"), [
    ("/propose/forged", 404),
    ("/committees/no-such-committee/proposals", 404),
])
def test_bad_proposal_links(world, client, path: str, status: int) -> None:
    assert client.get(path).status_code == status


def test_an_expired_proposal_link_is_410(world, client) -> None:
    from coordinator.models import Committee, Contact

    contact = db.session.scalars(select(Contact).limit(1)).one()
    committee = db.session.scalars(select(Committee).limit(1)).one()
    path = proposal_link(contact, committee).split("coordinator.test", 1)[1]
    assert client.get(path).status_code == 200
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        assert client.get(path).status_code == 410


def test_the_coordinator_is_reminded_3_days_before_and_on_the_day(world) -> None:
    meeting = world.first  # agenda due 14 December 10:00 Guatemala
    due = meeting.deadlines.agenda_due

    def reminders() -> list[str]:
        return sorted(db.session.scalars(select(OutboxMessage.key).where(
            OutboxMessage.kind == "agenda-reminder")))

    run_due_deadlines(now=due - timedelta(days=3, minutes=1))
    assert reminders() == []
    run_due_deadlines(now=due - timedelta(days=3) + timedelta(minutes=1))
    assert len(reminders()) == 1
    run_due_deadlines(now=due + timedelta(minutes=1))
    assert len(reminders()) == 2
    recipient = db.session.scalar(select(OutboxMessage.recipient).where(
        OutboxMessage.kind == "agenda-reminder").limit(1))
    assert recipient == "coordinacion@gob.example"


def test_no_reminder_once_the_agenda_is_out_and_lateness_is_recorded(world) -> None:
    from coordinator.agendas.services import add_item, publish_agenda
    from coordinator.tracking.compliance import compliance_report

    meeting = world.first
    due = meeting.deadlines.agenda_due
    add_item(meeting.id, now=NOW, actor=Actor.cli(), kind="discussion", title="Único punto")
    publish_agenda(meeting.id, now=due + timedelta(days=2), actor=Actor.cli())
    run_due_deadlines(now=due + timedelta(days=3))
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "agenda-reminder")) == 0  # published: the reminders are gone
    report = compliance_report(2026, now=due + timedelta(days=3))
    record = next(r for r in report.agendas if r.meeting_id == meeting.id)
    assert record.state.value == "late" and 1.9 < record.days_late < 2.1
