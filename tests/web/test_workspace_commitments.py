"""The workspace's commitments: a coordinator keeps their own country's (a commitment for
another country is refused beside the field, nothing written), puts updates, statuses,
indicators, measurements and assessments on them, decides on civil society's
contributions, and the secretariat publishes a regional meeting's joint work plan."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import Contact, Role
from coordinator.outcomes.commitments import Responsible, create_commitment
from coordinator.outcomes.contributions import submit_contribution
from coordinator.outcomes.indicators import IndicatorSpec
from coordinator.outcomes.models import (
    Assessment,
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Contribution,
    ContributionState,
    Indicator,
    Measurement,
    PlanState,
    WorkPlan,
)
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import make_world
from tests.web.people import csrf_of, log_in, make_account


@pytest.fixture
def people(seeded, frozen):  # type: ignore[no-untyped-def]
    """Guatemala's and Mexico's special coordinators and the secretariat, each logged in,
    and an approved organisation whose contacts may contribute."""
    world = make_world(NOW)
    make_account(Role.SPECIAL_COORDINATOR, email="gt@example.org", country="GT")
    make_account(Role.SPECIAL_COORDINATOR, email="mx@example.org", country="MX")
    make_account(Role.SECRETARIAT, email="sec@example.org")
    clients = {}
    for name in ("gt", "mx", "sec"):
        clients[name] = seeded.test_client()
        log_in(clients[name], f"{name}@example.org")
    clients["world"] = world
    return clients


def _post(client, path: str, data: dict[str, str | list[str]]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf_of(client, "/workspace/")})


def _commitment(country: str = "GT", text: str = "Abrir tres albergues") -> Commitment:
    return create_commitment(text=text, responsible=Responsible(country), pillar="I",
                             start_on=date(2026, 1, 1), target_on=date(2027, 12, 31),
                             written_in="es", now=NOW, actor=Actor.cli())


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _fresh(model: type, ident: int):  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.get(model, ident)


NEW = {"text": "Ampliar la atención a personas refugiadas", "pillar": "I",
       "start_on": "2026-01-01", "target_on": "2027-06-30", "written_in": "es"}


def test_a_coordinator_makes_commitments_for_their_country_and_not_for_another(
        people) -> None:
    gt = people["gt"]
    page = gt.get("/workspace/commitments").get_data(as_text=True)
    assert 'value="country:GT"' in page and 'value="country:MX"' not in page

    made = _post(gt, "/workspace/commitments", {**NEW, "responsible": "country:GT"})
    assert made.status_code == 302
    (commitment,) = db.session.scalars(select(Commitment)).all()
    assert commitment.country.iso == "GT" and commitment.target_on == date(2027, 6, 30)

    refused = _post(gt, "/workspace/commitments", {**NEW, "responsible": "country:MX",
                                                  "text": "Otro texto tecleado"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'id="e-responsible"' in body
    assert "This commitment is outside what you coordinate." in body
    assert "Otro texto tecleado" in body  # nothing typed is lost
    assert _count(Commitment) == 1  # nothing written

    # Mexico's coordinator neither lists it nor opens it.
    assert NEW["text"] not in people["mx"].get("/workspace/commitments").get_data(as_text=True)
    assert people["mx"].get(f"/workspace/commitments/{commitment.id}").status_code == 403
    assert _post(people["mx"], f"/workspace/commitments/{commitment.id}/status",
                 {"status": "achieved"}).status_code == 403
    assert _fresh(Commitment, commitment.id).status == CommitmentStatus.PLANNED
    # The secretariat keeps them all.
    assert NEW["text"] in people["sec"].get("/workspace/commitments?country=GT").get_data(
        as_text=True)


def test_a_commitment_gets_updates_a_status_indicators_and_measurements(people) -> None:
    gt = people["gt"]
    commitment = _commitment()
    base = f"/workspace/commitments/{commitment.id}"
    page = gt.get(base).get_data(as_text=True)
    assert f'href="/commitments/{commitment.id}"' in page  # the public page

    future = _post(gt, f"{base}/updates", {"text": "Abierto", "dated": "2026-12-24"})
    assert future.status_code == 422 and 'id="u-e-dated"' in future.get_data(as_text=True)
    added = _post(gt, f"{base}/updates", {"text": "Primer albergue abierto",
                                          "dated": "2026-11-02",
                                          "source_text": "Informe de la Cancillería"})
    assert added.status_code == 302
    (update,) = db.session.scalars(select(CommitmentUpdate)).all()
    assert (update.text, update.source_text) == ("Primer albergue abierto",
                                                 "Informe de la Cancillería")

    dropped = _post(gt, f"{base}/status", {"status": "dropped"})
    assert dropped.status_code == 422 and 'id="s-e-reason"' in dropped.get_data(as_text=True)
    assert _fresh(Commitment, commitment.id).status == CommitmentStatus.PLANNED
    moved = _post(gt, f"{base}/status", {"status": "in-progress"})
    assert moved.status_code == 302
    assert _fresh(Commitment, commitment.id).status == CommitmentStatus.IN_PROGRESS

    indicator = {"kind": "quantitative", "name": "Personas albergadas", "unit": "people",
                 "baseline": "100", "baseline_on": "2026-01-01", "target": "50",
                 "direction": "increase"}
    below = _post(gt, f"{base}/indicators", indicator)
    assert below.status_code == 422
    body = below.get_data(as_text=True)
    assert 'id="i-e-target"' in body and 'value="Personas albergadas"' in body
    assert _count(Indicator) == 0
    assert _post(gt, f"{base}/indicators", {**indicator, "target": "500"}).status_code == 302
    assert _post(gt, f"{base}/indicators", {"kind": "qualitative",
                                            "name": "Calidad de la atención"}
                 ).status_code == 302
    counted, rated = db.session.scalars(select(Indicator).order_by(Indicator.id)).all()
    assert (counted.target, rated.unit) == (500, None)

    measured = _post(gt, f"{base}/indicators/{counted.id}/measurements",
                     {"dated": "2026-10-01", "value": "250", "source": "Registro ACNUR"})
    assert measured.status_code == 302
    (measurement,) = db.session.scalars(select(Measurement)).all()
    assert (measurement.value, measurement.dated) == (250, date(2026, 10, 1))
    wrong = _post(gt, f"{base}/indicators/{rated.id}/measurements",
                  {"dated": "2026-10-01", "value": "3", "source": "x"})
    assert wrong.status_code == 422 and _count(Measurement) == 1
    nan = _post(gt, f"{base}/indicators/{counted.id}/measurements",
                {"dated": "2026-10-01", "value": "many", "source": "x"})
    assert nan.status_code == 422 and f'id="m{counted.id}-e-value"' in nan.get_data(
        as_text=True)
    assessed = _post(gt, f"{base}/indicators/{rated.id}/assessments",
                     {"dated": "2026-11-01", "rating": "on-track",
                      "narrative": "Atención en tres idiomas"})
    assert assessed.status_code == 302
    (assessment,) = db.session.scalars(select(Assessment)).all()
    assert assessment.rating.value == "on-track"

    page = gt.get(base).get_data(as_text=True)
    assert "Registro ACNUR" in page and "Atención en tres idiomas" in page
    assert "38%" in page  # 250 on the way from 100 to 500
    # An indicator is reached only through its own commitment.
    other = _commitment(text="Otro compromiso")
    assert _post(gt, f"/workspace/commitments/{other.id}/indicators/{counted.id}/measurements",
                 {"dated": "2026-10-01", "value": "3", "source": "x"}).status_code == 404


def test_contributions_are_accepted_or_declined_with_a_public_reason(people) -> None:
    gt = people["gt"]
    commitment = _commitment()
    ana, wilner = (db.session.scalar(select(Contact).where(Contact.email == address))
                   for address in ("ana@cso.example", "wilner@cso.example"))
    evidence = submit_contribution(ana, commitment, kind="evidence", form_key="f1",
                                   text="Vimos el albergue cerrado", language="es", now=NOW,
                                   url="https://example.org/foto")
    proposal = submit_contribution(
        wilner, commitment, kind="indicator", form_key="f2", text="Pou swiv sèvis yo",
        language="ht", now=NOW,
        indicator=IndicatorSpec(kind="quantitative", name="Moun ki resevwa sèvis",
                                unit="people", baseline=300, baseline_on=date(2026, 3, 1),
                                target=900, direction="increase"))

    page = gt.get("/workspace/contributions").get_data(as_text=True)
    assert "Vimos el albergue cerrado" in page and "Moun ki resevwa sèvis" in page
    assert "Red de Acogida" in page
    assert "Vimos el albergue" not in people["mx"].get("/workspace/contributions").get_data(
        as_text=True)
    assert _post(people["mx"], f"/workspace/contributions/{evidence.id}/accept",
                 {}).status_code == 403

    unexplained = _post(gt, f"/workspace/contributions/{evidence.id}/decline", {"reason": ""})
    assert unexplained.status_code == 422
    assert f'id="n{evidence.id}-e-reason"' in unexplained.get_data(as_text=True)
    assert _fresh(Contribution, evidence.id).state == ContributionState.WAITING

    accepted = _post(gt, f"/workspace/contributions/{proposal.id}/accept",
                     {"reason": "Buena propuesta", "written_in": "es"})
    assert accepted.status_code == 302
    decided = _fresh(Contribution, proposal.id)
    assert decided.state == ContributionState.ACCEPTED and decided.reason == "Buena propuesta"
    (indicator,) = db.session.scalars(select(Indicator)).all()
    assert indicator.proposed_by_id == people["world"].organisation.id

    declined = _post(gt, f"/workspace/contributions/{evidence.id}/decline",
                     {"reason": "La foto es de otro lugar"})
    assert declined.status_code == 302
    decided = _fresh(Contribution, evidence.id)
    assert (decided.state, decided.reason) == (ContributionState.DECLINED,
                                               "La foto es de otro lugar")
    assert "Vimos el albergue" not in gt.get("/workspace/contributions").get_data(as_text=True)
    again = _post(gt, f"/workspace/contributions/{evidence.id}/accept", {})
    assert again.status_code == 409  # decided once


def test_the_secretariat_drafts_and_publishes_the_joint_work_plan(people, frozen) -> None:
    sec = people["sec"]
    meeting = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=date(2027, 3, 10), start_time=time(9),
        zone="America/Panama", duration_minutes=480, held_by=date(2027, 3, 31),
        location="Panamá", holiday_country="PA"), now=NOW, actor=Actor.cli()).meetings[0]
    first, second = _commitment(text="Primero"), _commitment("MX", text="Segundo")
    page = f"/workspace/meetings/{meeting.id}/work-plan"
    assert page in sec.get("/workspace/commitments").get_data(as_text=True)
    assert "Start the joint work plan" in sec.get(page).get_data(as_text=True)
    # A national coordinator does not keep the regional plan.
    assert people["gt"].get(page).status_code == 403

    bad = _post(sec, page, {"title": "Plan conjunto", "commitment": [str(first.id)],
                            f"position-{first.id}": "primero"})
    assert bad.status_code == 422 and 'id="w-e-commitments"' in bad.get_data(as_text=True)
    assert _count(WorkPlan) == 0
    made = _post(sec, page, {"title": "Plan conjunto 2027",
                             "commitment": [str(first.id), str(second.id)],
                             f"position-{first.id}": "2", f"position-{second.id}": "1"})
    assert made.status_code == 302
    (plan,) = db.session.scalars(select(WorkPlan)).all()
    assert [e.commitment_id for e in plan.entries] == [second.id, first.id]
    assert _post(sec, f"{page}/publish", {}).status_code == 409  # not held yet

    frozen.move_to(meeting.start_at + timedelta(hours=9))
    log_in(sec, "sec@example.org")  # months later: the session has ended
    assert _post(sec, f"{page}/publish", {}).status_code == 302
    assert _fresh(WorkPlan, plan.id).state == PlanState.PUBLISHED
    assert "Draft a new version" in sec.get(page).get_data(as_text=True)

    assert _post(sec, f"{page}/revise", {}).status_code == 302
    edited = _post(sec, f"{page}/edit", {"title": "Plan conjunto 2027",
                                         "commitment": [str(first.id)]})
    assert edited.status_code == 302
    unexplained = _post(sec, f"{page}/publish", {})
    assert unexplained.status_code == 422
    assert 'id="p-e-what_changed"' in unexplained.get_data(as_text=True)
    assert _post(sec, f"{page}/publish",
                 {"what_changed": "Se retira el compromiso de México"}).status_code == 302
    db.session.expire_all()
    versions = db.session.scalars(select(WorkPlan).order_by(WorkPlan.version)).all()
    assert [(v.version, v.state) for v in versions] == [(1, PlanState.SUPERSEDED),
                                                        (2, PlanState.PUBLISHED)]
    assert [c.id for c in versions[1].commitments] == [first.id]
    assert "Se retira el compromiso de México" in sec.get(page).get_data(as_text=True)
