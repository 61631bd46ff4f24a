"""Changes to one meeting at the same instant run one after the other: the invitation each
invitee last received matches the database and the feed, under a SEQUENCE of its own."""

from __future__ import annotations

import email
import email.policy
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta

import icalendar
import pytest
from flask import Flask
from sqlalchemy import select

from coordinator.cadence.recurrence import wall_clock
from coordinator.cadence.zones import get_zone
from coordinator.errors import Conflict
from coordinator.extensions import db
from coordinator.meetings.services import cancel_meeting, move_meeting
from coordinator.models import Meeting, MeetingStatus, OutboxMessage
from coordinator.unit import Actor
from tests.conftest import NOW
from tests.mail.scenario import make_world

ROUNDS = 5
GUATEMALA = get_zone("America/Guatemala")


def at_once(app: Flask, *calls: Callable[[], object]) -> list[object]:
    """Run each call in its own thread and app context, released together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        with app.app_context():
            barrier.wait()
            try:
                outcomes[index] = call()
            except Conflict as exc:
                outcomes[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def last_invitations(meeting_id: int) -> dict[str, icalendar.Event | str]:
    """Per recipient, the calendar part of the highest SEQUENCE they were sent."""
    sent: dict[str, list[tuple[int, str, icalendar.Event]]] = defaultdict(list)
    for row in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.meeting_id == meeting_id,
            OutboxMessage.kind.in_(("invite", "update", "cancel", "agenda")))):
        message = email.message_from_string(row.body, policy=email.policy.default)
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        calendar = icalendar.Calendar.from_ical(part.get_content())
        event = next(iter(calendar.walk("VEVENT")))
        sent[row.recipient].append((int(event["SEQUENCE"]), str(calendar["METHOD"]), event))
    last = {}
    for recipient, versions in sent.items():
        sequences = [v[0] for v in versions]
        assert len(sequences) == len(set(sequences)), f"{recipient}: a SEQUENCE repeats"
        last[recipient] = max(versions, key=lambda v: v[0])
    return last  # type: ignore[return-value]


def two_moves(app: Flask, meeting_id: int, round_: int):  # type: ignore[no-untyped-def]
    """Move the meeting to 9:00 and to 15:00 of one day, at the same instant."""
    db.session.expire_all()
    before = db.session.get(Meeting, meeting_id).sequence
    day = date(2027, 1, 11) + timedelta(days=round_)
    starts = tuple(wall_clock(day, datetime(2000, 1, 1, hour).time(), GUATEMALA)
                   for hour in (9, 15))
    outcomes = at_once(app, *(lambda s=s: move_meeting(meeting_id, s, now=NOW,
                                                       actor=Actor.cli()) for s in starts))
    return before, starts, outcomes


def agrees(meeting: Meeting) -> None:
    last = last_invitations(meeting.id)
    assert last
    for recipient, (sequence, method, event) in last.items():  # type: ignore[misc]
        assert sequence == meeting.sequence, recipient
        if meeting.status == MeetingStatus.CANCELLED:
            assert method == "CANCEL", recipient
        else:
            assert method == "REQUEST", recipient
            assert event.decoded("DTSTART") == meeting.start_at, recipient


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_moves_at_the_same_instant_are_both_applied_in_turn(seeded: Flask) -> None:
    world = make_world(NOW)
    meeting_id = world.first.id
    for round_ in range(ROUNDS):
        before, (one, two), outcomes = two_moves(seeded, meeting_id, round_)
        assert not any(isinstance(o, Exception) for o in outcomes)
        db.session.expire_all()
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.sequence == before + 2  # neither change was lost
        assert meeting.start_at in (one, two)
        agrees(meeting)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_move_and_a_cancel_at_the_same_instant_end_consistent(seeded: Flask) -> None:
    world = make_world(NOW)
    meeting_id = world.first.id
    start = wall_clock(date(2027, 1, 12), datetime(2000, 1, 1, 11).time(), GUATEMALA)
    outcomes = at_once(
        seeded,
        lambda: move_meeting(meeting_id, start, now=NOW, actor=Actor.cli()),
        lambda: cancel_meeting(meeting_id, now=NOW, actor=Actor.cli(), reason="Storm"))
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    assert meeting.status == MeetingStatus.CANCELLED
    refused = [o for o in outcomes if isinstance(o, Exception)]
    # Either the move came first (both applied, SEQUENCE +2) or the cancel did (the move
    # is refused: a cancelled meeting cannot move).
    assert meeting.sequence == (1 if refused else 2)
    agrees(meeting)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_agenda_changes_at_the_same_instant_keep_order_and_publish_once(seeded: Flask) -> None:
    from coordinator.agendas.services import add_item, publish_agenda
    from coordinator.models import AgendaItem, AgendaPublication

    world = make_world(NOW)
    meeting_id = world.first.id
    at_once(seeded, *(lambda n=n: add_item(meeting_id, now=NOW, actor=Actor.cli(),
                                           kind="discussion", title=f"Tema {n}")
                      for n in range(4)))
    positions = sorted(db.session.scalars(select(AgendaItem.position).where(
        AgendaItem.meeting_id == meeting_id)))
    assert positions == [1, 2, 3, 4]
    outcomes = at_once(seeded, lambda: publish_agenda(meeting_id, now=NOW, actor=Actor.cli()),
                       lambda: publish_agenda(meeting_id, now=NOW, actor=Actor.cli()))
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and "Nothing changed" in str(refused[0])
    assert len(db.session.scalars(select(AgendaPublication).where(
        AgendaPublication.meeting_id == meeting_id)).all()) == 1
    db.session.expire_all()
    agrees(db.session.get(Meeting, meeting_id))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_on_sqlite_a_change_at_the_same_instant_is_applied_or_refused_never_lost(
        seeded: Flask) -> None:
    from coordinator.unit import Busy

    world = make_world(NOW)
    meeting_id = world.first.id
    for round_ in range(ROUNDS):
        before, _starts, outcomes = two_moves(seeded, meeting_id, round_)
        refused = [o for o in outcomes if isinstance(o, Exception)]
        assert all(isinstance(o, Busy) for o in refused)
        db.session.expire_all()
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.sequence == before + 2 - len(refused)
        agrees(meeting)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_form_sent_several_times_at_once_stores_one_row_and_answers_each(
        seeded: Flask) -> None:
    from coordinator.agendas.proposals import submit_proposal
    from coordinator.models import Committee, Contact, Proposal
    from coordinator.unit import Busy

    make_world(NOW)
    contact_id = db.session.scalars(select(Contact.id).limit(1)).one()
    committee_id = db.session.scalars(select(Committee.id).limit(1)).one()

    def send() -> object:
        contact, committee = db.session.get(Contact, contact_id), db.session.get(
            Committee, committee_id)
        return submit_proposal(contact, committee, form_key="same-form", title="Ferias",
                               body="Texto", language="es", now=NOW).id

    outcomes = at_once(seeded, send, send, send, send)
    assert all(isinstance(o, int | Busy) for o in outcomes), outcomes
    assert len({o for o in outcomes if isinstance(o, int)}) == 1
    assert len(db.session.scalars(select(Proposal)).all()) == 1
