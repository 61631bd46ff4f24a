"""Invitations by mail (RFC 5546 / 6047) through a real SMTP server, parsed twice."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import icalendar
import pytest
import time_machine
import vobject
from sqlalchemy import func, select

from coordinator.cadence.recurrence import wall_clock
from coordinator.cadence.zones import get_zone
from coordinator.extensions import db
from coordinator.mail.dispatch import dispatch
from coordinator.meetings.services import cancel_meeting, move_meeting
from coordinator.models import Invitation, OutboxMessage, OutboxState
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import PEOPLE, make_world
from tests.smtp import Received


def calendar_part(received: Received):  # type: ignore[no-untyped-def]
    parts = [p for p in received.message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def parse_both(part) -> tuple[icalendar.Calendar, object]:  # type: ignore[no-untyped-def]
    raw = part.get_payload(decode=True).decode("utf-8")
    return icalendar.Calendar.from_ical(raw), vobject.readOne(raw)


def by_recipient(received: list[Received]) -> dict[str, Received]:
    return {r.recipients[0]: r for r in received}


def test_each_contact_gets_a_valid_imip_request_naming_only_them(seeded, mailed) -> None:
    world = make_world(NOW)
    meeting = world.first
    queued = db.session.scalar(select(func.count(OutboxMessage.id)))
    assert queued == len(PEOPLE)  # only the December meeting is inside the invitation window
    result = dispatch(NOW)
    assert result.sent == len(PEOPLE)
    got = by_recipient(mailed.wait_for(len(PEOPLE)))
    assert set(got) == {p[1] for p in PEOPLE}
    for _name, address, _, _ in PEOPLE:
        message = got[address].message
        assert message.get_content_type() == "multipart/alternative"
        kinds = [p.get_content_type() for p in message.iter_parts()]
        assert kinds == ["text/plain", "text/html", "text/calendar"]
        part = calendar_part(got[address])
        assert part.get_param("method") == "REQUEST"
        assert part.get_content_charset() == "utf-8"
        assert message["From"].addresses[0].addr_spec == "coordinator@coordinator.test"
        assert message["From"].addresses[0].display_name == (
            "Coordinadora Especial (via coordinator)")
        assert message["Reply-To"].addresses[0].addr_spec == "coordinacion@gob.example"
        assert message["To"].addresses[0].addr_spec == address
        cal, vcal = parse_both(part)
        assert cal["METHOD"] == "REQUEST"
        event = cal.walk("VEVENT")[0]
        assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 0
        assert str(event["ORGANIZER"]) == "mailto:coordinacion@gob.example"
        attendees = event.get("ATTENDEE")
        assert not isinstance(attendees, list)  # exactly one: participants are not shown
        assert str(attendees) == f"mailto:{address}"
        assert attendees.params["RSVP"] == "TRUE"
        assert event.decoded("DTSTART") == meeting.start_at
        # The independent parser agrees.
        vevent = vcal.vevent
        assert vevent.uid.value == meeting.uid
        assert vevent.dtstart.value == meeting.start_at
        assert vevent.dtstart.value.astimezone(get_zone("America/Guatemala")).hour == 10
        assert len(vevent.contents["attendee"]) == 1
        assert vcal.method.value == "REQUEST"


def test_moving_sends_an_update_with_a_higher_sequence_and_the_same_uid(seeded, mailed) -> None:
    world = make_world(NOW)
    meeting = world.first
    dispatch(NOW)
    mailed.wait_for(len(PEOPLE))
    later = NOW + timedelta(hours=1)
    move_meeting(meeting.id, wall_clock(date(2026, 12, 11), time(15), get_zone(
        "America/Guatemala")), now=later, actor=Actor.cli())
    assert dispatch(later).sent == len(PEOPLE)
    updates = mailed.wait_for(2 * len(PEOPLE))[len(PEOPLE):]
    for received in updates:
        cal, vcal = parse_both(calendar_part(received))
        event = cal.walk("VEVENT")[0]
        assert cal["METHOD"] == "REQUEST"
        assert str(event["UID"]) == meeting.uid
        assert int(event["SEQUENCE"]) == 1
        assert int(vcal.vevent.sequence.value) == 1
        assert vcal.vevent.dtstart.value.astimezone(get_zone("America/Guatemala")).hour == 15
        assert received.message["Subject"] != ""


def test_cancelling_sends_method_cancel_to_everyone_invited(seeded, mailed) -> None:
    world = make_world(NOW)
    meeting = world.first
    dispatch(NOW)
    mailed.wait_for(len(PEOPLE))
    cancel_meeting(meeting.id, now=NOW, actor=Actor.cli(), reason="Elections")
    assert dispatch(NOW).sent == len(PEOPLE)
    cancels = mailed.wait_for(2 * len(PEOPLE))[len(PEOPLE):]
    assert {r.recipients[0] for r in cancels} == {p[1] for p in PEOPLE}
    for received in cancels:
        part = calendar_part(received)
        assert part.get_param("method") == "CANCEL"
        cal, vcal = parse_both(part)
        event = cal.walk("VEVENT")[0]
        assert cal["METHOD"] == "CANCEL" and vcal.method.value == "CANCEL"
        assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 1
        assert str(event["STATUS"]) == "CANCELLED"
    assert all(i.cancelled for i in db.session.scalars(select(Invitation)))


def test_a_participant_added_later_is_invited_at_once(seeded, mailed) -> None:
    world = make_world(NOW, people=PEOPLE[:1])
    from coordinator.invitations.participants import add_participant
    from coordinator.models import Contact

    late = Contact(organisation=world.organisation, name="Late", email="late@cso.example",
                   language="fr", zone="America/Port-au-Prince", created_at=NOW)
    db.session.add(late)
    db.session.commit()
    add_participant(now=NOW, actor=Actor.cli(), meeting_id=world.first.id, contact_id=late.id)
    assert dispatch(NOW).sent == 2
    assert {r.recipients[0] for r in mailed.wait_for(2)} == {"ana@cso.example",
                                                            "late@cso.example"}


def test_invitations_wait_for_the_invitation_window(seeded, mailed) -> None:
    from coordinator.invitations.deadlines import run_due_deadlines

    world = make_world(NOW, first=date(2026, 12, 10), rrule="FREQ=MONTHLY;INTERVAL=3")
    march = sorted(world.series.meetings, key=lambda m: m.start_at)[1]
    invited = {i.meeting_id for i in db.session.scalars(select(Invitation))}
    assert march.id not in invited
    window = march.start_at - timedelta(days=100)

    def invites_for_march() -> int:
        return db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "invite", OutboxMessage.meeting_id == march.id))

    run_due_deadlines(now=window - timedelta(minutes=1))
    assert invites_for_march() == 0
    run_due_deadlines(now=window + timedelta(minutes=1))
    assert invites_for_march() == len(PEOPLE)
    run_due_deadlines(now=window + timedelta(minutes=2))
    assert invites_for_march() == len(PEOPLE)
    invited = {i.meeting_id for i in db.session.scalars(select(Invitation))}
    assert march.id in invited


def test_enqueueing_the_same_key_twice_stores_one_row(seeded) -> None:
    from email.message import EmailMessage

    from coordinator.mail.kinds import MailKind
    from coordinator.mail.outbox import Envelope, Outgoing, enqueue

    message = EmailMessage()
    message["Subject"], message["Message-ID"] = "x", "<x@test>"
    message.set_content("x")
    envelope = Envelope("invite:meeting:42:contact:17:seq:3", MailKind.INVITE, "a@b.example",
                        "en")
    assert enqueue(db.session, Outgoing(envelope, message), NOW) is True
    assert enqueue(db.session, Outgoing(envelope, message), NOW) is False
    db.session.commit()
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


@pytest.mark.parametrize("address", ["not-an-address", "a@b", "ana@@cso.example", "",
                                     "ana@cso.example\nBcc: x@evil.example"])
def test_a_contact_without_a_valid_address_is_refused_at_entry(seeded, address: str) -> None:
    from coordinator.errors import InvalidInput
    from coordinator.models import Contact

    with pytest.raises(InvalidInput, match="valid e-mail"):
        Contact(name="X", email=address, language="en", zone="UTC", created_at=NOW)


def test_without_smtp_messages_become_eml_files(seeded, app, tmp_path) -> None:
    make_world(NOW)
    app.config["MAIL_SERVER"] = None
    assert dispatch(NOW).sent == len(PEOPLE)
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == len(PEOPLE)
    assert b"method=REQUEST" in files[0].read_bytes()
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.state == OutboxState.SENT)) == len(PEOPLE)


# The pages read the clock: the link is followed a minute after the mail, whatever today is.
@time_machine.travel(NOW + timedelta(minutes=1))
def test_rsvp_link_from_the_mail_records_the_answer(seeded, mailed, client) -> None:
    from coordinator.invitations.rsvp import rsvp_summary

    world = make_world(NOW)
    dispatch(NOW)
    mail = by_recipient(mailed.wait_for(len(PEOPLE)))["wilner@cso.example"]
    text = mail.message.get_body(("plain",)).get_content()
    link = re.search(r"https://coordinator\.test(/rsvp/\S+\?answer=accepted)", text)
    assert link is not None
    page = client.get(link.group(1))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    path = link.group(1).split("?")[0]
    refused = client.post(path, data={"answer": "accepted"})
    assert refused.status_code == 400  # no CSRF token
    saved = client.post(path, data={"answer": "accepted", "speaks": "ht",
                                    "interpretation": "fr", "csrf_token": token})
    assert saved.status_code == 200
    summary = rsvp_summary(world.first.id)
    assert summary.answers["accepted"] == 1
    assert summary.answers["needs-action"] == len(PEOPLE) - 1
    assert summary.speaks == {"ht": 1} and summary.interpretation_into == {"fr": 1}
    # A tampered link reveals nothing; after a cancellation the link is gone.
    assert client.get(path[:-3] + "abc").status_code == 404
    cancel_meeting(world.first.id, now=NOW, actor=Actor.cli())
    assert client.get(path).status_code == 410


def test_coordinators_see_answers_and_interpretation_needs(seeded, app) -> None:
    from coordinator.cli import main

    world = make_world(NOW)
    invitations = list(db.session.scalars(select(Invitation).order_by(Invitation.id)))
    for invitation, (answer, into) in zip(invitations, [("accepted", "es"), ("accepted", "fr"),
                                                        ("tentative", "es"), ("declined", "pt")],
                                          strict=False):
        invitation.answer, invitation.interpretation_into = answer, into
    db.session.commit()
    out = app.test_cli_runner().invoke(main, ["rsvps", str(world.first.id)]).output
    assert "accepted: 2, declined: 1, tentative: 1" in out.replace("needs-action: 1, ", "")
    assert "interpretation into es: 2" in out and "interpretation into fr: 1" in out
    assert "into pt" not in out  # those who declined need no interpreter
