"""A hostile-input corpus against every API write: only 4xx problem documents, and the
database exactly as it was.

The cases are derived from the OpenAPI document itself, field by field, so a new write
endpoint or field is attacked without anyone listing it here: over-long strings, wrong
types, invalid dates and zones, HTML and script and SQL where a strict format is expected,
control characters, unknown fields, plus whole-body attacks (invalid UTF-8, not JSON, the
wrong content type, a body over the size limit).

HTML or SQL inside free text (a title) is valid text, not an attack on the database: it is
stored as typed and escaped on output, which the XSS tests of pages, mails and feeds check.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import time_machine

from tests.api.conftest import NOW, bearer
from tests.web.test_route_guards import _footprint

SCRIPT = "<script>alert(1)</script>"
SQL = "'; DROP TABLE meetings; --"
WRONG_TYPES: list[Any] = [{"$gt": ""}, [1, 2], 3.5]

VALID = {  # a valid body per operation, to attack one field at a time
    "series_create": {"kind": "national", "country": "GT", "first_date": "2027-03-01",
                      "start_time": "10:00", "zone": "America/Guatemala"},
    "move": {"start": "2027-02-12T10:00:00-06:00"},
    "cancel": {"reason": "x"},
    "agenda_add": {"title": "Item"},
    "agenda_replace": {"title": "Item"},
    "record_attendance": {"held": False},
    "agenda_position": {"position": 1},
    "decide": {"decision": "decline", "reason": "no"},
    "answer": {"answer": "Thanks"},
    "participant_add": {"organisation_id": 1},
    "participants_all": {"country": "GT", "dry_run": True},
    "series_rule": {"effective_from": "2027-03-01", "start_time": "10:00",
                    "zone": "America/Guatemala", "preview": True},
    "series_patch": {"coordinator_id": 1},
    "host_country_set": {"country": "GT"},
    "put_on_agenda": {},
    "outcomes_hold": {"hold": True},
    "organisation_patch": {"name": "Red GT"},
    "contact_patch": {"name": "Ana"},
    "translations_save": {"subject": "agenda_item", "subject_id": 1, "field": "title",
                          "texts": {"ht": "Atik"}},
    "minutes_save": {"text": "Minutes", "decisions": ["One"]},
    "minutes_publish": {"what_changed": "A correction"},
    "action_item_add": {"text": "Do", "owner": "country:GT", "due_on": "2027-03-01"},
    "action_item_patch": {"status": "dropped", "reason": "No longer needed"},
    "commitment_create": {"text": "Open shelters", "country": "GT", "pillar": "I",
                          "start_on": "2026-01-01", "target_on": "2027-12-31"},
    "commitment_patch": {"text": "Open four shelters"},
    "commitment_update_add": {"text": "One opened", "dated": "2026-11-01"},
    "commitment_status": {"status": "dropped", "reason": "No budget"},
    # Any finite number is a valid value, so a body whose numbers are attacked must be
    # refused by the service whatever the number: its date is in the future (after NOW).
    "indicator_add": {"kind": "quantitative", "name": "Shelter places", "unit": "percent",
                      "baseline": 20, "baseline_on": "2027-06-01", "target": 80,
                      "direction": "increase"},
    "measurement_add": {"dated": "2027-06-01", "value": 50, "source": "Census"},
    "assessment_add": {"dated": "2026-11-01", "rating": "on-track", "narrative": "Fine"},
    "contribution_accept": {"reason": "Useful"},
    "contribution_decline": {"reason": "Not about this commitment"},
    # The world's meeting is national and its plan is published: a list of ids that
    # exist is still refused (a joint work plan is a regional meeting's; published stays).
    "work_plan_create": {"title": "Plan", "commitments": []},
    "work_plan_patch": {"title": "Plan"},
    "work_plan_publish": {"what_changed": "A correction"},
}


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _variants(doc: dict, schema: dict) -> list[Any]:
    """Values this field must refuse."""
    schema = _resolve(doc, schema)
    options = [_resolve(doc, s) for s in schema.get("anyOf", [schema])]
    kinds = {o.get("type") for o in options}
    values: list[Any] = list(WRONG_TYPES)
    for o in options:
        if o.get("type") == "string":
            if "maxLength" in o:
                values.append("x" * (o["maxLength"] + 1))
            if "pattern" in o or "enum" in o or "format" in o:
                values += [SCRIPT, SQL, "2027-02-30", "Mars/Olympus", "25:99", "\u202e"]
            values.append("bad\x00nul")
        if o.get("type") == "integer":
            values += ["1; DROP TABLE meetings", 2**63, o.get("minimum", 0) - 1,
                       o.get("maximum", 2**40) + 1]
        if o.get("type") == "array":
            values += [["x"] * 1000, "not a list"]
    if "null" not in kinds:
        values.append(None)
    return values


def _cases(doc: dict) -> list[tuple[str, str, str, Any, str]]:
    cases = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if "requestBody" not in op:
                continue
            name = op["operationId"]
            schema = _resolve(doc, op["requestBody"]["content"]["application/json"]["schema"])
            for field, prop in schema.get("properties", {}).items():
                for value in _variants(doc, prop):
                    cases.append((method, path, name, {**VALID[name], field: value},
                                  f"{field}={str(value)[:30]!r}"))
            cases += [
                (method, path, name, {**VALID[name], "unexpected": 1}, "unknown field"),
                (method, path, name, b"\xff\xfe\x00 not utf-8", "invalid UTF-8"),
                (method, path, name, b"{not json", "not JSON"),
                (method, path, name, b"[]", "a list, not an object"),
                (method, path, name, b"x" * (600 * 1024), "over the size limit"),
                (method, path, name, "form", "wrong content type"),
            ]
    return cases


def _url(path: str, world) -> str:  # type: ignore[no-untyped-def]
    ids = {"meeting_id": world.meeting_id, "series_id": world.series_id,
           "organisation_id": world.organisation_id, "item_id": world.item_id,
           "suggestion_id": world.suggestion_id, "proposal_id": world.proposal_id,
           "committee_id": world.committee_id, "participant_id": world.participant_id,
           "contact_id": world.contact_id, "action_item_id": world.action_item_id,
           "commitment_id": world.commitment_id, "indicator_id": world.indicator_id,
           "contribution_id": world.contribution_id, "plan_id": world.plan_id}
    return "/api/v1" + path.format(**ids)


@pytest.fixture
def armed_world(world):  # type: ignore[no-untyped-def]
    """The API world plus one record of each kind a write can target."""
    import sqlalchemy as sa

    from coordinator.agendas.services import add_item
    from coordinator.extensions import db
    from coordinator.models import Committee, Contact, Participant, Proposal, Suggestion
    from coordinator.outcomes.action_items import Owner, add_action_item
    from coordinator.unit import Actor

    contact = db.session.scalar(sa.select(Contact))
    committee = db.session.scalar(sa.select(Committee).order_by(Committee.id))
    world.item_id = add_item(world.meeting_id, now=NOW, actor=Actor.cli(), kind="discussion",
                             title="Item").id
    suggestion = Suggestion(meeting_id=world.meeting_id, contact_id=contact.id, form_key="k",
                            title="Topic", language="es", created_at=NOW, updated_at=NOW)
    proposal = Proposal(committee_id=committee.id, contact_id=contact.id, form_key="p",
                        title="P", body="B", language="es", created_at=NOW, updated_at=NOW)
    participant = Participant(series_id=world.series_id, organisation_id=world.organisation_id,
                              created_at=NOW)
    db.session.add_all([suggestion, proposal, participant])
    db.session.commit()
    world.suggestion_id, world.proposal_id = suggestion.id, proposal.id
    world.committee_id, world.participant_id = committee.id, participant.id
    world.contact_id = contact.id
    world.action_item_id = add_action_item(
        text="Report", owner=Owner(country="GT"), due_on=date(2027, 3, 1),
        meeting_id=world.meeting_id, now=NOW, actor=Actor.cli()).id
    _arm_commitments(world, contact)
    return world


def _arm_commitments(world, contact) -> None:  # type: ignore[no-untyped-def]
    """A commitment of Guatemala with an indicator and a waiting contribution, and a
    regional meeting's published joint work plan."""
    from datetime import time, timedelta

    from coordinator.cadence.kinds import SeriesKind
    from coordinator.meetings.series import SeriesInput, schedule_series
    from coordinator.outcomes import commitments, contributions, indicators
    from coordinator.unit import Actor

    commitment = commitments.create_commitment(
        text="Open shelters", responsible=commitments.Responsible("GT"), pillar="I",
        start_on=date(2026, 1, 1), target_on=date(2027, 12, 31), now=NOW, actor=Actor.cli())
    world.commitment_id = commitment.id
    world.indicator_id = indicators.add_indicator(commitment.id, indicators.IndicatorSpec(
        kind="quantitative", name="Places", unit="number", baseline=10,
        baseline_on=date(2026, 1, 1), target=40, direction="increase"), now=NOW,
        actor=Actor.cli()).id
    world.contribution_id = contributions.submit_contribution(
        contact, commitment, kind="evidence", form_key="c1", text="Evidence",
        language="es", now=NOW).id
    regional = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=date(2027, 3, 10), start_time=time(9),
        zone="America/Panama", held_by=date(2027, 3, 31)), now=NOW,
        actor=Actor.cli()).meetings[0]
    plan = commitments.create_plan(regional.id, title="Plan", commitment_ids=[commitment.id],
                                   now=NOW, actor=Actor.cli())
    world.plan_id = commitments.publish_plan(
        plan.id, now=regional.start_at + timedelta(hours=2), actor=Actor.cli()).id


@time_machine.travel(NOW, tick=False)
def test_every_write_refuses_the_corpus_with_problem_documents(armed_world, client,
                                                               no_rate_limits) -> None:
    doc = client.get("/api/v1/openapi.json").get_json()
    cases = _cases(doc)
    assert len({c[2] for c in cases}) == len(VALID), "a write endpoint has no valid body"
    assert len(cases) > 300
    before = _footprint()
    failures = []
    for method, path, name, body, label in cases:
        headers = bearer(armed_world.secretariat)
        if body == "form":
            answer = client.open(_url(path, armed_world), method=method, headers=headers,
                                 data={"a": "b"})
        elif isinstance(body, bytes):
            answer = client.open(_url(path, armed_world), method=method, data=body,
                                 headers={**headers, "Content-Type": "application/json"})
        else:
            answer = client.open(_url(path, armed_world), method=method, json=body,
                                 headers=headers)
        problem = answer.get_json(silent=True) or {}
        if not (400 <= answer.status_code < 500
                and answer.mimetype == "application/problem+json"
                and problem.get("status") == answer.status_code and problem.get("title")):
            failures.append((name, label, answer.status_code,
                             json.dumps(problem)[:200] or answer.data[:200]))
    assert not failures, failures[:10]
    assert _footprint() == before
