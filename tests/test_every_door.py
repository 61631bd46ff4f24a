"""One operation, three doors: the JSON API, the workspace and the command line call the
same service, so the same bad input gets the same refusal from each, in the same words:
422 with the field in a problem document, a 422 page with the error beside the field,
exit status 2 with the message."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from coordinator.accounts.api_tokens import create_token
from coordinator.cadence.kinds import SeriesKind
from coordinator.cli import main
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import Participant, Role, Suggestion, SuggestionState
from coordinator.unit import Actor
from tests.support.organisations import approved_contact
from tests.web.people import csrf_of, log_in, make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@dataclass
class Place:
    series_id: int
    organisation_id: int
    topic_id: int  # a pending suggestion
    other_topic_id: int  # another, for the same meeting
    token: str  # the Guatemalan coordinator's, whose scope this is


@dataclass(frozen=True)
class BadInput:
    """The same mistake as each door takes it, and the refusal every door must give."""

    field: str
    message: str
    api: Callable[[Place], tuple[str, dict]]  # path, JSON body
    workspace: Callable[[Place], tuple[str, dict]]  # path, form
    beside: Callable[[Place], str]  # the id of the error shown beside the field
    cli: Callable[[Place], list[str]]


CASES = {
    # The workspace offered only the roles a kind has; the API took any (201).
    "representative-on-a-national-series": BadInput(
        "role", "This role does not exist for this kind of meeting.",
        api=lambda p: (f"/api/v1/series/{p.series_id}/participants",
                       {"organisation_id": p.organisation_id, "role": "representative"}),
        workspace=lambda p: (f"/workspace/series/{p.series_id}/participants",
                             {"organisation": str(p.organisation_id),
                              "role": "representative"}),
        beside=lambda p: "e-role",
        cli=lambda p: ["series", "invite", str(p.series_id), "--organisation",
                       str(p.organisation_id), "--role", "representative"]),
    "merge-without-a-target": BadInput(
        "into", "Choose the suggestion to join it with.",
        api=lambda p: (f"/api/v1/suggestions/{p.topic_id}/decision", {"decision": "merge"}),
        workspace=lambda p: (f"/workspace/suggestions/{p.topic_id}/decide",
                             {"decision": "merge"}),
        beside=lambda p: f"e-into-{p.topic_id}",
        cli=lambda p: ["suggestions", "decide", str(p.topic_id), "merge"]),
    "decline-without-a-reason": BadInput(
        "reason", "Say why the topic is declined: the reason is sent and published.",
        api=lambda p: (f"/api/v1/suggestions/{p.topic_id}/decision",
                       {"decision": "decline", "reason": "   "}),
        workspace=lambda p: (f"/workspace/suggestions/{p.topic_id}/decide",
                             {"decision": "decline", "reason": "   "}),
        beside=lambda p: f"e-reason-{p.topic_id}",
        cli=lambda p: ["suggestions", "decide", str(p.topic_id), "decline", "--reason", "  "]),
}


@pytest.fixture
def place(seeded, frozen) -> Place:  # type: ignore[no-untyped-def]
    series = schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="GT",
                                         first_date=date(2026, 12, 15), start_time=time(10),
                                         zone="America/Guatemala"), now=NOW, actor=Actor.cli())
    contact = approved_contact("Red GT", "Ana", "ana@example.org")
    topics = [Suggestion(meeting_id=series.meetings[0].id, contact=contact, form_key=str(n),
                         title=title, language="es", created_at=NOW, updated_at=NOW)
              for n, title in enumerate(("Acceso a salud", "Salud y acceso"))]
    db.session.add_all(topics)
    db.session.commit()
    account = make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    token = create_token(account.id, "tests", now=NOW, actor=Actor.cli())
    return Place(series.id, contact.organisation_id, topics[0].id, topics[1].id, token)


def _nothing_changed(place: Place) -> None:
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Participant.id))) == 0
    states = db.session.scalars(select(Suggestion.state)).all()
    assert states == [SuggestionState.SUBMITTED] * 2


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_the_same_bad_input_gets_the_same_refusal_from_every_door(
        seeded, place: Place, case: BadInput) -> None:
    api = seeded.test_client()
    path, body = case.api(place)
    answer = api.post(path, json=body, headers={"Authorization": f"Bearer {place.token}"})
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    assert {"field": case.field, "message": case.message} in answer.get_json()["errors"]
    _nothing_changed(place)

    browser = seeded.test_client()
    log_in(browser, "gt@example.org")
    path, form = case.workspace(place)
    page = browser.post(path, data={**form, "csrf_token": csrf_of(browser, "/workspace/")})
    assert page.status_code == 422
    # The error stands beside the refused field (of that form), not only atop the page.
    beside = re.search(rf'<p class="error" id="{case.beside(place)}">([^<]*)</p>',
                       page.get_data(as_text=True))
    assert beside is not None and html.unescape(beside.group(1)) == case.message
    _nothing_changed(place)

    command = seeded.test_cli_runner().invoke(main, case.cli(place))
    assert command.exit_code == 2, command.output
    assert f"{case.field}: {case.message}" in command.output
    assert "Traceback" not in command.output
    _nothing_changed(place)


def test_a_decision_reaches_the_same_service_from_every_door(seeded, place: Place) -> None:
    """The good input goes through too: a merge with its target, by each door in turn."""
    third = Suggestion(meeting_id=db.session.get(Suggestion, place.topic_id).meeting_id,
                       contact_id=db.session.get(Suggestion, place.topic_id).contact_id,
                       form_key="3", title="Salud, otra vez", language="es", created_at=NOW,
                       updated_at=NOW)
    db.session.add(third)
    db.session.commit()
    api = seeded.test_client()
    assert api.post(f"/api/v1/suggestions/{place.topic_id}/decision",
                    json={"decision": "merge", "into": place.other_topic_id},
                    headers={"Authorization": f"Bearer {place.token}"}).status_code == 200
    browser = seeded.test_client()
    log_in(browser, "gt@example.org")
    assert browser.post(f"/workspace/suggestions/{third.id}/decide",
                        data={"decision": "defer", "reason": "Mejor en marzo",
                              "csrf_token": csrf_of(browser, "/workspace/")}).status_code == 302
    command = seeded.test_cli_runner().invoke(
        main, ["suggestions", "decide", str(place.other_topic_id), "decline", "--reason",
               "Fuera del mandato"])
    assert command.exit_code == 0, command.output
    db.session.expire_all()
    decided = {s.id: (s.state, s.merged_into_id, s.reason)
               for s in db.session.scalars(select(Suggestion))}
    assert decided[place.topic_id] == (SuggestionState.MERGED, place.other_topic_id, None)
    assert decided[third.id] == (SuggestionState.DEFERRED, None, "Mejor en marzo")
    assert decided[place.other_topic_id] == (SuggestionState.DECLINED, None,
                                             "Fuera del mandato")
