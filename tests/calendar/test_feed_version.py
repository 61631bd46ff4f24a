"""The feed data version moves only when something a feed (or an ETag'd API answer) shows
changes: strangers' registrations, topics and answers must not re-render every feed."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.invitations.rsvp import answer_invitation
from coordinator.meetings.services import move_meeting
from coordinator.models import Contact, Invitation, current_version
from coordinator.people.registration import (
    approve_registration,
    confirm_registration,
    register_organisation,
)
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import make_world
from tests.web.test_registration import VALID


def version() -> int:
    db.session.rollback()
    return current_version(db.session)[0]


def test_strangers_do_not_move_the_version_and_feed_changes_do(seeded) -> None:
    with time_machine.travel(NOW, tick=False):
        world = make_world(NOW)
        meeting_id = world.first.id
        start = version()

        register_organisation(VALID, now=NOW)
        contact = db.session.scalars(select(Contact).where(
            Contact.email == VALID["email"])).one()
        confirm_registration(contact, now=NOW)
        invitation = db.session.scalars(select(Invitation)).first()
        assert invitation is not None
        answer_invitation(invitation, answer="accepted", speaks="es",
                          interpretation_into=None, now=NOW)
        # A pending organisation's contact edited by the secretariat: still not public.
        contact = db.session.get(Contact, contact.id)
        contact.name = "María José López"
        db.session.commit()
        assert version() == start

        approve_registration(contact.organisation_id, now=NOW, actor=Actor.cli())
        approved = version()
        assert approved > start

        # Once approved, its contacts can be representatives and participants: they count.
        contact = db.session.get(Contact, contact.id)
        contact.active = False
        db.session.commit()
        deactivated = version()
        assert deactivated > approved

        meeting = move_meeting(meeting_id, world.first.start_at + timedelta(hours=1),
                               now=NOW, actor=Actor.cli())
        assert meeting.sequence > 0
        assert version() > deactivated
