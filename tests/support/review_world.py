"""A closed call at a high-level meeting with six applications, for the review and
selection tests: rows built with the models (the call and application services are
another change's); reviewers appointed through the service under test."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from flask import Flask
from sqlalchemy import func, select

from coordinator.cadence.kinds import SeriesKind
from coordinator.errors import Refusal
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    Account,
    AuditEntry,
    Contact,
    Country,
    Organisation,
    RegistrationState,
    Role,
    Scope,
)
from coordinator.selection.models import (
    Application,
    Call,
    Criterion,
    CriterionKey,
    DiversityTarget,
    TargetKind,
)
from coordinator.unit import Actor
from tests.conftest import NOW

OPENS = NOW - timedelta(days=30)
CLOSES = NOW + timedelta(days=10)
AFTER = CLOSES + timedelta(days=1)  # the call has closed: review and selection

# name, countries, led by, contact, language
ORGANISATIONS = [
    ("Red Maya de Acogida", "GT", "indigenous", "Ana Ixcot", "es"),
    ("Casa del Migrante Norte", "MX", "", "Luis Pérez", "es"),
    ("Centro Fronterizo Sur", "MX", "", "Marta Ruiz", "es"),
    ("Fondasyon Lakay", "HT", "black", "Wilner Jean", "ht"),
    ("Voces Afrocolombianas", "CO", "black", "Yesenia Mina", "es"),
    ("Refugio del Darién", "PA", "refugee", "Omar Castillo", "es"),
]


@dataclass
class ReviewWorld:
    call: Call
    secretariat: Account  # appoints, proposes; not a reviewer
    staff: Account  # the secretariat's reviewer
    cso: Account  # the civil-society reviewer, of the first organisation
    outsider: Account  # a special coordinator: neither reviews nor selects
    criteria: list[Criterion]
    applications: list[Application]  # in the order of ORGANISATIONS

    @property
    def ids(self) -> list[int]:
        return [a.id for a in self.applications]

    def marks(self, value: int) -> dict[int, int]:
        """The same score for every criterion: the weighted mean is `value`."""
        return {c.id: value for c in self.criteria}


def actor(account: Account) -> Actor:
    return Actor(account.email, account.id)


def high_level_meeting() -> int:
    series = schedule_series(SeriesInput(
        kind=SeriesKind.HIGH_LEVEL, first_date=date(2027, 3, 10), start_time=time(10),
        zone="America/Panama", title="Reunión ministerial de la Declaración de Los Ángeles",
        location="Ciudad de Panamá"), now=OPENS, actor=Actor.cli())
    return series.meetings[0].id


def make_review_world(*, anonymised: bool = False, seats: int = 3,
                      targets: tuple[tuple[TargetKind, str | None, int], ...] = ()
                      ) -> ReviewWorld:
    countries = {c.iso: c for c in db.session.scalars(select(Country))}
    call = Call(meeting_id=high_level_meeting(), title="Convocatoria",
                description="Seats for civil society", written_in="es",
                seats_in_person=seats, seats_online=0, opens_at=OPENS, closes_at=CLOSES,
                selection_on=date(2027, 2, 1), anonymised=anonymised, created_at=OPENS,
                updated_at=OPENS)
    call.criteria = [
        Criterion(key=CriterionKey.CATEGORY, description="Service provision", weight=3,
                  position=1),
        Criterion(key=CriterionKey.CONTINUITY, description="Other regional mechanisms",
                  weight=1, position=2),
    ]
    call.targets = [DiversityTarget(kind=kind, value=value, minimum=minimum)
                    for kind, value, minimum in targets]
    db.session.add(call)
    applications = []
    for n, (name, iso, led_by, person, language) in enumerate(ORGANISATIONS):
        organisation = Organisation(
            name=name, scope=Scope.NATIONAL, kinds=["service-provider"],
            led_by=led_by.split(), languages=[language],
            registration_state=RegistrationState.APPROVED, created_at=OPENS)
        organisation.countries = [countries[iso]]
        contact = Contact(organisation=organisation, name=person,
                          email=f"contact{n}@cso.example", language=language,
                          zone="America/Panama", created_at=OPENS)
        applications.append(Application(
            call=call, organisation=organisation, contact=contact,
            motivation=f"Motivation {n}", written_in=language,
            attendees=[{"name": f"{person} Attendee", "role": "director"}],
            created_at=OPENS + timedelta(hours=n), updated_at=OPENS + timedelta(hours=n)))
    db.session.add_all(applications)
    db.session.flush()
    people = [
        Account(name="Secretaría Técnica", email="st@secretariat.example",
                role=Role.SECRETARIAT, created_at=OPENS),
        Account(name="Staff Reviewer", email="staff@secretariat.example",
                role=Role.SECRETARIAT, created_at=OPENS),
        Account(name="CSO Reviewer", email="cso@secretariat.example", role=Role.CSO_REVIEWER,
                organisation_id=applications[0].organisation_id, created_at=OPENS),
        Account(name="Punto Focal", email="pf@gob.example", role=Role.SPECIAL_COORDINATOR,
                country_id=countries["GT"].id, created_at=OPENS),
    ]
    db.session.add_all(people)
    db.session.commit()
    return ReviewWorld(call, *people, criteria=list(call.criteria),
                       applications=applications)


def count(model: type) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def audited(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == action)) or 0


def at_once(app: Flask, *calls: Callable[[], object]) -> list[object]:
    """Run each call in its own thread and app context, released together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        with app.app_context():
            barrier.wait()
            try:
                outcomes[index] = call()
            except Refusal as exc:
                outcomes[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
