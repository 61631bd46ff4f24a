"""A Guatemalan quarterly meeting with a minutes draft and an agenda item, on both
databases; the clock is frozen at NOW, before the meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coordinator.agendas.services import add_item
from coordinator.extensions import db
from coordinator.models import AgendaItem, Country, Meeting, Role
from coordinator.outcomes.minutes import save_draft
from coordinator.outcomes.models import Commitment, Minutes
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import make_world
from tests.web.people import make_account

COORDINATOR = "punto.focal.docs@gob.example"
OUTSIDER = "coordinacion.hn.docs@gob.example"


@dataclass
class Place:
    meeting: Meeting
    minutes: Minutes
    item: AgendaItem
    commitment: Commitment

    @property
    def after_meeting(self):  # type: ignore[no-untyped-def]
        return self.meeting.start_at + timedelta(hours=2)


@pytest.fixture
def place(seeded, frozen) -> Place:  # type: ignore[no-untyped-def]
    world = make_world(NOW, first=date(2026, 12, 10))
    make_account(Role.SPECIAL_COORDINATOR, email=COORDINATOR, country="GT")
    make_account(Role.SPECIAL_COORDINATOR, email=OUTSIDER, country="HN")
    meeting = world.first
    actor = Actor.cli()
    minutes = save_draft(meeting.id, text="Se acordó el plan.", now=NOW, actor=actor)
    item = add_item(meeting.id, kind="discussion", title="Plan de regularización", now=NOW,
                    actor=actor)
    guatemala = db.session.scalar(select(Country).where(Country.iso == "GT"))
    commitment = Commitment(text="Abrir dos centros de atención.", country_id=guatemala.id,
                            pillar="I", start_on=date(2026, 1, 1), target_on=date(2027, 6, 30),
                            created_at=NOW, updated_at=NOW)
    db.session.add(commitment)
    db.session.commit()
    return Place(meeting, minutes, item, commitment)
