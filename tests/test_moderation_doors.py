"""Operations that had no door: a proposal under consideration, a proposal put on a chosen
briefing's agenda, outcomes held until announced. Each through the workspace, the API
and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from coordinator.accounts.api_tokens import create_token
from coordinator.cadence.kinds import SeriesKind
from coordinator.cli import main
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    AgendaItem,
    Committee,
    Contact,
    Meeting,
    OutboxMessage,
    Proposal,
    ProposalState,
    Role,
    Suggestion,
    SuggestionState,
)
from coordinator.unit import Actor
from tests.support.organisations import approved_contact
from tests.web.people import csrf_of, log_in, make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@dataclass
class Desk:
    committee_id: int
    briefings: list[int]  # the committee's meetings ahead, soonest first
    national_meeting: int  # a meeting of another kind, elsewhere
    proposals: list[int]
    token: str  # the committee coordinator's


@pytest.fixture
def desk(seeded, frozen) -> Desk:  # type: ignore[no-untyped-def]
    committee = db.session.scalar(select(Committee).where(Committee.slug == "labor-mobility"))
    briefings = schedule_series(SeriesInput(
        kind=SeriesKind.COMMITTEE, committee=committee.slug, first_date=date(2027, 2, 24),
        start_time=time(10), zone="America/Mexico_City"), now=NOW, actor=Actor.cli())
    national = schedule_series(SeriesInput(
        kind=SeriesKind.NATIONAL, country="GT", first_date=date(2026, 12, 15),
        start_time=time(10), zone="America/Guatemala"), now=NOW, actor=Actor.cli())
    contact = approved_contact("Red Migrante", "Rosa", "rosa@example.org",
                               zone="America/Mexico_City")
    proposals = [Proposal(committee=committee, contact=contact, form_key=str(n),
                          title=f"Propuesta {n}", body="Visas de trabajo temporal.",
                          language="es", created_at=NOW, updated_at=NOW) for n in range(3)]
    db.session.add_all(proposals)
    db.session.commit()
    account = make_account(Role.COMMITTEE_COORDINATOR, email="lm@example.org",
                           committee="labor-mobility")
    return Desk(committee.id, [m.id for m in briefings.meetings[:2]],
                national.meetings[0].id, [p.id for p in proposals],
                create_token(account.id, "tests", now=NOW, actor=Actor.cli()))


def _bearer(desk: Desk) -> dict[str, str]:
    return {"Authorization": f"Bearer {desk.token}"}


def _workspace(seeded):  # type: ignore[no-untyped-def]
    client = seeded.test_client()
    log_in(client, "lm@example.org")
    return client


def _post(client, path: str, **form: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={**form, "csrf_token": csrf_of(client, "/workspace/")})


def _cli(seeded, *args: str):  # type: ignore[no-untyped-def]
    return seeded.test_cli_runner().invoke(main, list(args))


def _proposal(proposal_id: int) -> Proposal:
    db.session.expire_all()
    found = db.session.get(Proposal, proposal_id)
    assert found is not None
    return found


def test_a_proposal_goes_under_consideration_from_every_door(seeded, desk: Desk) -> None:
    client = _workspace(seeded)
    page = client.get("/workspace/proposals").get_data(as_text=True)
    assert all(f"Propuesta {n}" in page for n in range(3))
    assert _post(client, f"/workspace/proposals/{desk.proposals[0]}/consider").status_code == 302
    answer = client.post(f"/api/v1/proposals/{desk.proposals[1]}/consideration",
                         headers=_bearer(desk))
    assert answer.status_code == 200 and answer.get_json()["state"] == "under-consideration"
    command = _cli(seeded, "proposals", "consider", str(desk.proposals[2]))
    assert command.exit_code == 0, command.output
    assert all(_proposal(p).state == ProposalState.UNDER_CONSIDERATION for p in desk.proposals)
    # Each proposer is told (received is not mailed here: the rows were made directly).
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "proposal-status")) == 3
    listed = _cli(seeded, "proposals", "list", "labor-mobility").output
    assert listed.count("under-consideration") == 3


def test_a_proposal_goes_on_the_briefing_the_coordinator_chooses(seeded, desk: Desk) -> None:
    first, second = desk.briefings
    client = _workspace(seeded)
    assert _post(client, f"/workspace/proposals/{desk.proposals[0]}/agenda",
                 meeting=str(second)).status_code == 302
    answer = client.post(f"/api/v1/proposals/{desk.proposals[1]}/agenda", json={},
                         headers=_bearer(desk))
    assert answer.status_code == 200 and answer.get_json()["meeting_id"] == first
    command = _cli(seeded, "proposals", "agenda", str(desk.proposals[2]), "--meeting",
                   str(second))
    assert command.exit_code == 0, command.output
    placed = [_proposal(p) for p in desk.proposals]
    assert [p.meeting_id for p in placed] == [second, first, second]
    assert all(p.state == ProposalState.ON_AGENDA for p in placed)
    items = db.session.execute(select(AgendaItem.meeting_id, AgendaItem.proposal_id)
                               .order_by(AgendaItem.proposal_id)).all()
    assert [tuple(i) for i in items] == [(second, desk.proposals[0]),
                                         (first, desk.proposals[1]),
                                         (second, desk.proposals[2])]


def test_a_meeting_that_is_not_one_of_the_committees_briefings_is_refused_alike(
        seeded, desk: Desk) -> None:
    message = "Choose one of the committee's briefings ahead."
    target = desk.proposals[0]
    client = _workspace(seeded)
    page = _post(client, f"/workspace/proposals/{target}/agenda",
                 meeting=str(desk.national_meeting))
    assert page.status_code == 422
    assert (f'<p class="error" id="e-meeting-{target}">'
            f'{message.replace(chr(39), "&#39;")}</p>') in page.get_data(as_text=True)
    answer = client.post(f"/api/v1/proposals/{target}/agenda",
                         json={"meeting_id": desk.national_meeting}, headers=_bearer(desk))
    assert answer.status_code == 422
    assert {"field": "meeting", "message": message} in answer.get_json()["errors"]
    command = _cli(seeded, "proposals", "agenda", str(target), "--meeting",
                   str(desk.national_meeting))
    assert command.exit_code == 2 and f"meeting: {message}" in command.output
    assert _proposal(target).state == ProposalState.RECEIVED
    assert db.session.scalar(select(func.count(AgendaItem.id))) == 0


def test_a_proposal_is_answered_from_the_workspace_page(seeded, desk: Desk) -> None:
    client = _workspace(seeded)
    refused = _post(client, f"/workspace/proposals/{desk.proposals[0]}/answer", answer=" ")
    assert refused.status_code == 422 and 'id="e-answer-' in refused.get_data(as_text=True)
    assert _post(client, f"/workspace/proposals/{desk.proposals[0]}/answer",
                 answer="Lo llevamos al Ministerio.").status_code == 302
    assert _proposal(desk.proposals[0]).answer == "Lo llevamos al Ministerio."
    command = _cli(seeded, "proposals", "answer", str(desk.proposals[1]), "--answer",
                   "Gracias: en la próxima sesión.")
    assert command.exit_code == 0, command.output
    assert _proposal(desk.proposals[1]).state == ProposalState.ANSWERED


def test_another_committees_proposals_stay_out_of_reach(seeded, desk: Desk) -> None:
    make_account(Role.COMMITTEE_COORDINATOR, email="other@example.org",
                 committee="investing-in-asylum")
    client = seeded.test_client()
    log_in(client, "other@example.org")
    assert "Propuesta 0" not in client.get("/workspace/proposals").get_data(as_text=True)
    for action in ("consider", "agenda", "answer"):
        assert _post(client, f"/workspace/proposals/{desk.proposals[0]}/{action}",
                     answer="x").status_code == 403
    assert _proposal(desk.proposals[0]).state == ProposalState.RECEIVED


def _topic(meeting_id: int, n: int) -> int:
    contact = db.session.scalars(select(Contact)).first()
    topic = Suggestion(meeting_id=meeting_id, contact=contact, form_key=f"t{n}",
                       title=f"Tema {n}", language="es", created_at=NOW, updated_at=NOW)
    db.session.add(topic)
    db.session.commit()
    return topic.id


def _outcome_mails() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "suggestion-outcome")) or 0


def test_outcomes_are_held_and_released_from_every_door(seeded, desk: Desk) -> None:
    meeting = desk.briefings[0]
    client = _workspace(seeded)
    assert 'name="hold"' in client.get(f"/workspace/meetings/{meeting}").get_data(as_text=True)

    # Workspace: hold. A decision then waits, unmailed.
    assert _post(client, f"/workspace/meetings/{meeting}/outcomes/hold",
                 hold="on").status_code == 302
    assert db.session.get(Meeting, meeting).hold_outcomes is True
    first = _topic(meeting, 1)
    assert _cli(seeded, "suggestions", "decide", str(first), "accept").exit_code == 0
    assert _outcome_mails() == 0
    page = client.get(f"/workspace/meetings/{meeting}").get_data(as_text=True)
    assert "Announce 1 held outcome" in page and "checked" in page.split('name="hold"')[1][:80]

    # API: stop holding; the outcome already held stays held until released.
    answer = client.post(f"/api/v1/meetings/{meeting}/outcomes/hold", json={"hold": False},
                         headers=_bearer(desk))
    assert answer.status_code == 200
    assert answer.get_json() == {"meeting_id": meeting, "hold": False, "held": 1,
                                 "released": 0}
    second = _topic(meeting, 2)
    assert _cli(seeded, "suggestions", "decide", str(second), "decline", "--reason",
                "Fuera del mandato").exit_code == 0
    assert _outcome_mails() == 1  # told at once

    # CLI: hold again; the API releases what is held.
    assert _cli(seeded, "suggestions", "hold", str(meeting)).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Meeting, meeting).hold_outcomes is True
    released = client.post(f"/api/v1/meetings/{meeting}/outcomes/release",
                           headers=_bearer(desk))
    assert released.get_json() == {"meeting_id": meeting, "hold": True, "held": 0,
                                   "released": 1}
    assert _outcome_mails() == 2
    db.session.expire_all()
    assert db.session.get(Suggestion, first).state == SuggestionState.ACCEPTED
    assert _cli(seeded, "suggestions", "hold", str(meeting), "--off").exit_code == 0
    db.session.expire_all()
    assert db.session.get(Meeting, meeting).hold_outcomes is False
