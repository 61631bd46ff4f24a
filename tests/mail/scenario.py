"""A small world for mail tests: a coordinator, an approved CSO with contacts, a series."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.invitations.participants import add_participant
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    Account,
    Contact,
    Organisation,
    RegistrationState,
    Role,
    Scope,
    Series,
)
from coordinator.unit import Actor

PEOPLE = [
    ("Ana Ixcot", "ana@cso.example", "es", "America/Guatemala"),
    ("Wilner Jean", "wilner@cso.example", "ht", "America/Port-au-Prince"),
    ("Beatriz Gonçalves", "beatriz@cso.example", "pt", "America/Sao_Paulo"),
    ("Nadège Pierre", "nadege@cso.example", "fr", "America/Montreal"),
    ("Grace Okafor", "grace@cso.example", "en", "America/Chicago"),
]


@dataclass
class World:
    series: Series
    organisation: Organisation
    coordinator: Account

    @property
    def first(self):  # type: ignore[no-untyped-def]
        return sorted(self.series.meetings, key=lambda m: m.start_at)[0]


def make_world(now: datetime, *, people=PEOPLE, first: date = date(2026, 12, 10),
               rrule: str | None = "FREQ=MONTHLY;INTERVAL=3;COUNT=1") -> World:
    coordinator = Account(name="Coordinadora Especial", email="coordinacion@gob.example",
                          role=Role.SPECIAL_COORDINATOR, language="es",
                          zone="America/Guatemala", created_at=now)
    org = Organisation(name="Red de Acogida", scope=Scope.NATIONAL, kinds=[], led_by=[],
                       registration_state=RegistrationState.APPROVED, created_at=now)
    for name, email, language, zone in people:
        org.contacts.append(Contact(name=name, email=email, language=language, zone=zone,
                                    created_at=now))
    db.session.add_all([coordinator, org])
    db.session.commit()
    series = schedule_series(SeriesInput(
        kind=SeriesKind.NATIONAL, country="GT", first_date=first, start_time=time(10),
        zone="America/Guatemala", rrule=rrule, coordinator_id=coordinator.id,
        location="Cancillería, Ciudad de Guatemala", online_url="https://meet.example.org/gt",
    ), now=now, actor=Actor.cli())
    add_participant(now=now, actor=Actor.cli(), series_id=series.id, organisation_id=org.id)
    return World(series, org, coordinator)
