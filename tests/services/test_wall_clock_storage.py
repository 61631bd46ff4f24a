"""What the database hands back keeps the wall-clock time, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from coordinator.cadence.kinds import SeriesKind
from coordinator.cadence.periods import period_of
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, materialise_all, schedule_series
from coordinator.models import AuditEntry, Meeting, Series
from coordinator.unit import Actor
from tests.conftest import NOW


@pytest.mark.parametrize(
    ("country", "zone", "offsets"),
    [
        # The first six quarterly meetings from 12 January 2027, offsets in hours.
        ("MX", "America/Mexico_City", [-6, -6, -6, -6, -6, -6]),
        ("CL", "America/Santiago", [-3, -4, -4, -3, -3, -4]),
        ("PY", "America/Asuncion", [-3, -3, -3, -3, -3, -3]),
        ("US", "America/New_York", [-5, -4, -4, -4, -5, -4]),
    ],
)
def test_stored_meetings_keep_local_time_as_the_tz_database_says(
    seeded, country: str, zone: str, offsets: list[int]
) -> None:
    series = schedule_series(SeriesInput(kind=SeriesKind.NATIONAL, country=country,
                                         first_date=date(2027, 1, 12), start_time=time(10),
                                         zone=zone, holiday_country=""),
                             now=NOW, actor=Actor.cli())
    db.session.expire_all()
    stored = db.session.scalars(select(Meeting).where(Meeting.series_id == series.id)
                                .order_by(Meeting.start_at)).all()
    assert [m.start_local.time() for m in stored] == [time(10)] * 6
    assert [m.start_local.utcoffset() for m in stored] == [timedelta(hours=h) for h in offsets]


ZONES = ["America/New_York", "America/Santiago", "America/Asuncion", "America/Mexico_City",
         "America/Sao_Paulo", "America/Port-au-Prince", "America/Toronto", "America/Bogota"]


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.integers(1, 28), month=st.integers(1, 12),
       at=st.builds(time, st.integers(7, 20), st.sampled_from([0, 30])),
       zone=st.sampled_from(ZONES), months=st.sampled_from([3, 6]),
       country=st.sampled_from(["GT", "BR", "MX", "US", "HT", ""]))
def test_property_stored_meetings_are_at_wall_clock_time_ordered_one_per_period(
    seeded, day: int, month: int, at: time, zone: str, months: int, country: str
) -> None:
    kind = SeriesKind.NATIONAL if months == 3 else SeriesKind.COMMITTEE
    data = SeriesInput(kind=kind, country="GT" if kind == SeriesKind.NATIONAL else None,
                       committee="labor-mobility" if kind == SeriesKind.COMMITTEE else None,
                       first_date=date(2027, month, day), start_time=at, zone=zone,
                       holiday_country=country)
    series = schedule_series(data, now=NOW, actor=Actor.cli())
    try:
        assert materialise_all(now=NOW) == 0
        db.session.expire_all()
        stored = db.session.scalars(select(Meeting).where(Meeting.series_id == series.id)
                                    .order_by(Meeting.start_at)).all()
        assert stored
        assert all(m.start_local.time() == at for m in stored)
        starts = [m.start_at for m in stored]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)
        slots = [period_of(date.fromisoformat(m.occurrence_key[:10]), months) for m in stored]
        assert len(set(slots)) == len(slots)
    finally:
        db.session.execute(delete(Series).where(Series.id == series.id))
        db.session.execute(delete(AuditEntry))
        db.session.commit()
