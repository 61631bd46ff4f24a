"""API fixtures: a small world, and personal tokens for accounts of different scopes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import pytest

from coordinator.accounts.api_tokens import create_token
from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import Contact, Organisation, RegistrationState, Role, Scope
from coordinator.unit import Actor
from tests.web.people import make_account

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@dataclass
class World:
    secretariat: str  # tokens
    guatemala: str
    mexico: str
    series_id: int
    meeting_id: int
    organisation_id: int


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def world(seeded) -> World:  # type: ignore[no-untyped-def]
    tokens = {}
    for key, role, iso in (("sec", Role.SECRETARIAT, None),
                           ("gt", Role.SPECIAL_COORDINATOR, "GT"),
                           ("mx", Role.SPECIAL_COORDINATOR, "MX")):
        account = make_account(role, email=f"{key}@example.org", country=iso)
        tokens[key] = create_token(account.id, "tests", now=NOW, actor=Actor.cli())
    series = schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country="GT",
                                         first_date=date(2027, 2, 10), start_time=time(10),
                                         zone="America/Guatemala"), now=NOW, actor=Actor.cli())
    organisation = Organisation(name="Red GT", scope=Scope.NATIONAL, kinds=["advocacy"],
                                led_by=[], languages=["es"], created_at=NOW,
                                registration_state=RegistrationState.APPROVED)
    db.session.add_all([organisation, Contact(organisation=organisation, name="Ana",
                                              email="ana@example.org", language="es",
                                              zone="America/Guatemala", created_at=NOW)])
    db.session.commit()
    return World(tokens["sec"], tokens["gt"], tokens["mx"], series.id,
                 series.meetings[0].id, organisation.id)


@pytest.fixture
def no_rate_limits():  # type: ignore[no-untyped-def]
    """Generated floods would otherwise meet the (tested elsewhere) rate limits."""
    from coordinator.extensions import limiter

    limiter.enabled = False
    yield
    limiter.enabled = True
