"""Indicators of a commitment's progress (issue 16, point 4; recommendation 9).

Quantitative: a unit from `UNITS` (with words of its own, "shelters", "USD"), a dated
baseline, a target in a direction (a target below the baseline of a rising indicator is
a contradiction, refused), and measurements over time, each dated (neither in the future
nor before the baseline) and with its source. Qualitative: a rating on the fixed scale
`Rating`, with a narrative, dated. `progress` says how far from baseline to target the
latest measurement is, as a fraction from 0 to 1.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from coordinator.cadence.errors import Np_
from coordinator.cadence.zones import ensure_aware
from coordinator.content import services as content
from coordinator.errors import N_, InvalidInput, NotFound
from coordinator.extensions import db
from coordinator.links import row
from coordinator.outcomes.commitments import (
    check_day,
    check_keeper,
    check_text,
    not_future,
)
from coordinator.outcomes.models import (
    Assessment,
    Commitment,
    Direction,
    Indicator,
    IndicatorKind,
    Measurement,
    Rating,
)
from coordinator.unit import Actor, Unit, unit_of_work

# What a quantity is counted in; `unit_label` says more ("shelters", "USD"), and is
# required for "other". A percentage lies between 0 and 100.
UNITS = ("number", "percent", "people", "money", "days", "other")
MAX_NAME, MAX_UNIT_LABEL, MAX_SOURCE, MAX_NARRATIVE = 300, 60, 500, 4000
MAX_VALUE = 1e15  # beyond any count or budget; keeps floats exact enough to compare
AUDIT = "indicator"


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator as doors (and a contact's proposal) give it, before it is checked."""

    kind: str
    name: str
    unit: str | None = None
    unit_label: str | None = None
    baseline: float | None = None
    baseline_on: date | None = None
    target: float | None = None
    direction: str | None = None

    def as_json(self) -> dict[str, Any]:
        """For a proposal waiting in a contribution (dates as ISO text)."""
        data = asdict(self)
        data["baseline_on"] = self.baseline_on.isoformat() if self.baseline_on else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IndicatorSpec:
        day = data.get("baseline_on")
        return cls(**{**data, "baseline_on": date.fromisoformat(day) if day else None})


def _number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(N_("Give a number."), field=field)
    number = float(value)
    if not math.isfinite(number) or abs(number) > MAX_VALUE:
        raise InvalidInput(N_("Give a number."), field=field)
    return number


def _in_unit(number: float, unit: str, field: str) -> float:
    if unit == "percent" and not 0 <= number <= 100:
        raise InvalidInput(N_("A percentage lies between 0 and 100."), field=field)
    if unit in ("people", "days") and number < 0:
        raise InvalidInput(N_("This unit is never negative."), field=field)
    return number


def check_spec(spec: IndicatorSpec, commitment: Commitment, now: datetime) -> dict[str, Any]:
    """The columns of a valid indicator, or the refusal of the first thing wrong."""
    try:
        kind = IndicatorKind(spec.kind)
    except ValueError as exc:
        raise InvalidInput(N_("Choose a quantitative or a qualitative indicator."),
                           field="kind") from exc
    name = check_text(spec.name, field="name", limit=MAX_NAME,
                      empty=InvalidInput(N_("Say what the indicator measures."), field="name"))
    if kind == IndicatorKind.QUALITATIVE:
        return {"kind": kind, "name": name}
    if spec.unit not in UNITS:
        raise InvalidInput(N_("Choose a unit from the list."), field="unit")
    label = (spec.unit_label or "").strip() or None
    if spec.unit == "other" and label is None:
        raise InvalidInput(N_("Say what the indicator counts."), field="unit_label")
    if label is not None and (len(label) > MAX_UNIT_LABEL or "\n" in label
                              or any(ord(c) < 32 for c in label)):
        raise InvalidInput(Np_("Name the unit in one line of up to %(num)s character.",
                               "Name the unit in one line of up to %(num)s characters."),
                           field="unit_label", num=MAX_UNIT_LABEL)
    baseline = _in_unit(_number(spec.baseline, "baseline"), spec.unit, "baseline")
    target = _in_unit(_number(spec.target, "target"), spec.unit, "target")
    baseline_on = not_future(check_day(spec.baseline_on, "baseline_on"), commitment, now,
                              "baseline_on")
    try:
        direction = Direction(spec.direction or "")
    except ValueError as exc:
        raise InvalidInput(N_("Say whether the indicator should increase or decrease."),
                           field="direction") from exc
    if direction == Direction.INCREASE and target < baseline:
        raise InvalidInput(N_("The target is below the baseline of an indicator that "
                              "should increase."), field="target")
    if direction == Direction.DECREASE and target > baseline:
        raise InvalidInput(N_("The target is above the baseline of an indicator that "
                              "should decrease."), field="target")
    return {"kind": kind, "name": name, "unit": spec.unit, "unit_label": label,
            "baseline": baseline, "baseline_on": baseline_on, "target": target,
            "direction": direction}


def _commitment(unit: Unit, commitment_id: int) -> Commitment:
    commitment = row(Commitment, commitment_id)
    if commitment is None:
        raise NotFound(N_("No commitment %(id)s."), id=commitment_id)
    check_keeper(unit, commitment)
    return commitment


def add_indicator_in(unit: Unit, commitment: Commitment, spec: IndicatorSpec, *,
                     written_in: str | None = None,
                     proposed_by_id: int | None = None) -> Indicator:
    """An indicator inside a unit already checked (an accepted proposal comes this way)."""
    columns = check_spec(spec, commitment, unit.now)
    indicator = Indicator(commitment_id=commitment.id,
                          written_in=content.author_language(unit, written_in),
                          proposed_by_id=proposed_by_id, account_id=unit.actor.account_id,
                          created_at=unit.now, updated_at=unit.now, **columns)
    unit.session.add(indicator)
    unit.session.flush()
    unit.record("indicator.add", AUDIT, indicator.id, commitment=commitment.id,
                kind=indicator.kind, unit=indicator.unit, baseline=indicator.baseline,
                target=indicator.target, direction=indicator.direction,
                proposed_by=proposed_by_id)
    return indicator


def add_indicator(commitment_id: int, spec: IndicatorSpec, *, now: datetime, actor: Actor,
                  written_in: str | None = None) -> Indicator:
    """A new indicator of a commitment, by whoever keeps the commitment."""
    ensure_aware(now, "now")
    with unit_of_work(actor, now) as unit:
        return add_indicator_in(unit, _commitment(unit, commitment_id), spec,
                                written_in=written_in)


def _indicator(unit: Unit, indicator_id: int, kind: IndicatorKind) -> Indicator:
    indicator = row(Indicator, indicator_id)
    if indicator is None:
        raise NotFound(N_("No indicator %(id)s."), id=indicator_id)
    check_keeper(unit, indicator.commitment)
    if indicator.kind != kind:
        raise InvalidInput(N_("A quantitative indicator is measured; a qualitative one is "
                              "rated."), field="indicator")
    return indicator


def add_measurement(indicator_id: int, *, dated: date, value: float, source: str,
                    now: datetime, actor: Actor) -> Measurement:
    """A value of a quantitative indicator on a day (not in the future, not before the
    baseline), with where it comes from."""
    ensure_aware(now, "now")
    source = check_text(source, field="source", limit=MAX_SOURCE,
                        empty=InvalidInput(N_("Say where the value comes from."), field="source"))
    with unit_of_work(actor, now) as unit:
        indicator = _indicator(unit, indicator_id, IndicatorKind.QUANTITATIVE)
        day = not_future(check_day(dated, "dated"), indicator.commitment, now, "dated")
        assert indicator.baseline_on is not None and indicator.unit is not None  # CHECK
        if day < indicator.baseline_on:
            raise InvalidInput(N_("The date %(date)s comes before the baseline's "
                                  "(%(baseline)s)."), field="dated", date=day,
                               baseline=indicator.baseline_on)
        number = _in_unit(_number(value, "value"), indicator.unit, "value")
        measurement = Measurement(indicator_id=indicator.id, dated=day, value=number,
                                  source=source, account_id=actor.account_id,
                                  created_at=now)
        unit.session.add(measurement)
        indicator.updated_at = now
        unit.session.flush()
        unit.record("indicator.measure", AUDIT, indicator.id, measurement=measurement.id,
                    dated=day, value=number)
    return measurement


def assess(indicator_id: int, *, dated: date, rating: str, narrative: str, now: datetime,
           actor: Actor, written_in: str | None = None) -> Assessment:
    """Rate a qualitative indicator on a day (not in the future), saying why."""
    ensure_aware(now, "now")
    try:
        rated = Rating(rating)
    except ValueError as exc:
        raise InvalidInput(N_("Choose a rating from the scale."), field="rating") from exc
    narrative = check_text(narrative, field="narrative", limit=MAX_NARRATIVE,
                           empty=InvalidInput(N_("Say what the rating rests on."),
                                              field="narrative"))
    with unit_of_work(actor, now) as unit:
        indicator = _indicator(unit, indicator_id, IndicatorKind.QUALITATIVE)
        day = not_future(check_day(dated, "dated"), indicator.commitment, now, "dated")
        assessment = Assessment(indicator_id=indicator.id, dated=day, rating=rated,
                                narrative=narrative,
                                written_in=content.author_language(unit, written_in),
                                account_id=actor.account_id, created_at=now)
        unit.session.add(assessment)
        indicator.updated_at = now
        unit.session.flush()
        unit.record("indicator.assess", AUDIT, indicator.id, assessment=assessment.id,
                    dated=day, rating=rated)
    return assessment


# --- progress -------------------------------------------------------------------------

def progress_fraction(baseline: float, target: float, value: float) -> float:
    """How far `value` has come from baseline to target, clamped to 0..1 (a value past
    the target counts as reached; one gone the wrong way as none). Works for either
    direction, since the target's side of the baseline says which way is progress."""
    if target == baseline:
        return 1.0  # nothing to move: the target holds from the start
    return min(1.0, max(0.0, (value - baseline) / (target - baseline)))


def latest_measurement(indicator: Indicator) -> Measurement | None:
    """The most recent measurement by date (the last recorded among the same day's)."""
    return db.session.scalar(select(Measurement).where(
        Measurement.indicator_id == indicator.id)
        .order_by(Measurement.dated.desc(), Measurement.id.desc()).limit(1))


def progress(indicator: Indicator) -> float | None:
    """The latest measurement's progress towards the target (None: qualitative, or not
    measured yet)."""
    if indicator.kind != IndicatorKind.QUANTITATIVE:
        return None
    latest = latest_measurement(indicator)
    if latest is None or indicator.baseline is None or indicator.target is None:
        return None
    return progress_fraction(indicator.baseline, indicator.target, latest.value)


def latest_assessment(indicator: Indicator) -> Assessment | None:
    """A qualitative indicator's current rating (None: not rated yet)."""
    return db.session.scalar(select(Assessment).where(Assessment.indicator_id == indicator.id)
                             .order_by(Assessment.dated.desc(), Assessment.id.desc()).limit(1))


def find_indicator(indicator_id: int) -> Indicator:
    """The indicator of an id, or the one refusal every door gives for a missing one."""
    found = row(Indicator, indicator_id)
    if found is None:
        raise NotFound(N_("No indicator %(id)s."), id=indicator_id)
    return found
