"""The command line keeps commitments, indicators, contributions and the joint work plan:
each command parses, calls the one service and prints; a refusal says its translated
sentence and exits 2 with nothing written."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from sqlalchemy import func, select

from coordinator.cadence.errors import Refusal, Template
from coordinator.cadence.kinds import SeriesKind
from coordinator.cli import main
from coordinator.extensions import db
from coordinator.i18n import translate_refusal
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import Contact, Organisation
from coordinator.outcomes.commitments import Responsible, create_commitment, create_plan
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


def run(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[Template]:
    """The refusal templates the command line asks to translate; answers marked «…»."""
    templates: list[Template] = []

    def translate(template: Template, params: Mapping[str, Any]) -> str:
        templates.append(template)
        return f"«{translate_refusal(template, params)}»"

    monkeypatch.setattr(Refusal, "translator", translate)
    return templates


def _fresh(model: type, ident: int):  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.get(model, ident)


def _count(model: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id))) or 0


def _commitment(text: str = "Abrir tres albergues", **more: Any) -> Commitment:
    return create_commitment(text=text, responsible=more.pop("responsible", Responsible("GT")),
                             pillar=more.pop("pillar", "I"), start_on=date(2026, 1, 1),
                             target_on=date(2027, 12, 31), now=NOW, actor=Actor.cli(), **more)


def test_commitments_are_added_listed_updated_and_moved_through_the_command_line(
        seeded, outcomes) -> None:
    added = run(seeded, "commitments", "add",
                "--text", "Abrir tres albergues en la frontera", "--country", "gt",
                "--start", "2026-01-01", "--target", "2027-06-30", "--pillar", "I",
                "--language", "es")
    assert added.exit_code == 0, added.output
    made = db.session.scalars(select(Commitment)).one()
    assert f"Commitment {made.id} added (pillar I, planned)." in added.output
    assert (made.country.iso, made.written_in, made.target_on) == ("GT", "es",
                                                                  date(2027, 6, 30))
    by_package = run(seeded, "commitments", "add", "--text", "Visas de trabajo",
                     "--committee", "labor-mobility", "--start", "2026-01-01",
                     "--target", "2027-12-31")
    assert by_package.exit_code == 0, by_package.output

    listed = run(seeded, "commitments", "list", "--country", "GT").output.splitlines()
    assert listed == [f"{made.id}\tplanned\t2027-06-30\tcountry:GT\tI\t"
                      "Abrir tres albergues en la frontera"]
    pillar_two = run(seeded, "commitments", "list", "--pillar", "ii").output
    assert "committee:labor-mobility\tII\tVisas de trabajo" in pillar_two
    assert "albergues" not in pillar_two

    update = run(seeded, "commitments", "update", str(made.id), "--text",
                 "Primer albergue abierto en Tecún Umán", "--date", "2026-11-20",
                 "--source-url", "https://gob.example/albergue", "--source-text",
                 "Comunicado oficial")
    assert update.exit_code == 0, update.output
    entry = db.session.scalars(select(CommitmentUpdate)).one()
    assert (entry.dated, entry.source_url, entry.source_text) == (
        date(2026, 11, 20), "https://gob.example/albergue", "Comunicado oficial")

    moved = run(seeded, "commitments", "status", str(made.id), "in-progress",
                "--text", "Obras en curso")
    assert moved.exit_code == 0 and f"Commitment {made.id} is in-progress." in moved.output
    dropped = run(seeded, "commitments", "status", str(made.id), "dropped",
                  "--reason", "Sin presupuesto")
    assert dropped.exit_code == 0, dropped.output
    fresh = _fresh(Commitment, made.id)
    assert (fresh.status, fresh.reason) == (CommitmentStatus.DROPPED, "Sin presupuesto")
    assert run(seeded, "commitments", "list", "--status", "dropped").output.startswith(
        f"{made.id}\tdropped\t")


def test_indicators_are_added_measured_and_rated_through_the_command_line(
        seeded, outcomes) -> None:
    app = seeded
    commitment = _commitment()
    added = run(app, "indicators", "add", str(commitment.id), "--kind", "quantitative",
                "--name", "Plazas en albergues", "--unit", "other", "--unit-label", "plazas",
                "--baseline", "120", "--baseline-date", "2026-01-15", "--target", "450",
                "--direction", "increase")
    assert added.exit_code == 0, added.output
    counted = db.session.scalars(select(Indicator)).one()
    assert (counted.unit_label, counted.baseline, counted.target) == ("plazas", 120, 450)
    measured = run(app, "indicators", "measure", str(counted.id), "--date", "2026-06-30",
                   "--value", "212,5", "--source", "Informe semestral de la Cancillería")
    assert measured.exit_code == 0, measured.output
    assert "212.5 on 2026-06-30" in measured.output
    value = db.session.scalars(select(Measurement)).one()
    assert (value.value, value.source) == (212.5, "Informe semestral de la Cancillería")

    rated = run(app, "indicators", "add", str(commitment.id), "--kind", "qualitative",
                "--name", "Trato digno en los albergues")
    assert rated.exit_code == 0, rated.output
    narrative = db.session.scalars(select(Indicator).where(Indicator.id != counted.id)).one()
    assessed = run(app, "indicators", "assess", str(narrative.id), "--date", "2026-11-01",
                   "--rating", "some-progress", "--narrative", "Visitas de monitoreo",
                   "--language", "es")
    assert assessed.exit_code == 0, assessed.output
    assessment = db.session.scalars(select(Assessment)).one()
    assert (assessment.rating.value, assessment.written_in) == ("some-progress", "es")


def _proposal(outcomes, commitment: Commitment, form_key: str) -> Contribution:  # type: ignore[no-untyped-def]
    contact = db.session.scalar(select(Contact).where(
        Contact.organisation_id == outcomes.world.organisation.id).order_by(Contact.id))
    assert contact is not None
    return submit_contribution(
        contact, commitment, kind="indicator", form_key=form_key,
        text="Para seguir la atención", language="es", now=NOW,
        indicator=IndicatorSpec(kind="quantitative", name="Personas atendidas por mes",
                                unit="people", baseline=300, baseline_on=date(2026, 3, 1),
                                target=900, direction="increase"))


def test_contributions_are_listed_accepted_and_declined_through_the_command_line(
        seeded, outcomes) -> None:
    app = seeded
    commitment = _commitment()
    first, second = _proposal(outcomes, commitment, "a"), _proposal(outcomes, commitment, "b")
    listed = run(app, "contributions", "list").output.splitlines()
    assert [line.split("\t")[:4] for line in listed] == [
        [str(first.id), "indicator", f"commitment {commitment.id}", "Red de Acogida"],
        [str(second.id), "indicator", f"commitment {commitment.id}", "Red de Acogida"]]

    accepted = run(app, "contributions", "accept", str(first.id), "--reason",
                   "Útil para el seguimiento")
    assert accepted.exit_code == 0, accepted.output
    decided = _fresh(Contribution, first.id)
    assert decided.state == ContributionState.ACCEPTED
    assert f"Contribution {first.id} accepted: indicator {decided.indicator_id}." \
        in accepted.output
    indicator = db.session.get(Indicator, decided.indicator_id)
    assert indicator.proposed_by_id == outcomes.world.organisation.id

    declined = run(app, "contributions", "decline", str(second.id), "--reason",
                   "Repite el indicador aceptado")
    assert declined.exit_code == 0, declined.output
    assert _fresh(Contribution, second.id).reason == "Repite el indicador aceptado"
    assert run(app, "contributions", "list").output == ""


def test_the_work_plan_is_published_once_its_meeting_has_started(
        seeded, outcomes, frozen) -> None:
    app = seeded
    regional = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=date(2027, 3, 10), start_time=time(9),
        zone="America/Panama", duration_minutes=480, held_by=date(2027, 3, 31),
        location="Panamá", holiday_country="PA"), now=NOW, actor=Actor.cli())
    plan = create_plan(regional.meetings[0].id, title="Plan de trabajo conjunto 2027",
                       commitment_ids=[_commitment().id, _commitment("Otro").id], now=NOW,
                       actor=Actor.cli())
    early = run(app, "work-plan", "publish", str(plan.id))
    assert early.exit_code == 2
    assert "once the meeting has started" in early.output
    assert _fresh(WorkPlan, plan.id).state == PlanState.DRAFT

    frozen.move_to(datetime(2027, 3, 11, 12, tzinfo=UTC))
    published = run(app, "work-plan", "publish", str(plan.id))
    assert published.exit_code == 0, published.output
    assert f"Work plan {plan.id}, version 1, published with 2 commitment(s)." \
        in published.output
    assert _fresh(WorkPlan, plan.id).state == PlanState.PUBLISHED


def test_bad_input_exits_2_with_the_translated_sentence_and_writes_nothing(
        seeded, outcomes, heard) -> None:
    app = seeded
    commitment = _commitment()
    before = _count(Commitment)

    no_date = run(app, "commitments", "add", "--text", "x", "--country", "GT", "--start",
                  "2026-02-30", "--target", "2027-01-01")
    assert no_date.exit_code == 2
    assert "start_on: «'2026-02-30' is not a date; write it as YYYY-MM-DD.»" in no_date.output
    both = run(app, "commitments", "add", "--text", "x", "--country", "GT", "--committee",
               "labor-mobility", "--start", "2026-01-01", "--target", "2027-01-01")
    assert both.exit_code == 2
    assert "responsible: «Choose who is responsible: one country or one committee.»" \
        in both.output
    assert _count(Commitment) == before

    falling = run(app, "indicators", "add", str(commitment.id), "--kind", "quantitative",
                  "--name", "Plazas", "--unit", "number", "--baseline", "120",
                  "--baseline-date", "2026-01-15", "--target", "100", "--direction",
                  "increase")
    assert falling.exit_code == 2
    assert ("target: «The target is below the baseline of an indicator that should "
            "increase.»") in falling.output
    not_a_number = run(app, "indicators", "add", str(commitment.id), "--kind",
                       "quantitative", "--name", "Plazas", "--unit", "number", "--baseline",
                       "ciento", "--baseline-date", "2026-01-15", "--target", "200",
                       "--direction", "increase")
    assert not_a_number.exit_code == 2 and "baseline: «Give a number.»" in not_a_number.output
    assert _count(Indicator) == 0

    future = run(app, "commitments", "update", str(commitment.id), "--text", "Mañana",
                 "--date", "2026-12-31")
    assert future.exit_code == 2
    assert "dated: «The date " in future.output and "is in the future.»" in future.output
    missing = run(app, "commitments", "status", "424242", "achieved")
    assert missing.exit_code == 2 and "«No commitment 424242.»" in missing.output
    assert _count(CommitmentUpdate) == 0
    assert _fresh(Commitment, commitment.id).status == CommitmentStatus.PLANNED
    assert "The date %(date)s is in the future." in heard
    assert db.session.scalar(select(func.count(Organisation.id))) == 1
