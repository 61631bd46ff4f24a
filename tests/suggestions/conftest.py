"""Fixtures shared by the suggestion and proposal tests."""

from __future__ import annotations

from datetime import date, time

import pytest

from coordinator.cadence.kinds import SeriesKind
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import World, make_world


@pytest.fixture
def briefing_world(seeded, frozen) -> World:  # type: ignore[no-untyped-def]
    """The mail scenario's national meeting, and a Labor Mobility briefing ahead for
    written proposals to land on."""
    made = make_world(NOW, first=date(2026, 12, 28))
    schedule_series(SeriesInput(kind=SeriesKind.COMMITTEE, committee="labor-mobility",
                                first_date=date(2027, 3, 3), start_time=time(10),
                                zone="America/Mexico_City"), now=NOW, actor=Actor.cli())
    return made
