"""Schemathesis against the OpenAPI document the code generates: no server error, and
every answer conforms to the document (status, content type, headers, body schema).

Bounded: a fixed number of examples per operation, on both databases, with the
secretariat's token so the writes reach the services rather than stopping at 401.
"""

from __future__ import annotations

from datetime import date, time

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coordinator import create_app
from tests.api.conftest import NOW, bearer

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 12


def _document() -> dict:
    """The document as the app serves it (no database is needed to build it)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "BASE_URL": "https://coordinator.test"})
    return app.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture
def outcome_ids(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A commitment of Guatemala with an indicator and a waiting contribution, and a
    draft joint work plan of a regional meeting: the targets of the outcomes writes."""
    from coordinator.cadence.kinds import SeriesKind
    from coordinator.extensions import db
    from coordinator.meetings.series import SeriesInput, schedule_series
    from coordinator.models import Contact
    from coordinator.outcomes import commitments, contributions, indicators
    from coordinator.unit import Actor

    commitment = commitments.create_commitment(
        text="Open shelters", responsible=commitments.Responsible("GT"), pillar="I",
        start_on=date(2026, 1, 1), target_on=date(2027, 12, 31), now=NOW, actor=Actor.cli())
    indicator = indicators.add_indicator(commitment.id, indicators.IndicatorSpec(
        kind="quantitative", name="Places", unit="number", baseline=10,
        baseline_on=date(2026, 1, 1), target=40, direction="increase"), now=NOW,
        actor=Actor.cli())
    contact = db.session.scalar(sa.select(Contact))
    contribution = contributions.submit_contribution(
        contact, commitment, kind="evidence", form_key="c1", text="Evidence",
        language="es", now=NOW)
    regional = schedule_series(SeriesInput(
        kind=SeriesKind.REGIONAL, first_date=date(2027, 3, 10), start_time=time(9),
        zone="America/Panama", held_by=date(2027, 3, 31)), now=NOW,
        actor=Actor.cli()).meetings[0]
    plan = commitments.create_plan(regional.id, title="Plan", commitment_ids=[commitment.id],
                                   now=NOW, actor=Actor.cli())
    return {"commitment_id": commitment.id, "indicator_id": indicator.id,
            "contribution_id": contribution.id, "plan_id": plan.id}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case, world, seeded, no_rate_limits,  # type: ignore[no-untyped-def]
                                      outcome_ids) -> None:
    # Aim at records that exist, so writes reach the services (404s are tested apart).
    real = {"meeting_id": world.meeting_id, "series_id": world.series_id,
            "organisation_id": world.organisation_id, **outcome_ids}
    for name, value in real.items():
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = value
    case.headers = {**(case.headers or {}), **bearer(world.secretariat)}
    case.call_and_validate(app=seeded, checks=CHECKS)
