"""The tracker as open data (CSV and JSON) and as a feed of what changed (Atom).

Exports carry the originals with the language each was written in, and stable English
column names: a spreadsheet or a script reads them the same whatever the visitor's
language. The updates feed lists the latest timeline entries, measurements and ratings,
newest first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from coordinator.extensions import db
from coordinator.models import Committee, Country
from coordinator.outcomes.models import (
    Assessment,
    Commitment,
    CommitmentUpdate,
    Indicator,
    Measurement,
)
from coordinator.outcomes.tracker import views

COMMITMENT_COLUMNS = (
    "id", "text", "written_in", "country", "committee", "pillar", "action_package",
    "status", "start_on", "target_on", "made_at_meeting", "reviewed_at_meeting",
    "indicators", "updated_at", "url",
)
MEASUREMENT_COLUMNS = (
    "commitment_id", "indicator_id", "indicator", "kind", "unit", "unit_label",
    "baseline", "baseline_on", "target", "direction", "dated", "value", "rating", "source",
)
FEED_SIZE = 50


def _all() -> list[Commitment]:
    db.session.scalars(select(Country)).all()
    db.session.scalars(select(Committee)).all()
    return list(db.session.scalars(select(Commitment).order_by(Commitment.id)))


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def commitment_rows(url_of: Any) -> Iterator[dict[str, Any]]:
    """One row per commitment; `url_of(id)` gives its public page's address."""
    found = _all()
    counts: dict[int, int] = {
        commitment_id: count for commitment_id, count in db.session.execute(
            select(Indicator.commitment_id, func.count()).group_by(Indicator.commitment_id))}
    for c in found:
        yield {
            "id": c.id, "text": c.text, "written_in": c.written_in or "",
            "country": c.country.iso if c.country else "",
            "committee": c.committee.slug if c.committee else "", "pillar": c.pillar,
            "action_package": c.action_package.slug if c.action_package else "",
            "status": c.status.value, "start_on": _iso(c.start_on),
            "target_on": _iso(c.target_on), "made_at_meeting": c.made_at_id or "",
            "reviewed_at_meeting": c.reviewed_at_id or "",
            "indicators": counts.get(c.id, 0), "updated_at": _iso(c.updated_at),
            "url": url_of(c.id),
        }


def measurement_rows() -> Iterator[dict[str, Any]]:
    """One row per measurement or rating (long format), indicator by indicator."""
    indicators = {i.id: i for i in db.session.scalars(select(Indicator).order_by(Indicator.id))}
    base = {i.id: {
        "commitment_id": i.commitment_id, "indicator_id": i.id, "indicator": i.name,
        "kind": i.kind.value, "unit": i.unit or "", "unit_label": i.unit_label or "",
        "baseline": "" if i.baseline is None else i.baseline,
        "baseline_on": _iso(i.baseline_on),
        "target": "" if i.target is None else i.target,
        "direction": i.direction.value if i.direction else ""} for i in indicators.values()}
    for indicator_id, dated, value, source in db.session.execute(select(
            Measurement.indicator_id, Measurement.dated, Measurement.value, Measurement.source)
            .order_by(Measurement.indicator_id, Measurement.dated, Measurement.id)):
        yield {**base[indicator_id], "dated": _iso(dated), "value": value, "rating": "",
               "source": source}
    for indicator_id, dated, rating in db.session.execute(select(
            Assessment.indicator_id, Assessment.dated, Assessment.rating)
            .order_by(Assessment.indicator_id, Assessment.dated, Assessment.id)):
        yield {**base[indicator_id], "dated": _iso(dated), "value": "",
               "rating": rating.value, "source": ""}


def as_json(url_of: Any) -> dict[str, Any]:
    """Every commitment with its indicators, measurements, ratings and timeline."""
    found = _all()
    out = []
    for view in views(found, None, every_value=True):
        c = view.commitment
        out.append({
            "id": c.id, "text": c.text, "written_in": c.written_in,
            "country": c.country.iso if c.country else None,
            "committee": c.committee.slug if c.committee else None,
            "pillar": c.pillar,
            "action_package": c.action_package.slug if c.action_package else None,
            "status": c.status.value, "reason": c.reason,
            "start_on": _iso(c.start_on), "target_on": _iso(c.target_on),
            "made_at_meeting": c.made_at_id, "reviewed_at_meeting": c.reviewed_at_id,
            "url": url_of(c.id),
            "indicators": [{
                "id": i.indicator.id, "kind": i.indicator.kind.value,
                "name": i.indicator.name, "written_in": i.indicator.written_in,
                "unit": i.indicator.unit, "unit_label": i.indicator.unit_label,
                "baseline": i.indicator.baseline,
                "baseline_on": _iso(i.indicator.baseline_on) or None,
                "target": i.indicator.target,
                "direction": i.indicator.direction.value if i.indicator.direction else None,
                "proposed_by": (i.indicator.proposed_by.name
                                if i.indicator.proposed_by else None),
                "measurements": [{"dated": _iso(v.dated), "value": v.value,
                                  "source": v.source} for v in i.values],
                "ratings": [{"dated": _iso(r.dated), "rating": r.rating.value,
                             "narrative": r.narrative.text} for r in i.ratings],
            } for i in view.indicators],
            "timeline": [_timeline(e.update) for e in reversed(view.timeline)],
        })
    return {"commitments": out}


def _timeline(update: CommitmentUpdate) -> dict[str, Any]:
    return {"dated": _iso(update.dated), "text": update.text, "written_in": update.written_in,
            "status": update.status, "source_meeting": update.source_meeting_id,
            "source_url": update.source_url, "source_text": update.source_text,
            "source_organisation": (update.source_organisation.name
                                    if update.source_organisation else None)}


# --- what changed -----------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One entry of the tracker's updates feed."""

    kind: str  # "update", "measurement", "rating"
    id: int
    commitment: Commitment
    at: datetime
    dated: date
    row: CommitmentUpdate | Measurement | Assessment


def latest_changes(limit: int = FEED_SIZE) -> list[Change]:
    """The newest timeline entries, measurements and ratings, newest first."""
    changes: list[Change] = []
    for update in db.session.scalars(select(CommitmentUpdate).options(
            selectinload(CommitmentUpdate.commitment))
            .order_by(CommitmentUpdate.created_at.desc(), CommitmentUpdate.id.desc())
            .limit(limit)):
        changes.append(Change("update", update.id, update.commitment, update.created_at,
                              update.dated, update))
    for measurement in db.session.scalars(select(Measurement).options(
            selectinload(Measurement.indicator).selectinload(Indicator.commitment))
            .order_by(Measurement.created_at.desc(), Measurement.id.desc()).limit(limit)):
        changes.append(Change("measurement", measurement.id,
                              measurement.indicator.commitment, measurement.created_at,
                              measurement.dated, measurement))
    for assessment in db.session.scalars(select(Assessment).options(
            selectinload(Assessment.indicator).selectinload(Indicator.commitment))
            .order_by(Assessment.created_at.desc(), Assessment.id.desc()).limit(limit)):
        changes.append(Change("rating", assessment.id, assessment.indicator.commitment,
                              assessment.created_at, assessment.dated, assessment))
    changes.sort(key=lambda c: (c.at, c.kind, c.id), reverse=True)
    return changes[:limit]
