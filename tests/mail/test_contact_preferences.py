"""A contact's own preferences (issue 14, item 6): the link in every mail's footer, the
language of the next mail, and the opt-out of non-essential mail."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from email import message_from_string
from email.message import EmailMessage
from email.policy import default

from sqlalchemy import select

from coordinator.cadence.recurrence import wall_clock
from coordinator.cadence.zones import get_zone
from coordinator.extensions import db
from coordinator.invitations.deadlines import run_due_deadlines
from coordinator.mail.kinds import MailKind
from coordinator.meetings.services import move_meeting
from coordinator.models import AuditEntry, Contact, OutboxMessage
from coordinator.people.editing import edit_contact
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import PEOPLE, make_world
from tests.web.people import CSRF

LINK = re.compile(r"https://coordinator\.test(/preferences/[A-Za-z0-9_.-]+)")


def text_of(row: OutboxMessage) -> str:
    message = message_from_string(row.body, policy=default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def rows_to(address: str, kind: MailKind | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.recipient == address)
    if kind is not None:
        query = query.where(OutboxMessage.kind == str(kind))
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def preferences_path(address: str) -> str:
    found = LINK.search(text_of(rows_to(address)[-1]))
    assert found is not None, "no preferences link in the mail"
    return found.group(1)


def save(client, path: str, **fields: str):  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code == 200
    token = CSRF.search(page.get_data(as_text=True))
    assert token is not None
    return client.post(path, data={"csrf_token": token.group(1), **fields})


def test_every_mail_to_a_contact_carries_their_own_preferences_link(seeded) -> None:
    make_world(NOW)
    paths = set()
    for _name, address, _, _ in PEOPLE:
        (row,) = rows_to(address)
        found = LINK.search(text_of(row))
        assert found is not None
        paths.add(found.group(1))
    assert len(paths) == len(PEOPLE)  # one link per person


def test_the_page_opens_from_the_link_and_a_forged_link_is_404(seeded, client) -> None:
    make_world(NOW)
    path = preferences_path("grace@cso.example")
    page = client.get(path)
    assert page.status_code == 200
    assert "Grace Okafor" in page.get_data(as_text=True)
    assert client.get("/preferences/not-a-token").status_code == 404
    assert client.get(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
                      ).status_code == 404
    # Reading the page changed nothing.
    assert db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "contact.preferences")) is None


def test_a_contact_who_switches_to_french_receives_the_next_mail_in_french(
        seeded, client) -> None:
    world = make_world(NOW)
    path = preferences_path("ana@cso.example")
    saved = save(client, path, language="fr", zone="America/Guatemala",
                 non_essential_mail="yes")
    assert saved.status_code == 303
    assert "lang=fr" in saved.headers["Location"]
    contact = db.session.scalars(select(Contact).where(
        Contact.email == "ana@cso.example")).one()
    assert contact.language == "fr"
    meeting = world.first
    move_meeting(meeting.id, wall_clock(date(2026, 12, 11), time(10),
                                        get_zone("America/Guatemala")),
                 now=NOW + timedelta(hours=1), actor=Actor.cli())
    update = rows_to("ana@cso.example", MailKind.UPDATE)[-1]
    assert update.language == "fr"
    assert "Content-Language: fr" in update.body


def test_opting_out_stops_a_reminder_but_not_an_invitation_update(seeded, client) -> None:
    world = make_world(NOW)
    meeting = world.first
    path = preferences_path("wilner@cso.example")
    # The checkbox left unticked: essential mail only.
    assert save(client, path, language="ht", zone="America/Port-au-Prince").status_code == 303
    seven = meeting.start_at - timedelta(days=7)
    run_due_deadlines(now=seven + timedelta(minutes=1))
    assert rows_to("wilner@cso.example", MailKind.REMINDER) == []
    assert len(rows_to("ana@cso.example", MailKind.REMINDER)) == 1
    suppressed = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "mail.suppressed")).all()
    assert [(e.entity, e.details["kind"]) for e in suppressed] == [("contact", "reminder")]
    move_meeting(meeting.id, meeting.start_at + timedelta(days=1),
                 now=seven + timedelta(hours=1), actor=Actor.cli())
    assert len(rows_to("wilner@cso.example", MailKind.UPDATE)) == 1


def test_a_refused_choice_keeps_the_form_and_saves_nothing(seeded, client) -> None:
    make_world(NOW)
    path = preferences_path("grace@cso.example")
    refused = save(client, path, language="xx", zone="America/Chicago",
                   non_essential_mail="yes")
    assert refused.status_code == 422
    assert db.session.scalars(select(Contact.language).where(
        Contact.email == "grace@cso.example")).one() == "en"


def test_a_new_address_voids_the_link_mailed_to_the_old_one(seeded, client) -> None:
    make_world(NOW)
    path = preferences_path("grace@cso.example")
    contact = db.session.scalars(select(Contact).where(
        Contact.email == "grace@cso.example")).one()
    edit_contact(contact.id, email="grace@new.example", now=NOW, actor=Actor.cli())
    assert client.get(path).status_code == 410


def test_opting_out_stops_the_topic_window_link_but_not_one_asked_for(seeded) -> None:
    from coordinator.agendas.suggestions import renew_link
    from coordinator.models import Invitation
    from coordinator.people.editing import update_preferences

    make_world(NOW, people=PEOPLE[:2], first=date(2026, 12, 28))  # topics from 16 November
    ana, wilner = (db.session.scalars(select(Contact).where(Contact.email == address)).one()
                   for address in ("ana@cso.example", "wilner@cso.example"))
    update_preferences(wilner, language="ht", zone=wilner.zone, non_essential_mail=False,
                       now=NOW)
    run_due_deadlines(now=NOW + timedelta(minutes=1))
    assert len(rows_to(ana.email, MailKind.SUGGEST_LINK)) == 1
    assert rows_to(wilner.email, MailKind.SUGGEST_LINK) == []
    assert db.session.scalars(select(AuditEntry.entity_id).where(
        AuditEntry.action == "mail.suppressed")).all() == [wilner.id]
    # Ana opts out later, then asks for a new link (the one she holds stops working):
    # it must reach her, or she is locked out.
    update_preferences(ana, language="es", zone=ana.zone, non_essential_mail=False, now=NOW)
    invitation = db.session.scalars(select(Invitation).where(
        Invitation.contact_id == ana.id)).one()
    assert renew_link(invitation, now=NOW + timedelta(hours=1))
    assert len(rows_to(ana.email, MailKind.SUGGEST_LINK)) == 2
