"""A world for calls for participation (issue 17): a high-level meeting about 60 days after
NOW, a secretariat account, and four approved organisations in four countries, each with
what leads it and one contact writing in Spanish, Portuguese, French or Kreyòl.

The clock is frozen at NOW; tests pass explicit instants (`during`: the call is open,
`after`: it has closed) to the services.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from coordinator.cadence.kinds import SeriesKind
from coordinator.extensions import db
from coordinator.meetings.series import SeriesInput, schedule_series
from coordinator.models import (
    Account,
    Contact,
    Country,
    Meeting,
    Organisation,
    RegistrationState,
    Role,
    Scope,
)
from coordinator.selection.applications import ApplicationInput
from coordinator.selection.calls import (
    CallInput,
    CriterionInput,
    TargetInput,
    create_call,
    publish_call,
)
from coordinator.selection.models import Call
from coordinator.unit import Actor
from tests.conftest import NOW

MEETING_DAY = date(2027, 1, 21)  # a Thursday, 60 days after NOW
OPENS, CLOSES = NOW + timedelta(days=1), NOW + timedelta(days=30)
DURING, AFTER = NOW + timedelta(days=2), CLOSES + timedelta(hours=1)

# name, country, led_by, contact name, address, language, zone
ORGANISATIONS = [
    ("Red Maya de Mujeres", "GT", ["indigenous", "women"], "Ana Ixcot", "ana@maya.example",
     "es", "America/Guatemala"),
    ("Coletivo Migrante", "BR", ["migrant", "black"], "Beatriz Gonçalves",
     "beatriz@coletivo.example", "pt", "America/Sao_Paulo"),
    ("Accueil Réfugiés", "CA", ["refugee"], "Nadège Pierre", "nadege@accueil.example", "fr",
     "America/Montreal"),
    ("Rezo Fanm Migran", "HT", ["migrant", "women"], "Wilner Jean", "wilner@rezo.example",
     "ht", "America/Port-au-Prince"),
]


@dataclass
class CallWorld:
    meeting: Meeting
    secretariat: Account
    organisations: list[Organisation]
    contacts: list[Contact]
    now: datetime = NOW
    opens: datetime = OPENS
    closes: datetime = CLOSES
    during: datetime = DURING  # the call is open
    after: datetime = AFTER  # the call has closed

    @property
    def actor(self) -> Actor:
        return Actor(self.secretariat.email, self.secretariat.id)

    def call_input(self, **changes: Any) -> CallInput:
        """Six seats (four in person, two online), two criteria, and two targets: one
        seat for an indigenous-led organisation and one per country applying."""
        data = CallInput(
            title="Civil-society seats at the ministerial meeting",
            description="Organisations working with people on the move may apply.",
            seats_in_person=4, seats_online=2, opens_at=OPENS, closes_at=CLOSES,
            selection_on=date(2026, 12, 30),
            criteria=[CriterionInput("category", "Direct services to people on the move.", 5),
                      CriterionInput("continuity", "Takes part in other mechanisms.", 3)],
            targets=[TargetInput("led-by", "indigenous", 1), TargetInput("each-country")],
            written_in="en")
        return replace(data, **changes)

    def open_call(self, **changes: Any) -> Call:
        """A published call (it opens at `opens`, closes at `closes`)."""
        call = create_call(self.meeting.id, self.call_input(**changes), now=self.now,
                           actor=self.actor)
        return publish_call(call.id, now=self.now, actor=self.actor)


def application_input(**changes: Any) -> ApplicationInput:
    data = ApplicationInput(
        motivation="We run shelters along the route and speak for the people we serve.",
        attendees=[{"name": "Ana Ixcot", "role": "Coordinator"}], online=False,
        interpretation=["en"], accessibility=None, mechanisms=["rcm", "mirps"],
        consent_publish=True)
    return replace(data, **changes)


@pytest.fixture
def call_world(seeded, frozen) -> CallWorld:
    secretariat = Account(name="Secretaría Técnica", email="secretaria@example.org",
                          role=Role.SECRETARIAT, language="es", zone="America/Panama",
                          created_at=NOW)
    organisations, contacts = [], []
    for name, iso, led_by, person, email, language, zone in ORGANISATIONS:
        country = db.session.scalar(select(Country).where(Country.iso == iso))
        organisation = Organisation(
            name=name, scope=Scope.NATIONAL, kinds=["service-provider"], led_by=led_by,
            registration_state=RegistrationState.APPROVED, countries=[country],
            languages=[language], created_at=NOW)
        contact = Contact(name=person, email=email, language=language, zone=zone,
                          created_at=NOW)
        organisation.contacts.append(contact)
        organisations.append(organisation)
        contacts.append(contact)
    db.session.add_all([secretariat, *organisations])
    db.session.commit()
    series = schedule_series(SeriesInput(
        kind=SeriesKind.HIGH_LEVEL, title="Ministerial meeting of the LA Declaration",
        first_date=MEETING_DAY, start_time=time(9), zone="America/Panama",
        duration_minutes=480, country=None, location="Ciudad de Panamá"),
        now=NOW, actor=Actor.cli())
    meeting = series.meetings[0]
    return CallWorld(meeting, secretariat, organisations, contacts)
