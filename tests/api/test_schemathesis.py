"""Schemathesis against the OpenAPI document the code generates: no server error, and
every answer conforms to the document (status, content type, headers, body schema).

Bounded: a fixed number of examples per operation, on both databases, with the
secretariat's token so the writes reach the services rather than stopping at 401.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coordinator import create_app
from tests.api.conftest import bearer

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 12


def _document() -> dict:
    """The document as the app serves it (no database is needed to build it)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "BASE_URL": "https://coordinator.test"})
    return app.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_document())


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case, world, seeded, no_rate_limits) -> None:  # type: ignore[no-untyped-def]
    # Aim at records that exist, so writes reach the services (404s are tested apart).
    real = {"meeting_id": world.meeting_id, "series_id": world.series_id,
            "organisation_id": world.organisation_id}
    for name, value in real.items():
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = value
    case.headers = {**(case.headers or {}), **bearer(world.secretariat)}
    case.call_and_validate(app=seeded, checks=CHECKS)
