"""A world with two quarterly meetings in Guatemala, for the outcomes tests; the clock is
frozen at NOW (before the first meeting) and tests pass explicit instants after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Account, Country, Meeting, OutboxMessage, Role
from tests.conftest import NOW
from tests.mail.scenario import World, make_world


@dataclass
class Outcomes:
    world: World
    first: Meeting
    second: Meeting
    gt_coordinator: Account

    @property
    def after_first(self):  # type: ignore[no-untyped-def]
        """Two hours after the first meeting began (it is over: minutes can go out)."""
        return self.first.start_at + timedelta(hours=2)


@pytest.fixture
def outcomes(seeded, frozen) -> Outcomes:  # type: ignore[no-untyped-def]
    world = make_world(NOW, first=date(2026, 12, 10), rrule="FREQ=MONTHLY;INTERVAL=3;COUNT=2")
    guatemala = db.session.scalar(select(Country).where(Country.iso == "GT"))
    coordinator = Account(name="Punto Focal GT", email="punto.focal@gob.example",
                          role=Role.SPECIAL_COORDINATOR, country_id=guatemala.id,
                          language="es", zone="America/Guatemala", created_at=NOW)
    db.session.add(coordinator)
    db.session.commit()
    first, second = sorted(world.series.meetings, key=lambda m: m.start_at)
    return Outcomes(world, first, second, coordinator)


@pytest.fixture
def outbox():  # type: ignore[no-untyped-def]
    """The outbox rows of one kind, read afresh."""
    def rows(kind: str) -> list[OutboxMessage]:
        db.session.expire_all()
        return list(db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == kind).order_by(OutboxMessage.id)))
    return rows
