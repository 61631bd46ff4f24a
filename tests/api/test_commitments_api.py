"""Commitments, indicators, contributions and the joint work plan through the API: public
reads without a token, writes with one and only in its account's scope, every refusal a
problem document naming the field, and nothing written by a refused request."""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa

from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.mail.kinds import MailKind
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import AuditEntry, Contact, OutboxMessage
from coordinator.outcomes.commitments import Responsible, create_commitment
from coordinator.outcomes.contributions import submit_contribution
from coordinator.outcomes.indicators import IndicatorSpec
from coordinator.outcomes.models import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Contribution,
    ContributionState,
    Indicator,
    Measurement,
    WorkPlan,
)
from coordinator.unit import Actor
from tests.api.conftest import NOW, bearer

API = "/api/v1"
GT_COMMITMENT = {"text": "Abrir tres albergues en la frontera sur", "country": "GT",
                 "pillar": "I", "start_on": "2026-01-01", "target_on": "2027-12-31",
                 "written_in": "es"}
SHELTERS = {"kind": "quantitative", "name": "Plazas de albergue ocupadas", "unit": "percent",
            "baseline": 20, "baseline_on": "2026-01-01", "target": 80,
            "direction": "increase"}


def _commitment(text: str = "Ampliar la atención a personas refugiadas") -> Commitment:
    return create_commitment(text=text, responsible=Responsible("GT"), pillar="I",
                             start_on=date(2026, 1, 1), target_on=date(2027, 12, 31),
                             now=NOW, actor=Actor.cli(), written_in="es")


def _fields(answer) -> list[str]:  # type: ignore[no-untyped-def]
    assert answer.mimetype == "application/problem+json", answer.data
    return [e["field"] for e in answer.get_json()["errors"]]


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_commitment_is_recorded_read_corrected_updated_and_moved(world, client,
                                                                   frozen) -> None:
    gt = bearer(world.guatemala)
    made = client.post(f"{API}/commitments", json=GT_COMMITMENT, headers=gt)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["country"], body["pillar"], body["status"]) == ("GT", "I", "planned")
    commitment_id = body["id"]
    assert db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "commitment.create", AuditEntry.entity_id == commitment_id))

    def listed(**query: str) -> list[int]:
        answer = client.get(f"{API}/commitments", query_string=query)
        assert answer.status_code == 200
        return [c["id"] for c in answer.get_json()["items"]]

    assert listed(country="GT") == [commitment_id]
    assert listed(country="MX") == [] and listed(pillar="II") == []
    assert listed(status="planned") == [commitment_id] and listed(status="dropped") == []
    assert client.get(f"{API}/commitments?status=lost").status_code == 422

    patched = client.patch(f"{API}/commitments/{commitment_id}",
                           json={"text": "Abrir cuatro albergues", "target_on": "2028-06-30"},
                           headers=gt)
    assert patched.status_code == 200, patched.get_json()
    refused = client.patch(f"{API}/commitments/{commitment_id}",
                           json={"target_on": "2025-12-31"}, headers=gt)
    assert refused.status_code == 422 and _fields(refused) == ["target_on"]
    db.session.expire_all()
    stored = db.session.get(Commitment, commitment_id)
    assert (stored.text, stored.target_on) == ("Abrir cuatro albergues", date(2028, 6, 30))

    update = {"text": "Se abrió el primer albergue", "dated": "2026-11-01",
              "source_url": "https://example.org/informe.pdf"}
    added = client.post(f"{API}/commitments/{commitment_id}/updates", json=update, headers=gt)
    assert added.status_code == 201 and added.get_json()["dated"] == "2026-11-01"
    future = client.post(f"{API}/commitments/{commitment_id}/updates",
                         json={**update, "dated": "2026-12-01"}, headers=gt)
    assert future.status_code == 422 and _fields(future) == ["dated"]

    status = f"{API}/commitments/{commitment_id}/status"
    assert client.post(status, json={"status": "in-progress"}, headers=gt).status_code == 200
    assert client.post(status, json={"status": "in-progress"}, headers=gt).status_code == 409
    no_reason = client.post(status, json={"status": "dropped"}, headers=gt)
    assert no_reason.status_code == 422 and _fields(no_reason) == ["reason"]
    db.session.expire_all()
    assert db.session.get(Commitment, commitment_id).status == CommitmentStatus.IN_PROGRESS
    dropped = client.post(status, json={"status": "dropped", "reason": "Sin presupuesto"},
                          headers=gt)
    assert dropped.status_code == 200 and dropped.get_json()["reason"] == "Sin presupuesto"

    record = client.get(f"{API}/commitments/{commitment_id}").get_json()  # no token: public
    assert record["text"] == "Abrir cuatro albergues" and record["status"] == "dropped"
    assert [e["status"] for e in record["timeline"]] == ["dropped", "in-progress", None]
    assert record["timeline"][0]["text"] == "Sin presupuesto"  # the reason, said publicly
    assert record["timeline"][2]["source_url"] == "https://example.org/informe.pdf"
    assert record["indicators"] == [] and record["plans"] == []
    assert client.get(f"{API}/commitments/999999").status_code == 404


def test_indicators_refuse_wrong_units_future_dates_and_contradictory_targets(
        world, client, frozen) -> None:
    gt = bearer(world.guatemala)
    commitment = _commitment()
    add = f"{API}/commitments/{commitment.id}/indicators"
    for wrong, field in (({"target": 150}, "target"),  # a percentage lies within 0..100
                         ({"baseline": 90}, "target"),  # rising, yet the target is below
                         ({"baseline_on": "2026-12-01"}, "baseline_on"),  # the future
                         ({"unit": "parsecs"}, "unit"),
                         ({"baseline": True}, "baseline")):  # a number, not true
        refused = client.post(add, json={**SHELTERS, **wrong}, headers=gt)
        assert refused.status_code == 422 and _fields(refused) == [field], (wrong, refused.data)
    assert _count(Indicator) == 0

    made = client.post(add, json=SHELTERS, headers=gt)
    assert made.status_code == 201, made.get_json()
    indicator_id = made.get_json()["id"]
    measure = f"{API}/indicators/{indicator_id}/measurements"
    value = {"dated": "2026-10-01", "value": 50, "source": "Registro del ministerio"}
    for wrong, field in (({"value": 150}, "value"), ({"dated": "2026-12-01"}, "dated"),
                         ({"dated": "2025-12-31"}, "dated"),  # before the baseline
                         ({"value": "50"}, "value")):
        refused = client.post(measure, json={**value, **wrong}, headers=gt)
        assert refused.status_code == 422 and _fields(refused) == [field], (wrong, refused.data)
    assert _count(Measurement) == 0
    assert client.post(measure, json=value, headers=gt).status_code == 201

    measured = client.get(measure).get_json()  # public
    assert [(m["dated"], m["value"]) for m in measured["items"]] == [("2026-10-01", 50.0)]
    (listed,) = client.get(f"{API}/indicators?commitment={commitment.id}").get_json()["items"]
    assert listed["progress"] == 0.5 and listed["unit"] == "percent"
    assert client.get(f"{API}/indicators/{indicator_id}").get_json()["progress"] == 0.5

    quality = client.post(add, json={"kind": "qualitative", "name": "Trato digno"},
                          headers=gt)
    assert quality.status_code == 201
    rated = f"{API}/indicators/{quality.get_json()['id']}"
    assert client.post(f"{rated}/assessments", headers=gt, json={
        "dated": "2026-11-20", "rating": "on-track",
        "narrative": "Visitas sin quejas"}).status_code == 201
    not_measured = client.post(f"{rated}/measurements", json=value, headers=gt)
    assert not_measured.status_code == 422 and _fields(not_measured) == ["indicator"]
    record = client.get(f"{API}/commitments/{commitment.id}").get_json()
    assert [(i["progress"], i["rating"]) for i in record["indicators"]] == [
        (0.5, None), (None, "on-track")]
    assert record["indicators"][1]["assessments"][0]["narrative"] == "Visitas sin quejas"


def test_writes_outside_the_tokens_scope_or_without_a_token_write_nothing(
        world, client, frozen) -> None:
    commitment = _commitment()
    indicator = client.post(f"{API}/commitments/{commitment.id}/indicators", json=SHELTERS,
                            headers=bearer(world.guatemala)).get_json()["id"]
    writes = [
        ("POST", "/commitments", GT_COMMITMENT),
        ("PATCH", f"/commitments/{commitment.id}", {"text": "Otro"}),
        ("POST", f"/commitments/{commitment.id}/updates",
         {"text": "x", "dated": "2026-11-01"}),
        ("POST", f"/commitments/{commitment.id}/status", {"status": "achieved"}),
        ("POST", f"/commitments/{commitment.id}/indicators", SHELTERS),
        ("POST", f"/indicators/{indicator}/measurements",
         {"dated": "2026-10-01", "value": 50, "source": "x"}),
    ]

    def footprint() -> tuple[int, ...]:
        db.session.expire_all()
        return (_count(Commitment), _count(CommitmentUpdate), _count(Indicator),
                _count(Measurement), _count(AuditEntry))

    before = footprint()
    for method, path, body in writes:
        outsider = client.open(API + path, method=method, json=body,
                               headers=bearer(world.mexico))
        assert outsider.status_code == 403, (path, outsider.get_json())
        anonymous = client.open(API + path, method=method, json=body)
        assert anonymous.status_code == 401, path
        assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    # Moving it to another country is moving it out of one's own scope: refused too.
    moved = client.patch(f"{API}/commitments/{commitment.id}", json={"country": "MX"},
                         headers=bearer(world.guatemala))
    assert moved.status_code == 422 and _fields(moved) == ["responsible"]
    assert footprint() == before
    assert db.session.get(Commitment, commitment.id).text.startswith("Ampliar")


def test_the_keeper_accepts_and_declines_contributions_and_the_public_sees_the_reasons(
        world, client, frozen) -> None:
    commitment = _commitment()
    ana = db.session.scalar(sa.select(Contact).where(Contact.email == "ana@example.org"))
    proposal = submit_contribution(
        ana, commitment, kind="indicator", form_key="i1", text="Personas atendidas",
        language="es", now=NOW, indicator=IndicatorSpec(
            kind="quantitative", name="Personas atendidas por mes", unit="people",
            baseline=300, baseline_on=date(2026, 3, 1), target=900, direction="increase"))
    evidence = submit_contribution(ana, commitment, kind="evidence", form_key="e1",
                                   text="El albergue dos está cerrado", language="es",
                                   url="https://example.org/foto.jpg", now=NOW)

    assert client.get(f"{API}/contributions").status_code == 401
    assert client.get(f"{API}/contributions",
                      headers=bearer(world.mexico)).get_json()["items"] == []
    inbox = client.get(f"{API}/contributions", headers=bearer(world.guatemala))
    assert inbox.status_code == 200
    waiting = inbox.get_json()["items"]
    assert [(c["id"], c["kind"], c["organisation"]) for c in waiting] == [
        (proposal.id, "indicator", "Red GT"), (evidence.id, "evidence", "Red GT")]
    assert waiting[0]["indicator"]["target"] == 900 and waiting[1]["indicator"] is None
    assert "ana@example.org" not in inbox.get_data(as_text=True)  # never contact details

    gt = bearer(world.guatemala)
    assert client.post(f"{API}/contributions/{proposal.id}/accept", json={},
                       headers=bearer(world.mexico)).status_code == 403
    accepted = client.post(f"{API}/contributions/{proposal.id}/accept",
                           json={"reason": "Útil para el seguimiento"}, headers=gt)
    assert accepted.status_code == 200 and accepted.get_json()["state"] == "accepted"
    assert client.post(f"{API}/contributions/{proposal.id}/accept", json={},
                       headers=gt).status_code == 409
    blank = client.post(f"{API}/contributions/{evidence.id}/decline", json={"reason": " "},
                        headers=gt)
    assert blank.status_code == 422 and _fields(blank) == ["reason"]
    declined = client.post(f"{API}/contributions/{evidence.id}/decline",
                           json={"reason": "Reabrió el 1 de noviembre"}, headers=gt)
    assert declined.status_code == 200

    db.session.expire_all()
    states = dict(db.session.execute(sa.select(Contribution.id, Contribution.state)).all())
    assert states == {proposal.id: ContributionState.ACCEPTED,
                      evidence.id: ContributionState.DECLINED}
    made = db.session.get(Indicator, accepted.get_json()["indicator_id"])
    assert made.proposed_by_id == world.organisation_id and made.target == 900
    assert _count(OutboxMessage) == db.session.scalar(sa.select(sa.func.count()).where(
        OutboxMessage.kind == MailKind.CONTRIBUTION_DECISION)) == 2

    public = client.get(f"{API}/commitments/{commitment.id}")
    record = public.get_json()
    assert [(c["state"], c["reason"]) for c in record["contributions"]] == [
        ("accepted", "Útil para el seguimiento"), ("declined", "Reabrió el 1 de noviembre")]
    assert record["indicators"][0]["proposed_by"] == "Red GT"
    assert "ana@example.org" not in public.get_data(as_text=True)
    assert client.get(f"{API}/contributions", headers=gt).get_json()["items"] == []


def test_the_secretariat_drafts_publishes_and_revises_the_joint_work_plan(
        world, client, frozen) -> None:
    series = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=date(2027, 3, 10), start_time=time(9),
        zone="America/Panama", duration_minutes=480, held_by=date(2027, 3, 31),
        location="Panamá"), now=NOW, actor=Actor.cli())
    meeting = series.meetings[0]
    one, two = _commitment("Uno"), _commitment("Dos")
    sec, gt = bearer(world.secretariat), bearer(world.guatemala)
    public = f"{API}/meetings/{meeting.id}/work-plan"
    assert client.get(public).status_code == 404

    assert client.post(public, json={"title": "Plan"}, headers=gt).status_code == 403
    national = client.post(f"{API}/meetings/{world.meeting_id}/work-plan",
                           json={"title": "Plan"}, headers=sec)
    assert national.status_code == 422 and _fields(national) == ["meeting_id"]
    draft = client.post(public, json={"title": "Plan de trabajo conjunto 2027",
                                      "commitments": [one.id, two.id]}, headers=sec)
    assert draft.status_code == 201 and draft.get_json()["state"] == "draft"
    plan = f"{API}/work-plans/{draft.get_json()['id']}"
    assert client.get(public).status_code == 404  # a draft is not the agreed plan
    assert client.patch(plan, json={"commitments": [two.id, one.id]}, headers=gt
                        ).status_code == 403
    assert client.patch(plan, json={"commitments": [two.id, one.id]}, headers=sec
                        ).status_code == 200
    assert client.post(f"{plan}/publish", json={}, headers=sec).status_code == 409

    frozen.move_to(meeting.start_at + timedelta(hours=8))
    published = client.post(f"{plan}/publish", json={}, headers=sec)
    assert published.status_code == 200 and published.get_json()["state"] == "published"
    agreed = client.get(public).get_json()
    assert [c["id"] for c in agreed["commitments"]] == [two.id, one.id]
    assert client.patch(plan, json={"title": "Otro"}, headers=sec).status_code == 409
    db.session.expire_all()
    assert db.session.get(Commitment, one.id).made_at_id == meeting.id

    revised = client.post(f"{plan}/revise", headers=sec)
    assert revised.status_code == 201 and revised.get_json()["version"] == 2
    second = f"{API}/work-plans/{revised.get_json()['id']}"
    unsaid = client.post(f"{second}/publish", json={}, headers=sec)
    assert unsaid.status_code == 422 and _fields(unsaid) == ["what_changed"]
    assert client.post(f"{second}/publish", json={"what_changed": "Orden nuevo"},
                       headers=sec).status_code == 200
    assert client.get(public).get_json()["version"] == 2
    assert _count(WorkPlan) == 2
    plans = client.get(f"{API}/commitments/{one.id}").get_json()["plans"]
    assert [p["version"] for p in plans] == [2]
