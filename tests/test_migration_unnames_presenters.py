"""Migration 0011: agenda items that named a proposer's organisation without consent, from
before the fix, lose that name in the draft and in every published version."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from coordinator.agendas.services import publish_agenda
from coordinator.agendas.suggestions import accept_suggestion, submit_suggestion
from coordinator.extensions import db
from coordinator.invitations.deadlines import run_due_deadlines
from coordinator.models import AgendaItem, AgendaPublication, Invitation, Meeting
from coordinator.models.feeds import current_version
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import PEOPLE, make_world

ORGANISATION = "Red de Acogida"


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def presenters(items: list[dict]) -> dict[str, str | None]:
    return {item["title"]: item["presenter"] for item in items}


def test_upgrade_unnames_presenters_copied_without_consent(seeded, frozen) -> None:
    world = make_world(NOW, first=date(2026, 12, 28), people=PEOPLE[:2])
    meeting_id = world.first.id
    run_due_deadlines(now=NOW)
    invited = list(db.session.scalars(
        select(Invitation).where(Invitation.meeting_id == meeting_id).order_by(Invitation.id)))
    topics = {title: submit_suggestion(invitation, form_key=title, title=title,
                                       description="", link=None, language="es", minutes=10,
                                       show_name=consent, now=NOW)
              for title, invitation, consent in (("Quiet", invited[0], False),
                                                 ("Named", invited[1], True),
                                                 ("Typed", invited[0], False))}
    for topic in topics.values():
        accept_suggestion(topic.id, now=NOW, actor=Actor.cli())
    # As acceptance stored them before the fix, and a presenter a coordinator typed.
    items = {i.title: i for i in db.session.scalars(select(AgendaItem))}
    items["Quiet"].presenter = ORGANISATION
    items["Typed"].presenter = "Vocera invitada"
    db.session.commit()
    publish_agenda(meeting_id, now=NOW, actor=Actor.cli())
    before = current_version(db.session)[0]
    db.session.close()  # PostgreSQL: no open transaction may hold the tables the DDL alters

    try:
        downgrade(revision="0010")
        upgrade()
    finally:
        upgrade()  # whatever happened, the next tests find the schema at head

    expected = {"Quiet": None, "Named": ORGANISATION, "Typed": "Vocera invitada"}
    assert {i.title: i.presenter for i in db.session.scalars(select(AgendaItem))} == expected
    assert presenters(db.session.get(Meeting, meeting_id).published_agenda) == expected
    publication = db.session.scalars(select(AgendaPublication)).one()
    assert presenters(publication.items) == expected
    assert current_version(db.session)[0] > before  # feeds and API answers change validator
