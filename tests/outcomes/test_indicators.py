"""Indicators: a quantitative one has a unit, a dated baseline and a target on the side of
its direction, and dated, sourced measurements; a qualitative one is rated on a fixed
scale with a narrative. Progress is the latest measurement's way from baseline to target."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from coordinator.errors import InvalidInput
from coordinator.extensions import db
from coordinator.models import Account, AuditEntry, Country, Role
from coordinator.outcomes.commitments import Responsible, create_commitment
from coordinator.outcomes.indicators import (
    IndicatorSpec,
    add_indicator,
    add_measurement,
    assess,
    latest_assessment,
    progress,
    progress_fraction,
)
from coordinator.outcomes.models import Rating
from coordinator.unit import Actor
from tests.conftest import NOW

SHELTERS = IndicatorSpec(kind="quantitative", name="Albergues abiertos", unit="number",
                         unit_label="albergues", baseline=2, baseline_on=date(2026, 1, 15),
                         target=12, direction="increase")


@pytest.fixture
def commitment(outcomes):  # type: ignore[no-untyped-def]
    return create_commitment(text="Abrir albergues", responsible=Responsible("GT"), pillar="I",
                             start_on=date(2026, 1, 1), target_on=date(2027, 12, 31), now=NOW,
                             actor=Actor.cli())


def _refused(commitment, spec: IndicatorSpec) -> str | None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        add_indicator(commitment.id, spec, now=NOW, actor=Actor.cli())
    return refused.value.field


def test_a_target_must_lie_in_the_indicators_direction(commitment) -> None:
    assert _refused(commitment, replace(SHELTERS, target=1)) == "target"
    assert _refused(commitment, replace(SHELTERS, direction="decrease")) == "target"
    assert _refused(commitment, replace(SHELTERS, direction="sideways")) == "direction"
    waiting = add_indicator(commitment.id, replace(SHELTERS, name="Días de espera",
                                                   unit="days", baseline=90, target=30,
                                                   direction="decrease"),
                            now=NOW, actor=Actor.cli())
    assert (waiting.baseline, waiting.target, waiting.direction) == (90, 30, "decrease")


def test_units_baselines_and_numbers_are_checked(commitment) -> None:
    assert _refused(commitment, replace(SHELTERS, unit="furlongs")) == "unit"
    assert _refused(commitment, replace(SHELTERS, unit="other", unit_label=" ")) == "unit_label"
    assert _refused(commitment, replace(SHELTERS, unit="percent", target=140)) == "target"
    assert _refused(commitment, replace(SHELTERS, baseline=float("nan"))) == "baseline"
    assert _refused(commitment, replace(SHELTERS, baseline=True)) == "baseline"  # type: ignore[arg-type]
    # 23 November has begun nowhere in Guatemala at noon UTC on the 22nd.
    assert _refused(commitment, replace(SHELTERS, baseline_on=date(2026, 11, 23))) == \
        "baseline_on"
    assert _refused(commitment, replace(SHELTERS, kind="vibes")) == "kind"
    assert _refused(commitment, replace(SHELTERS, name="")) == "name"


def test_measurements_are_dated_between_the_baseline_and_today(commitment) -> None:
    indicator = add_indicator(commitment.id, SHELTERS, now=NOW, actor=Actor.cli(),
                              written_in="es")
    for dated, field in ((date(2026, 11, 23), "dated"), (date(2026, 1, 14), "dated")):
        with pytest.raises(InvalidInput) as refused:
            add_measurement(indicator.id, dated=dated, value=3, source="Informe", now=NOW,
                            actor=Actor.cli())
        assert refused.value.field == field
    with pytest.raises(InvalidInput) as refused:
        add_measurement(indicator.id, dated=date(2026, 6, 1), value=3, source=" ", now=NOW,
                        actor=Actor.cli())
    assert refused.value.field == "source"
    assert progress(indicator) is None  # not measured yet

    add_measurement(indicator.id, dated=date(2026, 9, 1), value=7, source="Informe", now=NOW,
                    actor=Actor.cli())
    add_measurement(indicator.id, dated=date(2026, 6, 1), value=4, source="Informe", now=NOW,
                    actor=Actor.cli())  # recorded later, but older: not the latest
    assert progress(indicator) == 0.5
    add_measurement(indicator.id, dated=date(2026, 11, 22), value=15, source="Censo", now=NOW,
                    actor=Actor.cli())
    assert progress(indicator) == 1.0  # past the target: reached, not more
    db.session.expire_all()
    assert [m.value for m in indicator.measurements] == [4, 7, 15]
    assert len(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "indicator.measure")).all()) == 3


def test_progress_is_a_clamped_fraction_in_either_direction() -> None:
    assert progress_fraction(90, 30, 60) == 0.5
    assert progress_fraction(90, 30, 120) == 0.0  # worse than the baseline
    assert progress_fraction(2, 12, 2) == 0.0
    assert progress_fraction(5, 5, 5) == 1.0


def test_a_qualitative_indicator_is_rated_with_a_narrative(commitment) -> None:
    indicator = add_indicator(commitment.id, IndicatorSpec(kind="qualitative",
                                                           name="Calidad de la acogida"),
                              now=NOW, actor=Actor.cli())
    with pytest.raises(InvalidInput) as refused:
        add_measurement(indicator.id, dated=date(2026, 6, 1), value=1, source="x", now=NOW,
                        actor=Actor.cli())
    assert refused.value.field == "indicator"
    with pytest.raises(InvalidInput) as refused:
        assess(indicator.id, dated=date(2026, 6, 1), rating="great", narrative="Bien",
               now=NOW, actor=Actor.cli())
    assert refused.value.field == "rating"
    with pytest.raises(InvalidInput) as refused:
        assess(indicator.id, dated=date(2026, 6, 1), rating="on-track", narrative="",
               now=NOW, actor=Actor.cli())
    assert refused.value.field == "narrative"
    assess(indicator.id, dated=date(2026, 6, 1), rating="off-track", narrative="Retrasos",
           now=NOW, actor=Actor.cli())
    assess(indicator.id, dated=date(2026, 10, 1), rating="on-track", narrative="Mejora",
           now=NOW, actor=Actor.cli(), written_in="es")
    latest = latest_assessment(indicator)
    assert latest is not None and latest.rating == Rating.ON_TRACK
    assert progress(indicator) is None


def test_only_the_commitments_keeper_adds_indicators_and_measurements(outcomes,
                                                                      commitment) -> None:
    indicator = add_indicator(commitment.id, SHELTERS, now=NOW,
                              actor=Actor(outcomes.gt_coordinator.email,
                                          outcomes.gt_coordinator.id))
    mexico = Account(name="Coordinación MX", email="mx@gob.example",
                     role=Role.SPECIAL_COORDINATOR, country_id=_country_id("MX"),
                     created_at=NOW)
    db.session.add(mexico)
    db.session.commit()
    outsider = Actor(mexico.email, mexico.id)
    with pytest.raises(InvalidInput):
        add_indicator(commitment.id, SHELTERS, now=NOW, actor=outsider)
    with pytest.raises(InvalidInput):
        add_measurement(indicator.id, dated=date(2026, 6, 1), value=3, source="x", now=NOW,
                        actor=outsider)


def _country_id(iso: str) -> int:
    found = db.session.scalar(select(Country.id).where(Country.iso == iso))
    assert found is not None
    return found
